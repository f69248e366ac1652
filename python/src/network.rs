//! The walking network: built from edges or read from OpenStreetMap, snapped
//! to and walked on, with the GIL released.

use std::sync::Arc;

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;

use lifecircle::network::{
    self, check_lon_lat, NetworkBuilder, Node, Snapped, Snapper, ATTACH_NODES, ATTACH_SLACK_M,
};
use lifecircle::sites::Candidates;
use lifecircle::travel::TravelTimes;

use crate::convert::{self, real, reals_1d};
use crate::error::invalid;
use crate::gil::interruptible;
use crate::{same_len, Floats, Ints};

/// A walking network (undirected, edge lengths in metres).
#[pyclass(module = "lifecircle._core", frozen)]
pub struct Network {
    // Shared with the thread that computes on it, which may outlive an
    // interrupted call (`gil::interruptible`).
    pub(crate) inner: Arc<network::Network>,
}

#[pymethods]
impl Network {
    /// Builds a network from node ids with coordinates and edges between ids;
    /// `lengths` (metres) default to geodesic distances. Only the largest
    /// connected component is kept. Ids must be unique and coordinates WGS 84
    /// degrees.
    #[staticmethod]
    #[pyo3(signature = (ids, lons, lats, sources, targets, lengths=None))]
    fn from_edges(
        py: Python<'_>,
        ids: PyReadonlyArray1<'_, i64>,
        lons: &Bound<'_, PyAny>,
        lats: &Bound<'_, PyAny>,
        sources: PyReadonlyArray1<'_, i64>,
        targets: PyReadonlyArray1<'_, i64>,
        lengths: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let (ids, lons, lats) = (
            ids.as_array().to_vec(),
            reals_1d(lons, "lons")?,
            reals_1d(lats, "lats")?,
        );
        let (src, dst) = (sources.as_array().to_vec(), targets.as_array().to_vec());
        let lengths = lengths
            .filter(|l| !l.is_none())
            .map(|l| reals_1d(l, "lengths"))
            .transpose()?;
        if lons.len() != ids.len()
            || lats.len() != ids.len()
            || dst.len() != src.len()
            || lengths.as_ref().is_some_and(|l| l.len() != src.len())
        {
            return Err(invalid(
                "network",
                "ids/lons/lats and sources/targets/lengths must have equal lengths",
            ));
        }
        let inner = interruptible(py, move || -> lifecircle::Result<network::Network> {
            let mut b = NetworkBuilder::new();
            for ((&id, &lon), &lat) in ids.iter().zip(&lons).zip(&lats) {
                b.add_node(Node { id, lon, lat });
            }
            for (k, (&a, &c)) in src.iter().zip(&dst).enumerate() {
                match &lengths {
                    Some(l) => b.add_edge_with_length(a, c, l[k])?,
                    None => b.add_edge(a, c).map(|_| ())?,
                }
            }
            b.build()
        })?;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// Number of nodes.
    #[getter]
    fn node_count(&self) -> usize {
        self.inner.node_count()
    }

    /// Number of edges.
    #[getter]
    fn edge_count(&self) -> usize {
        self.inner.edge_count()
    }

    /// Total edge length in metres.
    #[getter]
    fn total_length_m(&self) -> f64 {
        self.inner.total_length_m()
    }

    /// Node ids, longitudes and latitudes (numpy arrays, in node-index order).
    fn nodes<'py>(&self, py: Python<'py>) -> (Ints<'py>, Floats<'py>, Floats<'py>) {
        let nodes: Vec<Node> = self.inner.nodes().collect();
        (
            nodes
                .iter()
                .map(|n| n.id)
                .collect::<Vec<_>>()
                .into_pyarray(py),
            nodes
                .iter()
                .map(|n| n.lon)
                .collect::<Vec<_>>()
                .into_pyarray(py),
            nodes
                .iter()
                .map(|n| n.lat)
                .collect::<Vec<_>>()
                .into_pyarray(py),
        )
    }

    /// Edges as (source id, target id, length in metres) arrays.
    fn edges<'py>(&self, py: Python<'py>) -> (Ints<'py>, Ints<'py>, Floats<'py>) {
        let g = self.inner.graph();
        let (mut a, mut b, mut l) = (Vec::new(), Vec::new(), Vec::new());
        for e in g.edge_indices() {
            let (s, t) = g.edge_endpoints(e).expect("edge exists");
            a.push(g[s].id);
            b.push(g[t].id);
            l.push(g[e]);
        }
        (a.into_pyarray(py), b.into_pyarray(py), l.into_pyarray(py))
    }

    /// Nearest node index and distance in metres for each point (WGS 84 degrees).
    fn snap<'py>(
        &self,
        py: Python<'py>,
        lons: &Bound<'py, PyAny>,
        lats: &Bound<'py, PyAny>,
    ) -> PyResult<(Ints<'py>, Floats<'py>)> {
        let (lons, lats) = (reals_1d(lons, "lons")?, reals_1d(lats, "lats")?);
        same_len("points", lons.len(), lats.len())?;
        let net = Arc::clone(&self.inner);
        let snapped = interruptible(py, move || -> lifecircle::Result<Vec<Snapped>> {
            let snapper = Snapper::new(&net);
            lons.iter()
                .zip(&lats)
                .enumerate()
                .map(|(i, (&x, &y))| {
                    check_lon_lat(&format!("point {i}"), x, y)?;
                    Ok(snapper.nearest(x, y).expect("a built network has nodes"))
                })
                .collect()
        })?;
        let node = snapped.iter().map(|s| s.node as i64).collect::<Vec<_>>();
        let dist = snapped.iter().map(|s| s.offset_m).collect::<Vec<_>>();
        Ok((node.into_pyarray(py), dist.into_pyarray(py)))
    }

    /// Walking seconds from sites to demand points up to `limit_s`, as COO
    /// arrays (site row, demand column, seconds). Points (WGS 84 degrees) are
    /// attached to their nearest nodes (as in the Rust pipeline) and the
    /// straight-line distance to the node is walked too.
    #[pyo3(signature = (site_lons, site_lats, demand_lons, demand_lats, speed_m_s, limit_s))]
    #[allow(clippy::too_many_arguments)]
    fn travel_times<'py>(
        &self,
        py: Python<'py>,
        site_lons: &Bound<'py, PyAny>,
        site_lats: &Bound<'py, PyAny>,
        demand_lons: &Bound<'py, PyAny>,
        demand_lats: &Bound<'py, PyAny>,
        speed_m_s: &Bound<'py, PyAny>,
        limit_s: &Bound<'py, PyAny>,
    ) -> PyResult<(Ints<'py>, Ints<'py>, Floats<'py>)> {
        let snap_all = |net: &network::Network,
                        lons: &[f64],
                        lats: &[f64],
                        what: &str|
         -> lifecircle::Result<Vec<Vec<Snapped>>> {
            let snapper = Snapper::new(net);
            lons.iter()
                .zip(lats)
                .enumerate()
                .map(|(i, (&x, &y))| {
                    check_lon_lat(&format!("{what} {i}"), x, y)?;
                    Ok(snapper.attach(x, y, ATTACH_NODES, ATTACH_SLACK_M))
                })
                .collect()
        };
        let (sl, sa) = (
            reals_1d(site_lons, "site_lons")?,
            reals_1d(site_lats, "site_lats")?,
        );
        let (dl, da) = (
            reals_1d(demand_lons, "demand_lons")?,
            reals_1d(demand_lats, "demand_lats")?,
        );
        let (speed_m_s, limit_s) = (real(speed_m_s, "speed_m_s")?, real(limit_s, "limit_s")?);
        same_len("sites", sl.len(), sa.len())?;
        same_len("demand", dl.len(), da.len())?;
        let net = Arc::clone(&self.inner);
        let (rows, cols, secs) = interruptible(py, move || -> lifecircle::Result<_> {
            let sites = snap_all(&net, &sl, &sa, "site")?;
            let demand = snap_all(&net, &dl, &da, "demand point")?;
            let tt = TravelTimes::compute(&net, &sites, &demand, speed_m_s, limit_s)?;
            let (mut r, mut c, mut s) = (
                Vec::with_capacity(tt.nnz()),
                Vec::with_capacity(tt.nnz()),
                Vec::with_capacity(tt.nnz()),
            );
            for j in 0..tt.n_sites() {
                for (d, t) in tt.row(j) {
                    r.push(j as i64);
                    c.push(d as i64);
                    s.push(t);
                }
            }
            Ok((r, c, s))
        })?;
        Ok((
            rows.into_pyarray(py),
            cols.into_pyarray(py),
            secs.into_pyarray(py),
        ))
    }

    /// Candidate sites for new facilities, as node positions (in node order):
    /// `"intersections"` (nodes where three or more edges meet, a scenario's
    /// default) or `"all_nodes"`, by the scenario's rule.
    #[pyo3(signature = (which="intersections"))]
    fn candidates<'py>(&self, py: Python<'py>, which: &str) -> PyResult<Ints<'py>> {
        let rule: Candidates =
            serde_json::from_value(serde_json::Value::from(which)).map_err(|_| {
                invalid(
                    "candidates",
                    format!("{which:?}: use \"intersections\" or \"all_nodes\""),
                )
            })?;
        let nodes: Vec<i64> = rule
            .nodes(&self.inner)
            .into_iter()
            .map(|v| v as i64)
            .collect();
        Ok(nodes.into_pyarray(py))
    }

    /// Pickling: a network is rebuilt from its nodes and edges.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let this = slf.get();
        let (ids, lons, lats) = this.nodes(py);
        let (a, b, l) = this.edges(py);
        let ctor = py.get_type::<Network>().getattr("from_edges")?;
        let args = (ids, lons, lats, a, b, l).into_pyobject(py)?.into_any();
        Ok((ctor, args))
    }

    fn __repr__(&self) -> String {
        format!(
            "Network({} nodes, {} edges, {:.1} km)",
            self.inner.node_count(),
            self.inner.edge_count(),
            self.inner.total_length_m() / 1000.0
        )
    }
}

/// Reads an OSM PBF file: the walking network and its points of interest
/// (list of dicts with osm_id, is_way, lon, lat, tags) and element counts.
#[pyfunction]
pub fn read_pbf<'py>(
    py: Python<'py>,
    path: &Bound<'py, PyAny>,
) -> PyResult<(Network, Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let path = convert::path(path, "path")?;
    let data = interruptible(py, move || network::read_pbf(&path))?;
    let json = py.import("json")?;
    let pois = json.call_method1(
        "loads",
        (serde_json::to_string(&data.pois).expect("pois serialise"),),
    )?;
    let stats = json.call_method1(
        "loads",
        (serde_json::to_string(&data.stats).expect("stats serialise"),),
    )?;
    Ok((
        Network {
            inner: Arc::new(data.network),
        },
        pois,
        stats,
    ))
}
