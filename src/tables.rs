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
    /// Adds `key` (an id) to `ids`.
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming this line and the one that had it first.
    pub(crate) fn unique(&self, ids: &mut UniqueIds, key: &str) -> Result<()> {
        ids.insert(key, &format!("line {}", self.line))
            .map_err(|m| self.error(m))
    }
}

/// The ids of a table's records so far: a second record with the same id
/// would be merged with the first (a zone) or make the report ambiguous.
#[derive(Default)]
pub(crate) struct UniqueIds(std::collections::HashMap<String, String>);

impl UniqueIds {
    /// Adds an id, with the record that holds it.
    ///
    /// # Errors
    /// A message naming the record that had it first.
    pub(crate) fn insert(&mut self, id: &str, record: &str) -> std::result::Result<(), String> {
        use std::collections::hash_map::Entry;
        match self.0.entry(id.to_string()) {
            Entry::Occupied(first) => {
                Err(format!("duplicate id {id:?} (first on {})", first.get()))
            }
            Entry::Vacant(slot) => {
                slot.insert(record.to_string());
                Ok(())
            }
        }
    }
}

/// A table with a header but no record, where the reader needs some.
pub(crate) fn no_records(source: &str) -> Error {
    Error::record(source, "file", "holds no record")
}

/// A CSV file read whole, each record with the line it starts on.
pub(crate) struct CsvTable {
    /// The file, as named in errors.
    pub(crate) source: String,
    pub(crate) headers: csv::StringRecord,
    pub(crate) records: Vec<(usize, csv::StringRecord)>,
}

impl CsvTable {
    /// Reads a table and checks its header ([`check_header`]).
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the header as
    /// [`check_header`] does, or the line of a malformed record.
    pub(crate) fn read(path: &Path, required: &[&str], optional: &[&str]) -> Result<Self> {
        Self::load(path, Some((required, optional)))
    }

    /// Reads a table without a header (`headers` is empty).
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the line of a
    /// malformed record.
    pub(crate) fn headless(path: &Path) -> Result<Self> {
        Self::load(path, None)
    }

    /// Whether the header has this column.
    pub(crate) fn has(&self, column: &str) -> bool {
        self.headers.iter().any(|h| h.trim() == column)
    }

    /// Calls `each` on every record; returns the number of records.
    ///
    /// # Errors
    /// Whatever `each` rejects.
    pub(crate) fn for_each(
        &self,
        mut each: impl FnMut(&Record<'_>) -> Result<()>,
    ) -> Result<usize> {
        for (line, record) in &self.records {
            each(&Record {
                source: &self.source,
                line: *line,
                headers: &self.headers,
                record,
            })?;
        }
        Ok(self.records.len())
    }

    fn load(path: &Path, columns: Option<(&[&str], &[&str])>) -> Result<Self> {
        let source = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(columns.is_some())
            .from_reader(bytes.as_slice());
        let mut headers = csv::StringRecord::new();
        if let Some((required, optional)) = columns {
            headers = reader
                .headers()
                .map_err(|e| Error::record(&source, "header", e.to_string()))?
                .clone();
            check_header(&source, &headers, required, optional)?;
        }
        // csv's own line count leaves out blank lines, and its record
        // positions point before the line ends and blank lines that precede
        // a record: skip those, then count newlines up to the record.
        let (mut line, mut counted) = (1, 0);
        let mut line_at = |byte: u64| {
            let byte = usize::try_from(byte).map_or(bytes.len(), |b| b.min(bytes.len()));
            let start = bytes[byte..]
                .iter()
                .position(|b| !matches!(b, b'\r' | b'\n'))
                .map_or(bytes.len(), |k| byte + k);
            line += bytes[counted..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = start;
            line
        };
        let mut records = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => records.push((line_at(r.position().map_or(0, csv::Position::byte)), r)),
                Err(e) => {
                    let at = format!(
                        "line {}",
                        line_at(e.position().map_or(0, csv::Position::byte))
                    );
                    let message = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!("{len} fields where the first line has {expected_len}"),
                        _ => e.to_string(),
                    };
                    return Err(Error::record(&source, at, message));
                }
            }
        }
        Ok(Self {
            source,
            headers,
            records,
        })
    }
}

/// Reads a CSV table with a header ([`CsvTable::read`]), calling `each` on
/// every record; returns the number of records.
///
/// # Errors
/// As [`CsvTable::read`], and whatever `each` rejects.
pub(crate) fn read_table(
    path: &Path,
    required: &[&str],
    optional: &[&str],
    each: impl FnMut(&Record<'_>) -> Result<()>,
) -> Result<usize> {
    CsvTable::read(path, required, optional)?.for_each(each)
}

/// Checks a header against the columns a reader knows. Unknown columns are
/// allowed (exports carry many), except one that looks like a misspelt known
/// column — `aged_60plus`, `Cost`, `costs`, `length` — which would otherwise be
/// ignored and its values silently replaced by defaults.
///
/// # Errors
/// [`Error::BadRecord`] naming `source` and the header.
pub(crate) fn check_header(
    source: &str,
    headers: &csv::StringRecord,
    required: &[&str],
    optional: &[&str],
) -> Result<()> {
    let bad = |message: String| Err(Error::record(source, "header", message));
    if headers.iter().all(|h| h.trim().is_empty()) {
        return bad(format!(
            "the file is empty; expected a header with columns {}",
            required.join(", ")
        ));
    }
    let known: Vec<&str> = required.iter().chain(optional).copied().collect();
    if let Some(message) = misspelt(headers.iter().map(str::trim), &known) {
        return bad(message);
    }
    match required
        .iter()
        .find(|c| !headers.iter().any(|h| h.trim() == **c))
    {
        Some(missing) => bad(format!("no `{missing}` column")),
        None => Ok(()),
    }
}

/// The first of `names` (columns, properties) that is not `known` but looks
/// like a misspelt known one, as a message saying so.
pub(crate) fn misspelt<'n>(
    names: impl IntoIterator<Item = &'n str>,
    known: &[&str],
) -> Option<String> {
    names
        .into_iter()
        .filter(|n| !known.contains(n))
        .find_map(|n| {
            let k = known.iter().find(|k| looks_like(n, k))?;
            Some(format!(
                "unknown column `{n}`: did you mean `{k}`? (rename it; columns not known at all are ignored)"
            ))
        })
}

/// Whether a column name is a likely misspelling of `known`: equal but for
/// case and separators, a plural, or (for names long enough that this is not
/// chance) one letter off.
fn looks_like(name: &str, known: &str) -> bool {
    let norm = |s: &str| -> Vec<char> {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let (a, b) = (norm(name), norm(known));
    a == b || a.strip_suffix(&['s']) == Some(&b[..]) || (b.len() >= 5 && one_edit_apart(&a, &b))
}

/// Whether one insertion, deletion or substitution turns `a` into `b`.
fn one_edit_apart(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    let skip_short = usize::from(short.len() == long.len());
    short[prefix + skip_short..] == long[prefix + 1..]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn header_error(header: &str, required: &[&str], optional: &[&str]) -> Option<String> {
        let f = temp_file(".csv", &format!("{header}\n"));
        read_table(f.path(), required, optional, |_| Ok(()))
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn misspelt_columns_are_named_and_others_ignored() {
        let (req, opt) = (&["id", "lon", "lat"][..], &["cost", "capacity"][..]);
        for (header, wrong, meant) in [
            ("id,lon,lat,costs", "costs", "cost"),
            ("id,lon,lat,Cost", "Cost", "cost"),
            ("id,lon,lat,capcity", "capcity", "capacity"),
            ("id,Lon,lat", "Lon", "lon"),
        ] {
            let e = header_error(header, req, opt).unwrap();
            assert!(
                e.contains(&format!(
                    "unknown column `{wrong}`: did you mean `{meant}`?"
                )),
                "{e}"
            );
        }
        assert_eq!(header_error("fid,id,lon,lat,name,code", req, opt), None);
        assert!(header_error("id,lat", req, opt)
            .unwrap()
            .contains("no `lon` column"));
    }

    #[test]
    fn empty_files_and_lines_after_blank_ones() {
        let e = header_error("", &["id", "lon"], &[]).unwrap();
        assert!(
            e.contains("record header: the file is empty; expected a header with columns id, lon"),
            "{e}"
        );
        let f = temp_file(".csv", "id,lon\r\na,1\r\n\r\n\r\nb,x\r\n");
        let e = read_table(f.path(), &["id", "lon"], &[], |r| {
            r.number("lon").map(|_| ())
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 5: lon \"x\""), "{e}");
        let f = temp_file(".csv", "id,lon\na,1\n\nb,2,3\n");
        let e = read_table(f.path(), &["id", "lon"], &[], |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 4: 3 fields where the first line has 2"),
            "{e}"
        );
    }
}
