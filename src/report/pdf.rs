//! A4 PDF reports with printpdf and its built-in Helvetica: headings, key/value facts,
//! paragraphs and tables whose cells wrap and whose header repeats on each new page. Text is
//! measured with the font's own glyph widths, so columns never overlap.

use printpdf::{
    BuiltinFont, Color, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, Rgb, TextItem,
};

const PAGE_WIDTH: f32 = 210.0;
const PAGE_HEIGHT: f32 = 297.0;
const MARGIN: f32 = 16.0;
const BODY_SIZE: f32 = 9.0;
const LINE_MM: f32 = 4.4;
const PT_PER_MM: f32 = 72.0 / 25.4;

struct Font {
    handle: BuiltinFont,
    parsed: Option<ParsedFont>,
}

impl Font {
    fn new(handle: BuiltinFont) -> Self {
        Self { handle, parsed: handle.get_parsed_font() }
    }

    /// Width of `text` in millimetres at `size` points.
    fn width_mm(&self, text: &str, size: f32) -> f32 {
        let Some(font) = &self.parsed else { return text.chars().count() as f32 * size * 0.5 / PT_PER_MM };
        let units = f32::from(font.units_per_em.max(1));
        let total: f32 = text
            .chars()
            .map(|c| {
                font.lookup_glyph_index(c as u32).and_then(|g| font.get_glyph_width(g)).map_or(units * 0.55, f32::from)
            })
            .sum();
        total / units * size / PT_PER_MM
    }
}

/// Keep to characters the built-in fonts can show.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '—' | '–' => '-',
            '‘' | '’' => '\'',
            '“' | '”' => '"',
            '\n' | '\t' | '\r' => ' ',
            c if (c as u32) < 0x20 => ' ',
            c if (c as u32) <= 0xFF => c,
            _ => '?',
        })
        .collect()
}

/// Break `text` into lines no wider than `width` millimetres.
fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in printable(text).split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if font.width_mm(&candidate, size) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        }
        // A single word wider than the column is cut into pieces.
        while font.width_mm(&line, size) > width && line.chars().count() > 1 {
            let mut head = String::new();
            for c in line.chars() {
                if font.width_mm(&format!("{head}{c}"), size) > width && !head.is_empty() {
                    break;
                }
                head.push(c);
            }
            let rest: String = line.chars().skip(head.chars().count()).collect();
            lines.push(head);
            line = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A report being written, page by page.
pub struct PdfReport {
    title: String,
    regular: Font,
    bold: Font,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Distance of the next line from the bottom of the page, in millimetres.
    y: f32,
}

impl PdfReport {
    pub fn new(title: &str) -> Self {
        let mut report = Self {
            title: printable(title),
            regular: Font::new(BuiltinFont::Helvetica),
            bold: Font::new(BuiltinFont::HelveticaBold),
            pages: Vec::new(),
            ops: Vec::new(),
            y: PAGE_HEIGHT - MARGIN,
        };
        report.text(title, MARGIN, 16.0, true);
        report.y -= 9.0;
        report
    }

    fn text(&mut self, text: &str, x: f32, size: f32, bold: bool) {
        let font = if bold { self.bold.handle } else { self.regular.handle };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetTextCursor { pos: Point::new(Mm(x), Mm(self.y)) },
            Op::SetFont { font: PdfFontHandle::Builtin(font), size: Pt(size) },
            Op::SetFillColor { col: Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None }) },
            Op::ShowText { items: vec![TextItem::Text(printable(text))] },
            Op::EndTextSection,
        ]);
    }

    fn rule(&mut self, y: f32, grey: f32) {
        self.ops.extend([
            Op::SetOutlineColor { col: Color::Rgb(Rgb { r: grey, g: grey, b: grey, icc_profile: None }) },
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint { p: Point::new(Mm(MARGIN), Mm(y)), bezier: false },
                        LinePoint { p: Point::new(Mm(PAGE_WIDTH - MARGIN), Mm(y)), bezier: false },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Start a new page if fewer than `needed` millimetres are left.
    fn ensure(&mut self, needed: f32) -> bool {
        if self.y - needed >= MARGIN + 6.0 {
            return false;
        }
        self.new_page();
        true
    }

    fn new_page(&mut self) {
        let page = self.pages.len() + 1;
        self.y = MARGIN - 2.0;
        self.text(&format!("{} - page {page}", self.title), MARGIN, 7.0, false);
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = PAGE_HEIGHT - MARGIN;
    }

    pub fn heading(&mut self, text: &str) {
        self.ensure(14.0);
        self.y -= 3.0;
        self.text(text, MARGIN, 12.0, true);
        self.y -= 7.0;
    }

    pub fn paragraph(&mut self, text: &str) {
        for line in wrap(&self.regular, text, BODY_SIZE, PAGE_WIDTH - 2.0 * MARGIN) {
            self.ensure(LINE_MM);
            self.text(&line, MARGIN, BODY_SIZE, false);
            self.y -= LINE_MM;
        }
        self.y -= 2.0;
    }

    /// Facts as "label: value" lines with the labels in bold.
    pub fn facts(&mut self, facts: &[(&str, String)]) {
        let label_width = 52.0;
        for (label, value) in facts {
            let lines = wrap(&self.regular, value, BODY_SIZE, PAGE_WIDTH - 2.0 * MARGIN - label_width);
            self.ensure(LINE_MM * lines.len() as f32);
            self.text(label, MARGIN, BODY_SIZE, true);
            for line in lines {
                self.text(&line, MARGIN + label_width, BODY_SIZE, false);
                self.y -= LINE_MM;
            }
        }
        self.y -= 3.0;
    }

    fn header_row(&mut self, headers: &[&str], widths: &[f32]) {
        let mut x = MARGIN;
        for (header, width) in headers.iter().zip(widths) {
            self.text(header, x, BODY_SIZE, true);
            x += width;
        }
        self.y -= 1.8;
        self.rule(self.y, 0.3);
        self.y -= LINE_MM;
    }

    /// A table; `widths` are column widths in millimetres (they should add up to 178).
    pub fn table(&mut self, headers: &[&str], widths: &[f32], rows: &[Vec<String>]) {
        self.ensure(3.0 * LINE_MM);
        self.header_row(headers, widths);
        for row in rows {
            let cells: Vec<Vec<String>> =
                row.iter().zip(widths).map(|(cell, w)| wrap(&self.regular, cell, BODY_SIZE, w - 2.0)).collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * LINE_MM;
            if self.ensure(height + 1.0) {
                self.header_row(headers, widths);
            }
            let top = self.y;
            let mut x = MARGIN;
            for (lines, width) in cells.iter().zip(widths) {
                self.y = top;
                for line in lines {
                    self.text(line, x, BODY_SIZE, false);
                    self.y -= LINE_MM;
                }
                x += width;
            }
            self.y = top - height + LINE_MM - 1.6;
            self.rule(self.y, 0.8);
            self.y -= LINE_MM;
        }
        self.y -= 2.0;
    }

    /// The finished PDF.
    pub fn finish(mut self) -> Vec<u8> {
        self.new_page();
        let pages = self.pages.into_iter().map(|ops| PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops)).collect();
        let mut document = PdfDocument::new(&self.title);
        document.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_respects_the_width() {
        let font = Font::new(BuiltinFont::Helvetica);
        let text = "Revoke direct access to the supplier portal administrator account before noon";
        let lines = wrap(&font, text, BODY_SIZE, 40.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| font.width_mm(l, BODY_SIZE) <= 40.0), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_report_is_a_pdf_and_long_tables_make_more_pages() {
        let mut report = PdfReport::new("Test report — “quoted”");
        report.facts(&[("Person", "Sam Carter".into())]);
        let rows: Vec<Vec<String>> = (0..120).map(|n| vec![n.to_string(), format!("item {n}")]).collect();
        report.table(&["#", "What"], &[20.0, 158.0], &rows);
        let bytes = report.finish();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.split("/Count ").skip(1).any(|rest| rest.split(|c: char| !c.is_ascii_digit()).next() == Some("3")),
            "120 rows take three pages"
        );
    }
}
