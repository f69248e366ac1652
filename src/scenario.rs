//! Scenario files and the end-to-end pipeline they drive: OSM → walking graph →
//! residents and facilities snapped → travel times → current coverage →
//! maximal-coverage plan.
//!
//! # File format
//! TOML (or JSON with the same keys, chosen by the `.json` extension). Paths are
//! relative to the scenario file.
//!
//! ```toml
//! osm = "helsinki.osm.pbf"              # OpenStreetMap extract (.osm.pbf)
//! population = "population_grid_2020.csv" # id, population, and wkt or lon/lat
//! service = "pharmacy"                  # key in the service catalogue (lifecircle::services)
//! new_sites = 2                         # how many new facilities to site
//! # optional, with their defaults:
//! walking_limit_min = 8.0               # default: the service's limit in the catalogue
//! walking_speed_m_s = 1.1               # adult walking speed
//! candidates = "intersections"          # or "all_nodes": where new facilities may go
//! report_services = ["convenience", "pharmacy", "supermarket", "clinic"]
//! max_snap_m = 200.0                    # residents farther from any street are left out (and reported)
//! time_limit_s = 60.0                   # MIP time limit
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::coverage::CoverageSummary;
use crate::demand::{read_demand_csv, snap_demand};
use crate::error::{Error, Result};
use crate::model::MaxCoverage;
use crate::network::{read_pbf, OsmStats, Poi, Snapped, Snapper};
use crate::services::{service, Service};
use crate::solve::{PresolveStats, SolveOptions, SolveStatus};
use crate::travel::TravelTimes;

/// Where new facilities may be placed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Candidates {
    /// Street intersections (nodes where three or more walkable edges meet).
    #[default]
    Intersections,
    /// Every node of the walking network.
    AllNodes,
}

/// A planning scenario (see the module docs for the file format).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// OpenStreetMap extract.
    pub osm: PathBuf,
    /// Residents table.
    pub population: PathBuf,
    /// Service to site.
    pub service: String,
    /// Number of new facilities.
    pub new_sites: usize,
    /// Walking limit in minutes (default: the service's).
    #[serde(default)]
    pub walking_limit_min: Option<f64>,
    /// Walking speed in metres per second.
    #[serde(default = "default_speed")]
    pub walking_speed_m_s: f64,
    /// Candidate locations.
    #[serde(default)]
    pub candidates: Candidates,
    /// Services whose current coverage is reported.
    #[serde(default = "default_report_services")]
    pub report_services: Vec<String>,
    /// Snapping tolerance in metres.
    #[serde(default = "default_snap")]
    pub max_snap_m: f64,
    /// MIP time limit in seconds.
    #[serde(default = "default_time_limit")]
    pub time_limit_s: f64,
}

fn default_speed() -> f64 {
    1.1
}
fn default_report_services() -> Vec<String> {
    ["convenience", "pharmacy", "supermarket", "clinic"]
        .map(String::from)
        .to_vec()
}
fn default_snap() -> f64 {
    200.0
}
fn default_time_limit() -> f64 {
    60.0
}

/// Size of the walking network.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NetworkSummary {
    /// Nodes kept.
    pub nodes: usize,
    /// Edges kept.
    pub edges: usize,
    /// Total walkable length in km.
    pub length_km: f64,
    /// Nodes dropped in components cut off from the main network.
    pub dropped_nodes: usize,
    /// Element counts of the OSM file.
    pub osm: OsmStats,
}

/// Residents on and off the network.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemandSummary {
    /// Demand points read.
    pub points: usize,
    /// Demand points on the network.
    pub on_network: usize,
    /// Residents on the network (the planning population).
    pub residents: f64,
    /// Demand points outside the network's extent.
    pub outside: usize,
    /// Residents outside, not planned for.
    pub residents_outside: f64,
}

/// Current coverage of one service.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServiceCoverage {
    /// Service key.
    pub service: String,
    /// Walking limit in minutes.
    pub walking_limit_min: f64,
    /// Existing facilities found in OSM.
    pub facilities: usize,
    /// Residents considered.
    pub residents: f64,
    /// Residents within the limit.
    pub covered: f64,
    /// Share covered.
    pub share: f64,
    /// Residents left out.
    pub left_out: f64,
    /// Ids of the demand points left out.
    pub uncovered_ids: Vec<String>,
}

/// A facility location on the map.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Site {
    /// OSM id (a network node for new sites; a node or way for existing ones).
    pub osm_id: i64,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Residents within its walking limit that existing facilities leave out.
    pub newly_reached: f64,
}

/// A demand point with its coverage before and after the plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemandOutcome {
    /// Demand point id.
    pub id: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Residents.
    pub population: f64,
    /// Covered by existing facilities.
    pub covered_before: bool,
    /// Covered once the plan is built.
    pub covered_after: bool,
}

/// Seconds per pipeline stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct StageSeconds {
    /// Reading the PBF and building the graph.
    pub network: f64,
    /// Reading residents and snapping residents, facilities and candidates.
    pub snap: f64,
    /// Bounded shortest paths.
    pub travel: f64,
    /// Current coverage tables.
    pub coverage: f64,
    /// Presolve, heuristic and MIP.
    pub solve: f64,
    /// Everything.
    pub total: f64,
}

/// Everything a plan run produces.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlanReport {
    /// Service sited.
    pub service: String,
    /// Walking limit used for it, in minutes.
    pub walking_limit_min: f64,
    /// Walking speed, m/s.
    pub walking_speed_m_s: f64,
    /// New sites requested.
    pub new_sites: usize,
    /// Candidate sites considered.
    pub candidates: usize,
    /// Residents covered by existing and new facilities (the MCLP objective).
    pub objective: f64,
    /// Proven upper bound on the objective.
    pub bound: f64,
    /// Relative optimality gap.
    pub gap: f64,
    /// Solver status.
    pub status: SolveStatus,
    /// The new sites.
    pub sites: Vec<Site>,
    /// Existing facilities of the service.
    pub existing: Vec<Site>,
    /// Residents covered before.
    pub covered_before: f64,
    /// Residents covered after.
    pub covered_after: f64,
    /// Residents on the network.
    pub residents: f64,
    /// Presolve sizes.
    pub presolve: PresolveStats,
    /// Current coverage of the reported services.
    pub current: Vec<ServiceCoverage>,
    /// Network size.
    pub network: NetworkSummary,
    /// Demand size.
    pub demand: DemandSummary,
    /// Seconds per stage.
    pub seconds: StageSeconds,
    /// Demand points with their coverage (for maps; not in the JSON summary).
    #[serde(skip)]
    pub demand_points: Vec<DemandOutcome>,
}

impl Scenario {
    /// Reads a scenario from a TOML or JSON file; relative paths in it are
    /// resolved against the file's folder.
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable, [`Error::BadRecord`] naming the file and the
    /// parser's message (unknown keys included) if malformed.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let name = path.display().to_string();
        let mut s: Scenario = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text)
                .map_err(|e| Error::record(&name, format!("line {}", e.line()), e.to_string()))?
        } else {
            toml::from_str(&text).map_err(|e| Error::record(&name, "toml", e.to_string()))?
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        s.osm = dir.join(&s.osm);
        s.population = dir.join(&s.population);
        Ok(s)
    }

    fn validate(&self) -> Result<(Service, Vec<Service>)> {
        let mut target = service(&self.service)?;
        if let Some(limit) = self.walking_limit_min {
            if !(limit.is_finite() && limit > 0.0) {
                return Err(Error::param(
                    "walking_limit_min",
                    format!("must be > 0, got {limit}"),
                ));
            }
            target.walking_limit_min = limit;
        }
        for (name, v) in [
            ("walking_speed_m_s", self.walking_speed_m_s),
            ("max_snap_m", self.max_snap_m),
            ("time_limit_s", self.time_limit_s),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::param(name, format!("must be > 0, got {v}")));
            }
        }
        let mut report = Vec::new();
        for key in &self.report_services {
            report.push(if *key == target.key {
                target.clone()
            } else {
                service(key)?
            });
        }
        if !report.iter().any(|s| s.key == target.key) {
            report.push(target.clone());
        }
        Ok((target, report))
    }

    /// Runs the whole pipeline.
    ///
    /// # Errors
    /// Any error of the stages: unreadable files, invalid population, a facility
    /// that cannot be snapped, more new sites than candidates, solver failure.
    pub fn run(&self) -> Result<PlanReport> {
        let (target, report_services) = self.validate()?;
        let t0 = Instant::now();
        let osm = read_pbf(&self.osm)?;
        let net = &osm.network;
        let t_network = Instant::now();

        let people = read_demand_csv(&self.population)?;
        let snapper = Snapper::new(net);
        let on_net = snap_demand(&people, net, &snapper, self.max_snap_m);
        let weights: Vec<f64> = on_net
            .inside
            .iter()
            .map(|&i| people[i].population)
            .collect();
        // Every facility of every reported service, snapped once; rows of the travel matrix.
        let mut facilities: Vec<(usize, &Poi, Vec<Snapped>)> = Vec::new();
        for (k, svc) in report_services.iter().enumerate() {
            for poi in osm.pois.iter().filter(|p| svc.matches(p)) {
                let kind = if poi.is_way { "way" } else { "node" };
                let id = format!("{} facility OSM {kind} {}", svc.key, poi.osm_id);
                facilities.push((
                    k,
                    poi,
                    snapper.attach_site(&id, poi.lon, poi.lat, self.max_snap_m)?,
                ));
            }
        }
        let candidates: Vec<usize> = (0..net.node_count())
            .filter(|&v| self.candidates == Candidates::AllNodes || net.degree(v) >= 3)
            .collect();
        let t_snap = Instant::now();

        let mut sources: Vec<Vec<Snapped>> = facilities.iter().map(|f| f.2.clone()).collect();
        sources.extend(candidates.iter().map(|&v| {
            vec![Snapped {
                node: v,
                offset_m: 0.0,
            }]
        }));
        let max_limit_s = report_services
            .iter()
            .map(|s| s.walking_limit_min * 60.0)
            .fold(0.0, f64::max);
        let travel = TravelTimes::compute(
            net,
            &sources,
            &on_net.snapped,
            self.walking_speed_m_s,
            max_limit_s,
        )?;
        let t_travel = Instant::now();

        let current: Vec<ServiceCoverage> = report_services
            .iter()
            .enumerate()
            .map(|(k, svc)| {
                let rows: Vec<usize> = (0..facilities.len())
                    .filter(|&r| facilities[r].0 == k)
                    .collect();
                let cov = travel.within(svc.walking_limit_min * 60.0);
                let summary = CoverageSummary::of(&cov, &rows, &weights);
                ServiceCoverage {
                    service: svc.key.clone(),
                    walking_limit_min: svc.walking_limit_min,
                    facilities: rows.len(),
                    residents: summary.residents,
                    covered: summary.covered,
                    share: summary.share,
                    left_out: summary.left_out,
                    uncovered_ids: summary
                        .uncovered
                        .iter()
                        .map(|&i| people[on_net.inside[i]].id.clone())
                        .collect(),
                }
            })
            .collect();
        let t_coverage = Instant::now();

        let k_target = report_services
            .iter()
            .position(|s| s.key == target.key)
            .expect("target is reported");
        let existing_rows: Vec<usize> = (0..facilities.len())
            .filter(|&r| facilities[r].0 == k_target)
            .collect();
        let mut rows = existing_rows.clone();
        rows.extend(facilities.len()..sources.len());
        let cov = travel
            .within(target.walking_limit_min * 60.0)
            .select_sites(&rows)?;
        let fixed: Vec<usize> = (0..existing_rows.len()).collect();
        let options = SolveOptions::new().time_limit(self.time_limit_s)?;
        let solution = MaxCoverage::new(cov.clone(), weights.clone())?
            .fixed_open(fixed.clone())?
            .new_sites(self.new_sites)?
            .solve(&options)?;
        let t_solve = Instant::now();

        let before = cov.covered(&fixed);
        let after = cov.covered(&solution.sites);
        let reached = |site: usize| -> f64 {
            cov.site(site)
                .iter()
                .filter(|&&d| !before[d as usize])
                .map(|&d| weights[d as usize])
                .sum()
        };
        let sites = solution
            .sites
            .iter()
            .filter(|&&j| j >= fixed.len())
            .map(|&j| {
                let node = net.node(candidates[j - fixed.len()]);
                Site {
                    osm_id: node.id,
                    lon: node.lon,
                    lat: node.lat,
                    newly_reached: reached(j),
                }
            })
            .collect();
        let existing = existing_rows
            .iter()
            .map(|&r| {
                let poi = facilities[r].1;
                Site {
                    osm_id: poi.osm_id,
                    lon: poi.lon,
                    lat: poi.lat,
                    newly_reached: 0.0,
                }
            })
            .collect();
        let sum_if = |flags: &[bool]| -> f64 {
            flags
                .iter()
                .zip(&weights)
                .filter(|(c, _)| **c)
                .map(|(_, w)| w)
                .sum()
        };
        let residents_outside = on_net.outside.iter().map(|&i| people[i].population).sum();
        Ok(PlanReport {
            service: target.key.clone(),
            walking_limit_min: target.walking_limit_min,
            walking_speed_m_s: self.walking_speed_m_s,
            new_sites: self.new_sites,
            candidates: candidates.len(),
            objective: solution.objective,
            bound: solution.bound,
            gap: solution.gap,
            status: solution.status,
            sites,
            existing,
            covered_before: sum_if(&before),
            covered_after: sum_if(&after),
            residents: weights.iter().sum(),
            presolve: solution.presolve,
            current,
            network: NetworkSummary {
                nodes: net.node_count(),
                edges: net.edge_count(),
                length_km: net.total_length_m() / 1000.0,
                dropped_nodes: net.component_report().dropped_nodes,
                osm: osm.stats.clone(),
            },
            demand: DemandSummary {
                points: people.len(),
                on_network: on_net.inside.len(),
                residents: weights.iter().sum(),
                outside: on_net.outside.len(),
                residents_outside,
            },
            seconds: StageSeconds {
                network: (t_network - t0).as_secs_f64(),
                snap: (t_snap - t_network).as_secs_f64(),
                travel: (t_travel - t_snap).as_secs_f64(),
                coverage: (t_coverage - t_travel).as_secs_f64(),
                solve: (t_solve - t_coverage).as_secs_f64(),
                total: (t_solve - t0).as_secs_f64(),
            },
            demand_points: on_net
                .inside
                .iter()
                .enumerate()
                .map(|(k, &i)| DemandOutcome {
                    id: people[i].id.clone(),
                    lon: people[i].lon,
                    lat: people[i].lat,
                    population: people[i].population,
                    covered_before: before[k],
                    covered_after: after[k],
                })
                .collect(),
        })
    }
}
