//! Evidence documents: a small PDF writer for headed reports with key facts and tables.
//! Pure: it turns text into PDF bytes; callers decide where they go.

mod pdf;

pub use pdf::PdfReport;
