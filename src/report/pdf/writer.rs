//! The bytes of a PDF: each page's content stream of text and rule operators, then the
//! document around them (catalogue, page tree, the two built-in fonts, one page object and one
//! compressed stream per page, cross-reference table). Coordinates are in points from the
//! bottom left; text is Latin-1, shown with the fonts' WinAnsi encoding.

use std::io::Write as _;

/// Append `value` with at most two decimals ("12.5", "-3", "0.04").
fn number(out: &mut Vec<u8>, value: f32) {
    let hundredths = (f64::from(value) * 100.0).round() as i64;
    if hundredths < 0 {
        out.push(b'-');
    }
    let hundredths = hundredths.unsigned_abs();
    let _ = write!(out, "{}", hundredths / 100);
    let fraction = hundredths % 100;
    if fraction != 0 {
        out.push(b'.');
        out.push(b'0' + (fraction / 10) as u8);
        if !fraction.is_multiple_of(10) {
            out.push(b'0' + (fraction % 10) as u8);
        }
    }
}

/// Append `text` as a PDF string literal, one byte per character (characters above 255 were
/// replaced before: see `printable`).
fn literal(out: &mut Vec<u8>, text: &str) {
    out.push(b'(');
    for c in text.chars() {
        let byte = u8::try_from(c).unwrap_or(b'?');
        if matches!(byte, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(byte);
    }
    out.push(b')');
}

/// One page's content stream being written.
pub struct PageWriter {
    content: Vec<u8>,
    /// Inside `BT … ET`, where text goes (and rules may not).
    in_text: bool,
    /// The font and size set last: (bold, size).
    font: Option<(bool, f32)>,
    /// The grey of rules set last.
    stroke: Option<f32>,
}

impl Default for PageWriter {
    fn default() -> Self {
        // Black text, rules half a point wide.
        Self { content: b"0 g\n0.5 w\n".to_vec(), in_text: false, font: None, stroke: None }
    }
}

impl PageWriter {
    /// Show `text` with its baseline starting at (`x`, `y`).
    pub fn text(&mut self, text: &str, x: f32, y: f32, size: f32, bold: bool) {
        let out = &mut self.content;
        if !self.in_text {
            out.extend_from_slice(b"BT\n");
            self.in_text = true;
        }
        if self.font != Some((bold, size)) {
            out.extend_from_slice(if bold { b"/F2 " } else { b"/F1 " });
            number(out, size);
            out.extend_from_slice(b" Tf\n");
            self.font = Some((bold, size));
        }
        out.extend_from_slice(b"1 0 0 1 ");
        number(out, x);
        out.push(b' ');
        number(out, y);
        out.extend_from_slice(b" Tm ");
        literal(out, text);
        out.extend_from_slice(b" Tj\n");
    }

    /// A horizontal line from `x1` to `x2` at height `y`, in `grey` (0 black, 1 white).
    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, grey: f32) {
        let out = &mut self.content;
        if self.in_text {
            out.extend_from_slice(b"ET\n");
            self.in_text = false;
        }
        if self.stroke != Some(grey) {
            number(out, grey);
            out.extend_from_slice(b" G\n");
            self.stroke = Some(grey);
        }
        for (x, operator) in [(x1, b" m "), (x2, b" l ")] {
            number(out, x);
            out.push(b' ');
            number(out, y);
            out.extend_from_slice(operator);
        }
        out.extend_from_slice(b"S\n");
    }

    /// The page's finished content stream.
    pub fn finish(mut self) -> Vec<u8> {
        if self.in_text {
            self.content.extend_from_slice(b"ET\n");
        }
        self.content
    }
}

/// `data` compressed for `/FlateDecode`, or `None` if that failed (it is then stored as is).
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::with_capacity(data.len() / 4), flate2::Compression::fast());
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
}

/// Every page compressed, in order, the work shared among the cores.
fn deflate_all(pages: &[Vec<u8>]) -> Vec<Option<Vec<u8>>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8);
    let chunk = pages.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = pages
            .chunks(chunk)
            .map(|part| (part, scope.spawn(move || part.iter().map(|page| deflate(page)).collect::<Vec<_>>())))
            .collect();
        workers
            .into_iter()
            .flat_map(|(part, worker)| {
                // A worker that failed leaves its pages to this thread.
                worker.join().unwrap_or_else(|_| part.iter().map(|page| deflate(page)).collect())
            })
            .collect()
    })
}

/// The whole file: `pages` are content streams, the page size is in points.
pub fn document(title: &str, pages: Vec<Vec<u8>>, width: f32, height: f32) -> Vec<u8> {
    let compressed = deflate_all(&pages);
    let size: usize = compressed.iter().zip(&pages).map(|(c, p)| c.as_ref().map_or(p.len(), Vec::len) + 256).sum();
    let mut out = Vec::with_capacity(size + 1024);
    // Byte offset of each object, object n at index n - 1.
    let mut offsets: Vec<usize> = Vec::with_capacity(5 + 2 * pages.len());
    out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    let page_object = |n: usize| 6 + 2 * n;

    offsets.push(out.len());
    out.extend_from_slice(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    offsets.push(out.len());
    out.extend_from_slice(b"2 0 obj\n<< /Type /Pages /Kids [");
    for n in 0..pages.len() {
        let _ = write!(out, "{} 0 R ", page_object(n));
    }
    let _ = write!(out, "] /Count {} >>\nendobj\n", pages.len());
    for (number, font) in [(3, "Helvetica"), (4, "Helvetica-Bold")] {
        offsets.push(out.len());
        let _ = write!(
            out,
            "{number} 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>\nendobj\n"
        );
    }
    offsets.push(out.len());
    out.extend_from_slice(b"5 0 obj\n<< /Title ");
    literal(&mut out, title);
    out.extend_from_slice(b" /Producer (Keyholder) >>\nendobj\n");

    for (n, (page, packed)) in pages.iter().zip(&compressed).enumerate() {
        let object = page_object(n);
        offsets.push(out.len());
        let _ = write!(out, "{object} 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ");
        number(&mut out, width);
        out.push(b' ');
        number(&mut out, height);
        let _ =
            write!(out, "] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>\nendobj\n", object + 1);
        offsets.push(out.len());
        let (stream, filter) = match packed {
            Some(packed) => (packed, " /Filter /FlateDecode"),
            None => (page, ""),
        };
        let _ = write!(out, "{} 0 obj\n<< /Length {}{filter} >>\nstream\n", object + 1, stream.len());
        out.extend_from_slice(stream);
        out.extend_from_slice(b"\nendstream\nendobj\n");
    }

    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in &offsets {
        // Each entry is exactly 20 bytes: the end of line is a space and a newline.
        let _ = writeln!(out, "{offset:010} 00000 n ");
    }
    let _ =
        write!(out, "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n", offsets.len() + 1);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_two_decimals() {
        let mut out = Vec::new();
        for value in [12.5, -3.0, 0.04, 595.2756, 0.0, -0.001] {
            number(&mut out, value);
            out.push(b' ');
        }
        assert_eq!(String::from_utf8_lossy(&out), "12.5 -3 0.04 595.28 0 0 ");
    }

    #[test]
    fn text_is_escaped_as_a_string_literal() {
        let mut out = Vec::new();
        literal(&mut out, "a (b) c\\ é");
        assert_eq!(out, b"(a \\(b\\) c\\\\ \xE9)");
    }

    #[test]
    fn the_cross_reference_table_points_at_every_object() {
        let mut page = PageWriter::default();
        page.text("Hello", 10.0, 20.0, 9.0, false);
        page.rule(10.0, 100.0, 15.0, 0.3);
        page.text("Bold", 10.0, 10.0, 9.0, true);
        let bytes = document("T", vec![page.finish(), PageWriter::default().finish()], 595.28, 841.89);
        let find = |needle: &[u8]| bytes.windows(needle.len()).rposition(|w| w == needle);
        let tail = find(b"startxref\n").map_or(0, |at| at + 10);
        let xref: usize =
            String::from_utf8_lossy(&bytes[tail..]).lines().next().and_then(|l| l.parse().ok()).unwrap_or(0);
        let table = String::from_utf8_lossy(&bytes[xref..]).into_owned();
        assert!(table.starts_with("xref\n0 10\n"), "9 objects: catalogue, pages, 2 fonts, info, 2 pages");
        for (n, line) in table.lines().skip(3).take(9).enumerate() {
            let offset: usize = line[..10].parse().unwrap_or(0);
            assert!(bytes[offset..].starts_with(format!("{} 0 obj", n + 1).as_bytes()), "object {}", n + 1);
        }
        assert!(find(b"/Count 2 ").is_some());
    }
}
