//! Demand from frames by the command line's rules, once, in Rust: which
//! points are on the walking network (`lifecircle::demand::snap_demand`),
//! their age groups (columns, or ratios filling them in), the weight a
//! service gives each group, the rows a plan counts (the 60+ at their own
//! pace, `lifecircle::coverage::rows_within`) and the coverage a gap table
//! reports (`lifecircle::coverage::GapReport`).

use std::sync::Arc;

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use lifecircle::coverage::{
    rows_within, within_limit, GapPoint, GapReport, RatingRules, ServiceReach, Speeds,
};
use lifecircle::demand::{snap_demand, AgeRatios, DemandPoint, DemandWeights, Residents};
use lifecircle::network::{check_lon_lat, Snapped, Snapper, ATTACH_NODES, ATTACH_SLACK_M};
use lifecircle::services::{Service, ServiceClass};
use lifecircle::travel::TravelTimes;
use lifecircle::Error;

use crate::convert::{real, real_or_none, reals_1d};
use crate::error::{invalid, to_py, OrPy};
use crate::gil::interruptible;
use crate::network::Network;
use crate::{same_len, Floats, Ints};

/// A service's demand weights from Python: a group name (`"everyone"`,
/// `"aged_60_plus"`, `"under_6"`) or a dict of weights, as `serves` in a
/// service catalogue; `None` is everyone.
fn demand_weights(value: Option<&Bound<'_, PyAny>>) -> PyResult<DemandWeights> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(DemandWeights::everyone());
    };
    let json: String = v
        .py()
        .import("json")?
        .call_method1("dumps", (v,))
        .map_err(|_| invalid("serves", "a group name or a dict of weights"))?
        .extract()?;
    let w: DemandWeights =
        serde_json::from_str(&json).map_err(|e| invalid("serves", e.to_string()))?;
    w.validate().map_err(|m| invalid("serves", m))?;
    Ok(w)
}

fn optional_reals(v: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<Vec<f64>>> {
    v.filter(|v| !v.is_none())
        .map(|v| reals_1d(v, name))
        .transpose()
}

fn speeds(adult_m_s: &Bound<'_, PyAny>, elderly_m_s: &Bound<'_, PyAny>) -> PyResult<Speeds> {
    let s = Speeds {
        adult_m_s: real(adult_m_s, "speed_m_s")?,
        elderly_m_s: real(elderly_m_s, "elderly_speed_m_s")?,
    };
    s.validate().py_err()?;
    Ok(s)
}

/// Points (WGS 84 degrees) attached to their nearest nodes, as sites and
/// facilities are in `travel_times`.
fn attach_all(
    snapper: &Snapper,
    lons: &[f64],
    lats: &[f64],
    what: &str,
) -> lifecircle::Result<Vec<Vec<Snapped>>> {
    lons.iter()
        .zip(lats)
        .enumerate()
        .map(|(i, (&x, &y))| {
            check_lon_lat(&format!("{what} {i}"), x, y)?;
            Ok(snapper.attach(x, y, ATTACH_NODES, ATTACH_SLACK_M))
        })
        .collect()
}

/// The demand points of a frame on a walking network, by the rules of the
/// command line: a point is on the network when it lies inside the network's
/// extent and within `max_snap_m` of a node; the others are left out of every
/// model and coverage figure (and listed). Ages come from `aged_60_plus` /
/// `under_6` (NaN: unknown for that point), else from the ratios;
/// `max_snap_m` defaults to the command line's 200 m.
#[pyclass(module = "lifecircle._core", frozen)]
pub struct DemandPoints {
    network: Arc<lifecircle::network::Network>,
    points: Vec<DemandPoint>,
    inside: Vec<usize>,
    snapped: Vec<Vec<Snapped>>,
    outside: Vec<usize>,
    /// Per point on the network.
    residents: Vec<Residents>,
    /// Metres from every point to its nearest node.
    snap_m: Vec<f64>,
}

impl DemandPoints {
    /// Whether plans split each point into its 60+ and the others (rows `2i`,
    /// `2i + 1`): when some point's age structure is known, as scenarios do.
    fn by_age(&self) -> bool {
        self.residents.iter().any(|r| r.aged_60_plus.is_some())
    }

    /// Per point on the network, the weight `w` gives its 60+ and the rest.
    fn split(&self, w: &DemandWeights) -> PyResult<Vec<(f64, f64)>> {
        self.residents
            .iter()
            .zip(&self.inside)
            .map(|(r, &i)| {
                w.split(r).map_err(|m| {
                    to_py(Error::BadRecord {
                        source_name: "demand".into(),
                        record: self.points[i].id.clone(),
                        message: m,
                    })
                })
            })
            .collect()
    }

    fn travel_m(
        &self,
        py: Python<'_>,
        lons: Vec<f64>,
        lats: Vec<f64>,
        what: &'static str,
        limit_m: f64,
    ) -> PyResult<TravelTimes> {
        same_len(what, lons.len(), lats.len())?;
        let net = Arc::clone(&self.network);
        let demand = self.snapped.clone();
        interruptible(py, move || {
            let sites = attach_all(&Snapper::new(&net), &lons, &lats, what)?;
            // At 1 m/s the "seconds" are metres, so one search serves both paces.
            TravelTimes::compute(&net, &sites, &demand, 1.0, limit_m)
        })
    }
}

#[pymethods]
impl DemandPoints {
    #[new]
    #[pyo3(signature = (network, ids, lons, lats, population, aged_60_plus=None, under_6=None, aging_ratio=None, under_6_ratio=None, max_snap_m=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        network: &Network,
        ids: Vec<String>,
        lons: &Bound<'_, PyAny>,
        lats: &Bound<'_, PyAny>,
        population: &Bound<'_, PyAny>,
        aged_60_plus: Option<&Bound<'_, PyAny>>,
        under_6: Option<&Bound<'_, PyAny>>,
        aging_ratio: Option<&Bound<'_, PyAny>>,
        under_6_ratio: Option<&Bound<'_, PyAny>>,
        max_snap_m: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let (lons, lats) = (reals_1d(lons, "lons")?, reals_1d(lats, "lats")?);
        let population = reals_1d(population, "population")?;
        let (old, young) = (
            optional_reals(aged_60_plus, "aged_60_plus")?,
            optional_reals(under_6, "under_6")?,
        );
        let n = ids.len();
        for (name, len) in [
            ("lons", lons.len()),
            ("lats", lats.len()),
            ("population", population.len()),
            ("aged_60_plus", old.as_ref().map_or(n, Vec::len)),
            ("under_6", young.as_ref().map_or(n, Vec::len)),
        ] {
            if len != n {
                return Err(invalid(name, format!("{len} values for {n} demand points")));
            }
        }
        let ratios = AgeRatios {
            aged_60_plus: real_or_none(aging_ratio, "aging_ratio")?,
            under_6: real_or_none(under_6_ratio, "under_6_ratio")?,
        };
        ratios.validate().py_err()?;
        // The command line's default.
        let max_snap_m = real_or_none(max_snap_m, "max_snap_m")?.unwrap_or(200.0);
        if !(max_snap_m.is_finite() && max_snap_m > 0.0) {
            return Err(invalid(
                "max_snap_m",
                format!("must be > 0, got {max_snap_m}"),
            ));
        }
        let known =
            |v: &Option<Vec<f64>>, i: usize| v.as_ref().map(|v| v[i]).filter(|x| !x.is_nan());
        let points = (0..n)
            .map(|i| {
                let p = DemandPoint {
                    aged_60_plus: known(&old, i),
                    under_6: known(&young, i),
                    ..DemandPoint::new(ids[i].clone(), lons[i], lats[i], population[i])
                };
                p.validate()?;
                check_lon_lat(&format!("demand point {}", p.id), p.lon, p.lat)?;
                Ok(p)
            })
            .collect::<lifecircle::Result<Vec<_>>>()
            .py_err()?;
        let net = Arc::clone(&network.inner);
        let (points, on, snap_m) = interruptible(py, move || {
            let snapper = Snapper::new(&net);
            let on = snap_demand(&points, &net, &snapper, max_snap_m);
            let snap_m = points
                .iter()
                .map(|p| {
                    snapper
                        .nearest(p.lon, p.lat)
                        .map_or(f64::NAN, |s| s.offset_m)
                })
                .collect::<Vec<_>>();
            Ok((points, on, snap_m))
        })?;
        let residents = on
            .inside
            .iter()
            .map(|&i| points[i].residents(&ratios))
            .collect();
        Ok(Self {
            network: Arc::clone(&network.inner),
            points,
            inside: on.inside,
            snapped: on.snapped,
            outside: on.outside,
            residents,
            snap_m,
        })
    }

    /// Positions of the points on the network.
    #[getter]
    fn inside<'py>(&self, py: Python<'py>) -> Ints<'py> {
        self.inside
            .iter()
            .map(|&i| i as i64)
            .collect::<Vec<_>>()
            .into_pyarray(py)
    }

    /// Positions of the points left out: outside the network's extent or
    /// farther than `max_snap_m` from every node.
    #[getter]
    fn outside<'py>(&self, py: Python<'py>) -> Ints<'py> {
        self.outside
            .iter()
            .map(|&i| i as i64)
            .collect::<Vec<_>>()
            .into_pyarray(py)
    }

    /// Metres from each point to its nearest node.
    #[getter]
    fn snap_m<'py>(&self, py: Python<'py>) -> Floats<'py> {
        self.snap_m.clone().into_pyarray(py)
    }

    /// Residents aged 60+ of each point on the network, ratios applied (NaN: unknown).
    #[getter]
    fn aged_60_plus<'py>(&self, py: Python<'py>) -> Floats<'py> {
        let v: Vec<f64> = self
            .residents
            .iter()
            .map(|r| r.aged_60_plus.unwrap_or(f64::NAN))
            .collect();
        v.into_pyarray(py)
    }

    /// The demand rows a plan counts, as positions of the input points: with
    /// ages known, two rows per point on the network (its 60+, then the
    /// others), else one.
    fn rows<'py>(&self, py: Python<'py>) -> (Ints<'py>, Ints<'py>) {
        let k = if self.by_age() { 2 } else { 1 };
        let point: Vec<i64> = self
            .inside
            .iter()
            .flat_map(|&i| vec![i as i64; k])
            .collect();
        // Group of each row: 0 the residents aged 60+, 1 the others, -1 everyone.
        let group: Vec<i64> = (0..point.len())
            .map(|r| if k == 2 { (r % 2) as i64 } else { -1 })
            .collect();
        (point.into_pyarray(py), group.into_pyarray(py))
    }

    /// Weight of each row (see `rows`) for a service serving `serves`.
    #[pyo3(signature = (serves=None))]
    fn weights<'py>(
        &self,
        py: Python<'py>,
        serves: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Floats<'py>> {
        let split = self.split(&demand_weights(serves)?)?;
        let w: Vec<f64> = if self.by_age() {
            split.iter().flat_map(|&(a, b)| [a, b]).collect()
        } else {
            split.iter().map(|&(a, b)| a + b).collect()
        };
        Ok(w.into_pyarray(py))
    }

    /// Walking minutes from sites (WGS 84 degrees) to the rows (see `rows`)
    /// within `limit_minutes`, each row at its group's pace: COO arrays
    /// (row, site, minutes), by site.
    fn reach<'py>(
        &self,
        py: Python<'py>,
        site_lons: &Bound<'py, PyAny>,
        site_lats: &Bound<'py, PyAny>,
        limit_minutes: &Bound<'py, PyAny>,
        speed_m_s: &Bound<'py, PyAny>,
        elderly_speed_m_s: &Bound<'py, PyAny>,
    ) -> PyResult<(Ints<'py>, Ints<'py>, Floats<'py>)> {
        let minutes = real(limit_minutes, "limit_minutes")?;
        let speeds = speeds(speed_m_s, elderly_speed_m_s)?;
        let (lons, lats) = (
            reals_1d(site_lons, "site_lons")?,
            reals_1d(site_lats, "site_lats")?,
        );
        let metres = self.travel_m(py, lons, lats, "site", speeds.reach_m(minutes))?;
        let (mut r, mut s, mut t) = (Vec::new(), Vec::new(), Vec::new());
        for (j, rows) in rows_within(&metres, minutes, speeds, self.by_age())
            .into_iter()
            .enumerate()
        {
            for (row, m) in rows {
                r.push(row as i64);
                s.push(j as i64);
                t.push(m);
            }
        }
        Ok((r.into_pyarray(py), s.into_pyarray(py), t.into_pyarray(py)))
    }

    /// Coverage of a service by facilities (WGS 84 degrees) within
    /// `limit_minutes`, as the gap table of a scenario counts it: per input
    /// point (0 or NaN off the network) `nearest_minutes` (adult pace; NaN
    /// beyond the limit),
    /// `covered` (residents within the limit, the 60+ at their pace),
    /// `covered_60_plus`, `served` (the service's weight) and `served_covered`;
    /// and `totals` (the `(all)` row: residents, covered, residents_60_plus,
    /// covered_60_plus, served, share).
    #[pyo3(signature = (facility_lons, facility_lats, limit_minutes, speed_m_s, elderly_speed_m_s, serves=None))]
    #[allow(clippy::too_many_arguments)]
    fn coverage<'py>(
        &self,
        py: Python<'py>,
        facility_lons: &Bound<'py, PyAny>,
        facility_lats: &Bound<'py, PyAny>,
        limit_minutes: &Bound<'py, PyAny>,
        speed_m_s: &Bound<'py, PyAny>,
        elderly_speed_m_s: &Bound<'py, PyAny>,
        serves: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let minutes = real(limit_minutes, "limit_minutes")?;
        let speeds = speeds(speed_m_s, elderly_speed_m_s)?;
        let (lons, lats) = (
            reals_1d(facility_lons, "facility_lons")?,
            reals_1d(facility_lats, "facility_lats")?,
        );
        let n_facilities = lons.len();
        let service = Service {
            key: "service".into(),
            name: "service".into(),
            class: ServiceClass::Basic,
            walking_limit_min: minutes,
            serves: demand_weights(serves)?,
            capacity: None,
            osm_tags: Vec::new(),
        };
        service.validate().py_err()?;
        let search_m = speeds.reach_m(minutes);
        let metres = self.travel_m(py, lons, lats, "facility", search_m)?;
        let nearest_m = metres.nearest(&(0..n_facilities).collect::<Vec<_>>());
        // Every point its own zone: the zone rows are the points', the "(all)" row the total.
        let zones: Vec<String> = self
            .inside
            .iter()
            .map(|&i| self.points[i].id.clone())
            .collect();
        let gap_points: Vec<GapPoint> = self
            .residents
            .iter()
            .enumerate()
            .map(|(k, &residents)| GapPoint {
                id: zones[k].clone(),
                zone: k,
                residents,
            })
            .collect();
        let reach = ServiceReach {
            service: &service,
            nearest_m: nearest_m.clone(),
            facilities: n_facilities,
        };
        let report = GapReport::compute(
            &zones,
            &gap_points,
            &[reach],
            speeds,
            &RatingRules::default(),
            speeds.reach_minutes(search_m),
        )
        .py_err()?;
        if let Some(why) = report.skipped.first() {
            return Err(invalid("serves", why.clone()));
        }
        let n = self.points.len();
        let (mut near, mut covered, mut covered_60) =
            (vec![f64::NAN; n], vec![0.0; n], vec![f64::NAN; n]);
        let (mut served, mut served_covered) = (vec![0.0; n], vec![0.0; n]);
        for (k, (&i, row)) in self.inside.iter().zip(&report.rows).enumerate() {
            near[i] = nearest_m[k]
                .filter(|&d| within_limit(d, minutes, speeds.adult_m_s))
                .map_or(f64::NAN, |d| d / speeds.adult_m_s / 60.0);
            covered[i] = row.covered;
            covered_60[i] = row.covered_60plus.unwrap_or(f64::NAN);
            served[i] = row.served;
            served_covered[i] = row.share * row.served;
        }
        let d = PyDict::new(py);
        d.set_item("nearest_minutes", near.into_pyarray(py))?;
        d.set_item("covered", covered.into_pyarray(py))?;
        d.set_item("covered_60_plus", covered_60.into_pyarray(py))?;
        d.set_item("served", served.into_pyarray(py))?;
        d.set_item("served_covered", served_covered.into_pyarray(py))?;
        let all = &report.totals[0];
        let t = PyDict::new(py);
        t.set_item("residents", all.residents)?;
        t.set_item("covered", all.covered)?;
        t.set_item("residents_60_plus", all.residents_60plus)?;
        t.set_item("covered_60_plus", all.covered_60plus)?;
        t.set_item("served", all.served)?;
        t.set_item("share", all.share)?;
        d.set_item("totals", t)?;
        Ok(d)
    }

    fn __len__(&self) -> usize {
        self.points.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "DemandPoints({} on the network, {} left out)",
            self.inside.len(),
            self.outside.len()
        )
    }
}
