//! A4 PDF reports in the built-in Helvetica: headings, key/value facts, paragraphs and tables
//! whose cells wrap and whose header repeats on each new page. Text is measured with the
//! font's own glyph widths (looked up once per character code), so columns never overlap.
//!
//! The file is written here directly (`writer`): a content stream of PDF operators per page,
//! compressed on every core, and the few objects around them. An evidence PDF of 100,000 review
//! items is 3,600 pages; building it as printpdf operations and serialising them took four
//! seconds.

mod writer;

use printpdf::BuiltinFont;
use std::sync::OnceLock;
use writer::PageWriter;

const PAGE_WIDTH: f32 = 210.0;
const PAGE_HEIGHT: f32 = 297.0;
const MARGIN: f32 = 16.0;
const BODY_SIZE: f32 = 9.0;
const LINE_MM: f32 = 4.4;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The regular face (the one text is wrapped in), with the width of each character code
/// 0–255 in font units.
struct Font {
    units_per_em: f32,
    /// `None`: the font's metrics were not available; every character is half an em.
    widths: Option<[f32; 256]>,
}

impl Font {
    fn load(handle: BuiltinFont) -> Self {
        let Some(font) = handle.get_parsed_font() else { return Self { units_per_em: 1000.0, widths: None } };
        let units = f32::from(font.units_per_em.max(1));
        let mut widths = [0.0; 256];
        for (code, width) in (0_u32..).zip(widths.iter_mut()) {
            *width =
                font.lookup_glyph_index(code).and_then(|g| font.get_glyph_width(g)).map_or(units * 0.55, f32::from);
        }
        Self { units_per_em: units, widths: Some(widths) }
    }

    /// Loaded once per process.
    fn regular() -> &'static Self {
        static FONT: OnceLock<Font> = OnceLock::new();
        FONT.get_or_init(|| Self::load(BuiltinFont::Helvetica))
    }

    /// Width of `text` (already [`printable`]) in font units, or in half ems without metrics.
    fn units(&self, text: &str) -> f32 {
        match &self.widths {
            Some(widths) => text.chars().map(|c| widths[usize::from(u8::try_from(c).unwrap_or(b'?'))]).sum(),
            None => text.chars().count() as f32,
        }
    }

    /// Font units (from [`Font::units`]) as millimetres at `size` points.
    fn mm(&self, units: f32, size: f32) -> f32 {
        match self.widths {
            Some(_) => units / self.units_per_em * size / PT_PER_MM,
            None => units * size * 0.5 / PT_PER_MM,
        }
    }

    /// Width of `text` in millimetres at `size` points.
    #[cfg(test)]
    fn width_mm(&self, text: &str, size: f32) -> f32 {
        self.mm(self.units(text), size)
    }
}

/// Keep to characters the built-in fonts can show (one byte each in the file).
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '—' | '–' => '-',
            '‘' | '’' => '\'',
            '“' | '”' => '"',
            '\n' | '\t' | '\r' => ' ',
            c if (c as u32) < 0x20 => ' ',
            // Control characters, and the codes the fonts' encoding uses for other letters.
            c if (0x7F..0xA0).contains(&(c as u32)) => '?',
            c if (c as u32) <= 0xFF => c,
            _ => '?',
        })
        .collect()
}

/// Break `text` into lines no wider than `width` millimetres: words as they fit, and a word
/// wider than the column cut into pieces.
fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let fits = |units: f32| font.mm(units, size) <= width;
    let space = font.units(" ");
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_units = 0.0;
    for word in printable(text).split(' ').filter(|w| !w.is_empty()) {
        let word_units = font.units(word);
        if line.is_empty() {
            line.push_str(word);
            line_units = word_units;
        } else if fits(line_units + space + word_units) {
            line.push(' ');
            line.push_str(word);
            line_units += space + word_units;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
            line_units = word_units;
        }
        while !fits(line_units) && line.chars().count() > 1 {
            // The longest head that fits, at least one character.
            let (mut cut, mut head_units) = (0, 0.0);
            for (at, c) in line.char_indices() {
                let with = head_units + font.units(c.encode_utf8(&mut [0; 4]));
                if cut > 0 && !fits(with) {
                    break;
                }
                (cut, head_units) = (at + c.len_utf8(), with);
            }
            let rest = line.split_off(cut);
            lines.push(std::mem::replace(&mut line, rest));
            line_units = font.units(&line);
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
    regular: &'static Font,
    /// Finished pages' content streams.
    pages: Vec<Vec<u8>>,
    page: PageWriter,
    /// Distance of the next line from the bottom of the page, in millimetres.
    y: f32,
}

impl PdfReport {
    pub fn new(title: &str) -> Self {
        let mut report = Self {
            title: printable(title),
            regular: Font::regular(),
            pages: Vec::new(),
            page: PageWriter::default(),
            y: PAGE_HEIGHT - MARGIN,
        };
        report.text(title, MARGIN, 16.0, true);
        report.y -= 9.0;
        report
    }

    fn text(&mut self, text: &str, x: f32, size: f32, bold: bool) {
        self.page.text(&printable(text), x * PT_PER_MM, self.y * PT_PER_MM, size, bold);
    }

    fn rule(&mut self, y: f32, grey: f32) {
        self.page.rule(MARGIN * PT_PER_MM, (PAGE_WIDTH - MARGIN) * PT_PER_MM, y * PT_PER_MM, grey);
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
        let footer = format!("{} - page {page}", self.title);
        self.text(&footer, MARGIN, 7.0, false);
        self.pages.push(std::mem::take(&mut self.page).finish());
        self.y = PAGE_HEIGHT - MARGIN;
    }

    pub fn heading(&mut self, text: &str) {
        self.ensure(14.0);
        self.y -= 3.0;
        self.text(text, MARGIN, 12.0, true);
        self.y -= 7.0;
    }

    pub fn paragraph(&mut self, text: &str) {
        for line in wrap(self.regular, text, BODY_SIZE, PAGE_WIDTH - 2.0 * MARGIN) {
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
            let lines = wrap(self.regular, value, BODY_SIZE, PAGE_WIDTH - 2.0 * MARGIN - label_width);
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
                row.iter().zip(widths).map(|(cell, w)| wrap(self.regular, cell, BODY_SIZE, w - 2.0)).collect();
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
        writer::document(&self.title, self.pages, PAGE_WIDTH * PT_PER_MM, PAGE_HEIGHT * PT_PER_MM)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_respects_the_width() {
        let font = Font::regular();
        let text = "Revoke direct access to the supplier portal administrator account before noon";
        let lines = wrap(font, text, BODY_SIZE, 40.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| font.width_mm(l, BODY_SIZE) <= 40.0), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_wider_than_the_column_is_cut_into_pieces_that_fit() {
        let font = Font::regular();
        let word = "averyveryverylongaddress@a-long-domain.example.org";
        let lines = wrap(font, &format!("to {word} now"), BODY_SIZE, 20.0);
        assert!(lines.iter().all(|l| font.width_mm(l, BODY_SIZE) <= 20.0), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), format!("to{word}now"));
        assert_eq!(wrap(font, "", BODY_SIZE, 20.0), vec![String::new()], "an empty cell is one empty line");
    }

    #[test]
    fn text_is_kept_to_what_the_fonts_show() {
        assert_eq!(printable("Zoë — “quoted”\tnext\u{85}\u{1F600}"), "Zoë - \"quoted\" next??");
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
