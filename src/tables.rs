//! Reading input files: text with one byte-order-mark rule, and CSV tables by
//! column name, with errors that name the file and line.

use std::path::Path;

use crate::error::{Error, Result};

/// Checks that `(lon, lat)` are WGS 84 degrees; `record` names the point in the error.
///
/// NaN would snap nowhere and projected metres read as degrees would snap to
/// an arbitrary node at a nonsense distance, so both are refused up front.
///
/// # Errors
/// [`Error::BadRecord`] naming the record and its coordinates.
pub fn check_lon_lat(record: &str, lon: f64, lat: f64) -> Result<()> {
    match not_lon_lat(lon, lat) {
        Some(message) => Err(Error::record("coordinates", record, message)),
        None => Ok(()),
    }
}

/// What is wrong with `(lon, lat)` as WGS 84 degrees, if anything: the
/// message of [`check_lon_lat`], for readers that name the file and line.
pub(crate) fn not_lon_lat(lon: f64, lat: f64) -> Option<String> {
    let degrees = lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0;
    (!degrees).then(|| {
        format!("({lon}, {lat}) must be WGS 84 degrees: lon in [-180, 180], lat in [-90, 90]")
    })
}

/// The UTF-8 byte-order mark that spreadsheet programs and Windows editors
/// put first in a text file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's bytes without a leading UTF-8 byte-order mark: the one rule of
/// every text reader (OR-Library, cost and other CSV tables, scenario and
/// catalogue TOML/JSON, GeoJSON), so a file saved by Excel reads as the same
/// file saved by any other program.
///
/// # Errors
/// [`Error::Io`] if unreadable.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    Ok(bytes)
}

/// A text file as [`read_bytes`] reads it, which must be UTF-8.
///
/// # Errors
/// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the line of the
/// first byte that is not UTF-8.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read_bytes(path)?).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        Error::record(
            path.display().to_string(),
            format!("line {line}"),
            format!("not UTF-8 text (byte {at} of the file after any byte-order mark); save it as UTF-8"),
        )
    })
}

/// One CSV record with access by column name and errors naming the line.
pub(crate) struct Record<'a> {
    source: &'a str,
    line: usize,
    headers: &'a csv::StringRecord,
    record: &'a csv::StringRecord,
}

impl Record<'_> {
    /// A field, trimmed and possibly empty; `None` if the header lacks the column.
    pub(crate) fn field(&self, column: &str) -> Option<&str> {
        let i = self.headers.iter().position(|h| h.trim() == column)?;
        self.record.get(i).map(str::trim)
    }
    /// A non-empty field.
    pub(crate) fn get(&self, column: &str) -> Option<&str> {
        self.field(column).filter(|v| !v.is_empty())
    }
    /// The fields in file order, trimmed: a headless table's values.
    pub(crate) fn values(&self) -> impl Iterator<Item = &str> {
        self.record.iter().map(str::trim)
    }
    /// The line the record starts on, counting from 1.
    pub(crate) fn line(&self) -> usize {
        self.line
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
    /// The `lon` and `lat` columns, which must be WGS 84 degrees: projected
    /// metres would otherwise reach the network builder or the snapping,
    /// whose errors cannot name the file and line.
    pub(crate) fn lon_lat(&self) -> Result<(f64, f64)> {
        let (lon, lat) = (self.number("lon")?, self.number("lat")?);
        match not_lon_lat(lon, lat) {
            Some(message) => Err(self.error(message)),
            None => Ok((lon, lat)),
        }
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

/// Whether a table may hold no record: what [`CsvTable`] checks, so that
/// every reader refuses an empty table the same way.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Records {
    /// None is a valid answer (a district may have no such facility).
    MayBeNone,
    /// The reader has nothing to work on without one.
    Needed,
}

/// A table with no record (a header at most), where the reader needs some.
pub(crate) fn no_records(source: &str) -> Error {
    Error::record(source, "file", "holds no record")
}

/// A CSV file whose records are parsed one at a time by [`CsvTable::for_each`]:
/// a cost matrix of millions of cells is held as its bytes, not as strings
/// per field.
pub(crate) struct CsvTable {
    /// The file, as named in errors.
    pub(crate) source: String,
    pub(crate) headers: csv::StringRecord,
    headed: bool,
    bytes: Vec<u8>,
    needs: Records,
}

impl CsvTable {
    /// Reads a table and checks its header ([`check_header`]). Records are
    /// parsed, and an empty table refused, by [`for_each`](Self::for_each).
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the header as
    /// [`check_header`] does.
    pub(crate) fn read(
        path: &Path,
        required: &[&str],
        optional: &[&str],
        records: Records,
    ) -> Result<Self> {
        let mut table = Self::load(path, records)?;
        table.headed = true;
        table.headers = table
            .reader()
            .headers()
            .map_err(|e| Error::record(&table.source, "header", e.to_string()))?
            .clone();
        check_header(&table.source, &table.headers, required, optional)?;
        Ok(table)
    }

    /// Reads a table without a header (`headers` is empty).
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable.
    pub(crate) fn headless(path: &Path, records: Records) -> Result<Self> {
        Self::load(path, records)
    }

    fn load(path: &Path, needs: Records) -> Result<Self> {
        Ok(Self {
            source: path.display().to_string(),
            headers: csv::StringRecord::new(),
            headed: false,
            bytes: read_bytes(path)?,
            needs,
        })
    }

    fn reader(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .has_headers(self.headed)
            .from_reader(self.bytes.as_slice())
    }

    /// Whether the header has this column.
    pub(crate) fn has(&self, column: &str) -> bool {
        self.headers.iter().any(|h| h.trim() == column)
    }

    /// Calls `each` on every record, in file order, parsing as it goes.
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming the line of a malformed record, or the
    /// file if it holds no record and the table needs some; whatever `each`
    /// rejects.
    pub(crate) fn for_each(&self, mut each: impl FnMut(&Record<'_>) -> Result<()>) -> Result<()> {
        let bytes = self.bytes.as_slice();
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
        let mut reader = self.reader();
        let mut record = csv::StringRecord::new();
        let mut any = false;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    any = true;
                    each(&Record {
                        source: &self.source,
                        line: line_at(record.position().map_or(0, csv::Position::byte)),
                        headers: &self.headers,
                        record: &record,
                    })?;
                }
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
                    return Err(Error::record(&self.source, at, message));
                }
            }
        }
        if self.needs == Records::Needed && !any {
            return Err(no_records(&self.source));
        }
        Ok(())
    }
}

/// Reads a CSV table with a header ([`CsvTable::read`]), calling `each` on
/// every record.
///
/// # Errors
/// As [`CsvTable::read`], and whatever `each` rejects.
pub(crate) fn read_table(
    path: &Path,
    required: &[&str],
    optional: &[&str],
    records: Records,
    each: impl FnMut(&Record<'_>) -> Result<()>,
) -> Result<()> {
    CsvTable::read(path, required, optional, records)?.for_each(each)
}

/// Checks a header against the columns a reader knows. Unknown columns are
/// allowed (exports carry many), except one that looks like a misspelt known
/// column — `aged_60plus`, `Cost`, `costs` — which would otherwise be ignored
/// and its values silently replaced by defaults.
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
    if let Some(message) = misspelt(("column", "columns"), headers.iter().map(str::trim), &known) {
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

/// The first of `names` (a header's columns or a feature's properties, as
/// `what` says in the singular and the plural) that is not `known` but looks
/// like a misspelt known one that `names` lacks, as a message saying so.
///
/// Only a difference of case or separators (`Population`, `aged60plus`) or a
/// trailing `s` (`costs`) counts: census columns one letter or digit apart
/// are other columns (`pop_65plus`, `under_5`, `length_km`), and a known
/// column that is present means its look-alike is another column too
/// (`population_m` next to `population`).
pub(crate) fn misspelt<'n>(
    (what, whats): (&str, &str),
    names: impl IntoIterator<Item = &'n str>,
    known: &[&str],
) -> Option<String> {
    let names: Vec<&str> = names.into_iter().collect();
    let norm = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    names
        .iter()
        .filter(|n| !known.contains(n))
        .find_map(|n| {
            let a = norm(n);
            let k = known.iter().filter(|k| !names.contains(k)).find(|k| {
                let b = norm(k);
                a == b || a.strip_suffix('s') == Some(&b)
            })?;
            Some(format!(
                "unknown {what} `{n}`: did you mean `{k}`? (rename it; {whats} not known at all are ignored)"
            ))
        })
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
        read_table(f.path(), required, optional, Records::MayBeNone, |_| Ok(()))
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn misspelt_columns_are_named_and_others_ignored() {
        let (req, opt) = (&["id", "lon", "lat"][..], &["cost", "capacity"][..]);
        for (header, wrong, meant) in [
            ("id,lon,lat,costs", "costs", "cost"),
            ("id,lon,lat,Cost", "Cost", "cost"),
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
        // `Cost` is another column when `cost` is there too.
        assert_eq!(header_error("id,lon,lat,cost,Cost,costs", req, opt), None);
        assert!(header_error("id,lat", req, opt)
            .unwrap()
            .contains("no `lon` column"));
    }

    #[test]
    fn census_columns_near_known_names_are_not_misspelt() {
        let demand = [
            "population",
            "aged_60_plus",
            "pop_60plus",
            "under_6",
            "zone",
        ];
        for header in [
            "id,pop_65plus,population,aged_65_plus,aged_80_plus",
            "id,population,under_5,under_16,under_65",
            "id,population,population_m,population_f,population1",
        ] {
            assert_eq!(header_error(header, &["id"], &demand), None, "{header}");
        }
        assert_eq!(header_error("id,length_km", &["id"], &["length_m"]), None);
        for (header, wrong, meant) in [
            ("id,Population", "Population", "population"),
            ("id,AGED_60_PLUS", "AGED_60_PLUS", "aged_60_plus"),
            ("id,aged60plus", "aged60plus", "aged_60_plus"),
            ("id,zones", "zones", "zone"),
        ] {
            let e = header_error(header, &["id"], &demand).unwrap();
            assert!(
                e.contains(&format!(
                    "unknown column `{wrong}`: did you mean `{meant}`? (rename it; columns not known at all are ignored)"
                )),
                "{e}"
            );
        }
    }

    #[test]
    fn empty_files_and_lines_after_blank_ones() {
        let e = header_error("", &["id", "lon"], &[]).unwrap();
        assert!(
            e.contains("record header: the file is empty; expected a header with columns id, lon"),
            "{e}"
        );
        let f = temp_file(".csv", "id,lon\r\na,1\r\n\r\n\r\nb,x\r\n");
        let e = read_table(f.path(), &["id", "lon"], &[], Records::Needed, |r| {
            r.number("lon").map(|_| ())
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 5: lon \"x\""), "{e}");
        let f = temp_file(".csv", "id,lon\na,1\n\nb,2,3\n");
        let e = read_table(f.path(), &["id", "lon"], &[], Records::Needed, |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 4: 3 fields where the first line has 2"),
            "{e}"
        );
    }

    /// One rule for every text reader: a leading UTF-8 byte-order mark is
    /// ignored. OR-Library files once refused it while cost CSVs accepted it.
    #[test]
    fn every_reader_ignores_a_leading_byte_order_mark() {
        fn same<T: std::fmt::Debug>(suffix: &str, text: &str, read: impl Fn(&Path) -> Result<T>) {
            let plain = read(temp_file(suffix, text).path()).unwrap();
            let marked = read(temp_file(suffix, &format!("\u{feff}{text}")).path())
                .unwrap_or_else(|e| panic!("{suffix} with a byte-order mark: {e}"));
            assert_eq!(format!("{marked:?}"), format!("{plain:?}"), "{suffix}");
        }
        same(".txt", "2 1 1\n1 2 3\n", |p: &Path| {
            crate::instances::read_orlib(p)
        });
        same(".csv", "0,1\n1,0\n", |p: &Path| {
            crate::instances::read_cost_csv(p)
        });
        same(".txt", "1\n2\n", |p: &Path| {
            crate::instances::read_numbers(p)
        });
        same(".csv", "id,population,lon,lat\na,1,24,60\n", |p: &Path| {
            crate::demand::read_demand(p)
        });
        same(
            ".geojson",
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [24.9, 60.1]}, "properties": {"population": 1}}]}"#,
            |p: &Path| crate::demand::read_demand(p),
        );
        let catalogue = "[[service]]\nkey = \"canteen\"\nname = \"canteen\"\nclass = \"quality\"\nwalking_limit_min = 10\nserves = \"aged_60_plus\"\n";
        same(".toml", catalogue, |p: &Path| {
            crate::services::Catalogue::from_file(p)
        });
        let keys = |p: &Path| crate::scenario::read_scenario_table(p).map(|(t, _)| t);
        same(".toml", "osm = \"x.osm.pbf\"\n", keys);
        same(".json", r#"{"osm": "x.osm.pbf"}"#, keys);
        let f = temp_file(".csv", "");
        std::fs::write(f.path(), b"id\n\xff\n").unwrap();
        let e = read_text(f.path()).unwrap_err().to_string();
        assert!(e.contains("record line 2: not UTF-8 text (byte 3"), "{e}");
    }
}
