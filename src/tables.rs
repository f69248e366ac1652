//! Reading CSV tables by column name, with errors that name the file and line.

use std::path::Path;

use crate::error::{Error, Result};

/// One CSV record with access by column name and errors naming the line.
pub(crate) struct Record<'a> {
    source: &'a str,
    line: usize,
    headers: &'a csv::StringRecord,
    record: &'a csv::StringRecord,
}

impl Record<'_> {
    /// A non-empty field.
    pub(crate) fn get(&self, column: &str) -> Option<&str> {
        let i = self.headers.iter().position(|h| h.trim() == column)?;
        self.record.get(i).map(str::trim).filter(|v| !v.is_empty())
    }
    pub(crate) fn text(&self, column: &str) -> Result<String> {
        self.get(column)
            .map(str::to_string)
            .ok_or_else(|| self.error(format!("empty `{column}`")))
    }
    pub(crate) fn number(&self, column: &str) -> Result<f64> {
        let text = self.text(column)?;
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| self.error(format!("{column} {text:?} is not a finite number")))
    }
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        Error::record(self.source, format!("line {}", self.line), message)
    }
}

pub(crate) fn read_table(
    path: &Path,
    required: &[&str],
    mut each: impl FnMut(&Record<'_>) -> Result<()>,
) -> Result<()> {
    let source = path.display().to_string();
    let mut reader = csv::Reader::from_path(path).map_err(|e| Error::csv_open(path, e))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::record(&source, "header", e.to_string()))?
        .clone();
    if let Some(missing) = required
        .iter()
        .find(|c| !headers.iter().any(|h| h.trim() == **c))
    {
        return Err(Error::record(
            &source,
            "header",
            format!("no `{missing}` column"),
        ));
    }
    for (n, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| Error::record(&source, format!("line {}", n + 2), e.to_string()))?;
        each(&Record {
            source: &source,
            line: n + 2,
            headers: &headers,
            record: &record,
        })?;
    }
    Ok(())
}

/// A temporary file holding `text`, its name ending in `suffix` (readers pick
/// a format by extension): what the readers' tests feed them.
#[cfg(test)]
pub(crate) fn temp_file(suffix: &str, text: &str) -> tempfile::NamedTempFile {
    use std::io::Write;
    let mut f = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}
