//! A walking network from two CSV tables, for networks that do not come from
//! OpenStreetMap: a city's own pedestrian network, an OSMnx export, or a
//! generated district.
//!
//! ```text
//! nodes.csv: id,lon,lat            edges.csv: source,target[,length_m]
//! 1,24.9400,60.1700                1,2,112.5
//! 2,24.9418,60.1702                2,3,
//! ```
//! An edge without a length gets the geodesic distance between its ends. The
//! length column may be called `length`, as OSMnx writes it (metres too); a
//! table with both `length` and `length_m` is refused rather than one of them
//! silently ignored.

use std::path::Path;

use super::{Network, NetworkBuilder, Node};
use crate::error::{Error, Result};
use crate::tables::{read_table, CsvTable, Records, UniqueIds};

/// Reads a network from a node table and an edge table (format in the module docs);
/// like every [`Network`], only its largest connected component is kept.
///
/// # Errors
/// [`Error::Io`] if a file is unreadable;
/// [`Error::BadRecord`] naming the file and line for a
/// missing or misspelt column, an unparsable number, a node whose coordinates
/// are not WGS 84 degrees (as [`check_lon_lat`](super::check_lon_lat) says), a
/// repeated node id, or an edge to an unknown node or with a negative length,
/// or naming a file with no record or an edge table with both `length` and
/// `length_m`;
/// [`Error::EmptyNetwork`] if no edge is left.
pub fn read_network_csv(nodes: impl AsRef<Path>, edges: impl AsRef<Path>) -> Result<Network> {
    let (nodes, edges) = (nodes.as_ref(), edges.as_ref());
    let mut builder = NetworkBuilder::new();
    let mut ids = UniqueIds::default();
    read_table(nodes, &["id", "lon", "lat"], &[], Records::Needed, |rec| {
        let id = rec.text("id")?;
        let id = id
            .parse::<i64>()
            .map_err(|_| rec.error(format!("node id {id:?} is not an integer")))?;
        // A repeat is refused by line here: the builder names only the id,
        // and takes a repeat with the same coordinates without a word.
        rec.unique(&mut ids, &id.to_string())?;
        let (lon, lat) = rec.lon_lat()?;
        builder.add_node(Node { id, lon, lat });
        Ok(())
    })?;
    let lengths = ["length_m", "length"];
    let table = CsvTable::read(edges, &["source", "target"], &lengths, Records::Needed)?;
    if lengths.iter().all(|c| table.has(c)) {
        return Err(Error::record(
            &table.source,
            "header",
            "both `length_m` and `length` give edge lengths: keep one",
        ));
    }
    table.for_each(|rec| {
        let end = |c: &str| -> Result<i64> {
            let v = rec.text(c)?;
            v.parse::<i64>()
                .map_err(|_| rec.error(format!("{c} {v:?} is not an integer node id")))
        };
        let (a, b) = (end("source")?, end("target")?);
        let added = match lengths.into_iter().find(|c| rec.get(c).is_some()) {
            Some(c) => builder.add_edge_with_length(a, b, rec.number(c)?),
            None => builder.add_edge(a, b).map(|_| ()),
        };
        added.map_err(|e| rec.error(e.to_string()))
    })?;
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::temp_file;

    #[test]
    fn tables_make_a_network() {
        let nodes = temp_file(
            ".csv",
            "id,lon,lat\n1,24.94,60.17\n2,24.941,60.17\n3,24.942,60.17\n",
        );
        let edges = temp_file(".csv", "source,target,length_m\n1,2,50\n2,3,\n");
        let net = read_network_csv(nodes.path(), edges.path()).unwrap();
        assert_eq!((net.node_count(), net.edge_count()), (3, 2));
        // 0.001° of longitude at 60.17° N is about 55.6 m.
        assert!(
            (net.total_length_m() - 50.0 - 55.6).abs() < 0.5,
            "{}",
            net.total_length_m()
        );
    }

    #[test]
    fn osmnx_length_is_length_m() {
        let nodes = temp_file(".csv", "id,lon,lat\n1,24.94,60.17\n2,24.941,60.17\n");
        let edges = temp_file(".csv", "source,target,length\n1,2,400\n");
        let net = read_network_csv(nodes.path(), edges.path()).unwrap();
        assert_eq!(net.total_length_m(), 400.0);
        let edges = temp_file(".csv", "source,target,length\n1,2,-4\n");
        let e = read_network_csv(nodes.path(), edges.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2: invalid parameter length_m"), "{e}");
    }

    #[test]
    fn bad_edges_name_the_line() {
        let nodes = temp_file(".csv", "id,lon,lat\n1,24.94,60.17\n2,24.941,60.17\n");
        let edges = temp_file(".csv", "source,target\n1,2\n2,9\n");
        let e = read_network_csv(nodes.path(), edges.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains('9'), "{e}");
        let edges = temp_file(".csv", "source,target,length_m\n1,2,-4\n");
        let e = read_network_csv(nodes.path(), edges.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        let twice = temp_file(
            ".csv",
            "id,lon,lat\n1,24.94,60.17\n2,24.941,60.17\n01,25,61\n",
        );
        let e = read_network_csv(twice.path(), edges.path())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 4: duplicate id \"1\" (first on line 2)"),
            "{e}"
        );
        let no_nodes = temp_file(".csv", "id,lon,lat\n");
        let no_edges = temp_file(".csv", "source,target\n");
        for (n, e, empty) in [
            (no_nodes.path(), edges.path(), no_nodes.path()),
            (nodes.path(), no_edges.path(), no_edges.path()),
        ] {
            assert_eq!(
                read_network_csv(n, e).unwrap_err().to_string(),
                format!("{}, record file: holds no record", empty.display())
            );
        }
        let both = temp_file(".csv", "source,target,length_m,length\n1,2,400,400\n");
        let e = read_network_csv(nodes.path(), both.path())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "{}, record header: both `length_m` and `length` give edge lengths: keep one",
                both.path().display()
            )
        );
        let projected = temp_file(".csv", "id,lon,lat\n1,24.94,60.17\n\n2,385000,6672000\n");
        let e = read_network_csv(projected.path(), edges.path())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "{}, record line 4: (385000, 6672000) must be WGS 84 degrees: lon in [-180, 180], lat in [-90, 90]",
                projected.path().display()
            )
        );
        let nodes = temp_file(".csv", "id,lon\n1,24.94\n");
        assert!(read_network_csv(nodes.path(), edges.path())
            .unwrap_err()
            .to_string()
            .contains("no `lat` column"));
    }
}
