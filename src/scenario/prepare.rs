//! Reading, checking, snapping and measuring a scenario's inputs: what both
//! the gap analysis and the plans start from ([`Prepared`]), and the gap
//! analysis of given nearest-facility distances.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::coverage::{GapPoint, GapReport, ServiceReach, Speeds};
use crate::demand::{
    allocate, assign_zones, read_buildings_geojson, read_demand, read_osm_buildings,
    read_population_raster, read_zone_polygons, read_zones, snap_demand, AgeRatios, Allocation,
    Band, DemandPoint, PopulationRaster, Residents, Zone, ZoneAssignment,
};
use crate::error::{finite_non_negative, Error, Result};
use crate::network::{read_network_csv, read_pbf, Network, OsmStats, Poi, Snapped, Snapper};
use crate::outcome::{DemandOutcome, DemandSummary, NetworkSummary, Site, StageSeconds};
use crate::services::{Catalogue, Service};
use crate::sites::read_facilities_csv;
use crate::solve::total;
use crate::travel::TravelTimes;

use super::Scenario;

/// Inputs read, snapped and measured: what both `gaps` and `plan` start from.
/// Demand points on the network (`inside`) are indexed `0..inside.len()` in
/// every per-point list.
pub(super) struct Prepared {
    pub(super) network: Network,
    pub(super) osm_stats: Option<OsmStats>,
    pub(super) catalogue: Catalogue,
    pub(super) people: Vec<DemandPoint>,
    /// Indices into `people` of the points on the network.
    pub(super) inside: Vec<usize>,
    pub(super) snapped: Vec<Vec<Snapped>>,
    pub(super) outside: Vec<usize>,
    pub(super) residents: Vec<Residents>,
    pub(super) zones: Vec<String>,
    pub(super) zone_of: Vec<usize>,
    /// What the zones file did (`None`: no zones file).
    pub(super) zone_assignment: Option<ZoneAssignment>,
    /// With `[allocate]`: zones placed by each split rule.
    pub(super) split_rules: Option<BTreeMap<String, usize>>,
    /// The zones file's zones (none without one), for the maps.
    pub(super) zone_polygons: Vec<Zone>,
    /// Existing facilities: (service key, site).
    pub(super) facilities: Vec<(String, Site, Vec<Snapped>)>,
    /// Metres from each facility (row) to each demand point, up to the search distance.
    pub(super) facility_m: TravelTimes,
    pub(super) t0: Instant,
    pub(super) t_network: Instant,
    pub(super) t_snap: Instant,
    pub(super) t_travel: Instant,
}

impl Scenario {
    pub(super) fn speeds(&self) -> Speeds {
        Speeds {
            adult_m_s: self.walking_speed_m_s,
            elderly_m_s: self.elderly_walking_speed_m_s,
        }
    }

    pub(super) fn ratios(&self) -> AgeRatios {
        AgeRatios {
            aged_60_plus: self.aging_ratio,
            under_6: self.under_6_ratio,
        }
    }

    /// The catalogue with the plan's capacity overrides, and the checks that
    /// need nothing but the scenario itself.
    pub(super) fn validate(&self) -> Result<Catalogue> {
        self.speeds().validate()?;
        self.ratios().validate()?;
        self.rating.validate()?;
        for (name, v) in [
            ("max_snap_m", self.max_snap_m),
            ("search_minutes", self.search_minutes),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::param(name, format!("must be > 0, got {v}")));
            }
        }
        let mut catalogue = match &self.catalogue {
            Some(path) => Catalogue::from_file(path)?,
            None => Catalogue::default(),
        };
        for key in self.gap_services.iter().flatten() {
            catalogue.get(key)?;
        }
        if let Some(plan) = &self.plan {
            if plan.new_sites.is_empty() && plan.services.is_empty() {
                return Err(Error::param(
                    "plan",
                    "names no service: give new_sites or services",
                ));
            }
            for key in plan.new_sites.keys().chain(&plan.services) {
                catalogue.get(key)?;
            }
            // Listed in both, one of the two would be ignored.
            if let Some(key) = plan
                .services
                .iter()
                .find(|k| plan.new_sites.contains_key(*k))
            {
                return Err(Error::param(
                    "plan.services",
                    format!("{key:?} is also in new_sites: list it once (new_sites caps its count, services does not)"),
                ));
            }
            if let (Some(kind), Some(path)) = (plan.candidates, &plan.candidate_sites) {
                return Err(Error::param(
                    "plan.candidates",
                    format!(
                        "candidates = {} picks network nodes, but candidate_sites = {:?} gives the candidates: give one of the two",
                        serde_json::to_string(&kind).expect("an enum serialises"),
                        path.display().to_string()
                    ),
                ));
            }
            // Applied here, so that every stage (the plan, its access indices
            // before and after, `access`) counts the same room per facility.
            for (key, &cap) in &plan.capacity {
                let svc = catalogue
                    .services
                    .iter_mut()
                    .find(|s| &s.key == key)
                    .ok_or_else(|| {
                        Error::param("plan.capacity", format!("unknown service {key:?}"))
                    })?;
                svc.capacity = Some(cap);
                svc.validate()?;
            }
            for (name, v) in [
                ("plan.time_limit_s", plan.time_limit_s),
                ("plan.elderly_weight", plan.elderly_weight),
            ] {
                if !(v.is_finite() && v > 0.0) {
                    return Err(Error::param(name, format!("must be > 0, got {v}")));
                }
            }
            if !(finite_non_negative(plan.site_cost)) {
                return Err(Error::param(
                    "plan.site_cost",
                    format!("must be >= 0, got {}", plan.site_cost),
                ));
            }
        }
        Ok(catalogue)
    }

    /// How far to walk from facilities, in metres: the nearest-facility search,
    /// and never less than any of these services' walking limits at either
    /// pace, so that coverage is never cut short by the search.
    pub(super) fn search_m(&self, catalogue: &Catalogue, keys: &[&str]) -> f64 {
        let speeds = self.speeds();
        catalogue
            .services
            .iter()
            .filter(|s| keys.contains(&s.key.as_str()))
            .map(|s| speeds.reach_m(s.walking_limit_min))
            .fold(self.search_minutes * 60.0 * speeds.adult_m_s, f64::max)
    }

    /// Services whose gaps are analysed.
    pub(super) fn gap_services<'c>(&self, catalogue: &'c Catalogue) -> Vec<&'c Service> {
        match &self.gap_services {
            Some(keys) => keys.iter().filter_map(|k| catalogue.get(k).ok()).collect(),
            None => catalogue.services.iter().collect(),
        }
    }

    /// The walking network, with the OSM points of interest and counts when
    /// it comes from `osm`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless exactly one of `osm` and `network`
    /// is given; the readers' errors.
    pub fn read_network(&self) -> Result<(Network, Vec<Poi>, Option<OsmStats>)> {
        match (&self.osm, &self.network) {
            (Some(path), None) => {
                let osm = read_pbf(path)?;
                Ok((osm.network, osm.pois, Some(osm.stats)))
            }
            (None, Some(t)) => Ok((read_network_csv(&t.nodes, &t.edges)?, Vec::new(), None)),
            _ => Err(Error::param(
                "osm",
                "give exactly one of `osm` (a PBF file) and `network` (node and edge tables)",
            )),
        }
    }

    /// The `population` file as a raster (`None`: it is a table, not a
    /// `.tif`/`.tiff` file).
    ///
    /// # Errors
    /// [`read_population_raster`]'s; [`Error::InvalidParameter`] for
    /// `population_bands` beside a table.
    pub fn population_raster(&self) -> Result<Option<PopulationRaster>> {
        let is_raster = self
            .population
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tif") || e.eq_ignore_ascii_case("tiff"));
        match (is_raster, &self.population_bands) {
            (false, None) => Ok(None),
            (false, Some(_)) => Err(Error::param(
                "population_bands",
                format!(
                    "names the bands of a GeoTIFF population file; {} is a table",
                    self.population.display()
                ),
            )),
            (true, bands) => {
                let bands = bands.as_deref().unwrap_or(&[Band::Population]);
                read_population_raster(&self.population, bands).map(Some)
            }
        }
    }

    /// The `population` file's demand points as they are (a table's
    /// records, a raster's cell centres), in WGS 84.
    ///
    /// # Errors
    /// The readers' errors.
    pub fn demand_points(&self) -> Result<Vec<DemandPoint>> {
        let crs = self.population_crs.unwrap_or_default();
        if let Some(raster) = self.population_raster()? {
            return Ok(raster.demand_points(crs));
        }
        let mut people = read_demand(&self.population)?;
        if !crs.is_wgs84() {
            for p in &mut people {
                (p.lon, p.lat) = crs.to_wgs84(p.lon, p.lat);
            }
        }
        Ok(people)
    }

    /// The population file's polygons split onto the buildings of
    /// `[allocate]` (the buildings file, else those of `osm`), falling back to
    /// the streets of `network` where a polygon holds no home.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] without an `[allocate]` table, or without a
    /// buildings file when there is no `osm`; the readers' and
    /// [`allocate`]'s errors.
    pub fn allocation(&self, network: Option<&Network>) -> Result<Allocation> {
        let spec = self
            .allocate
            .as_ref()
            .ok_or_else(|| Error::param("allocate", "the scenario has no [allocate] table"))?;
        let crs = self.population_crs.unwrap_or_default();
        let zones = match self.population_raster()? {
            Some(raster) => raster.zones(crs),
            None => read_zone_polygons(&self.population, crs)?,
        };
        let buildings = match (&spec.buildings, &self.osm) {
            (Some(path), _) => {
                read_buildings_geojson(path, spec.buildings_crs.unwrap_or_default())?
            }
            (None, Some(osm)) => read_osm_buildings(osm)?,
            (None, None) => {
                return Err(Error::param(
                    "allocate.buildings",
                    "give a buildings file: the scenario has no `osm` to take them from",
                ))
            }
        };
        allocate(&zones, &buildings, network, &spec.rules())
    }

    /// Reads, snaps and measures everything the gap table and the plans share:
    /// facilities of the gap services, of this scenario's plan and of `extra`
    /// services (other plans that will reuse the result).
    pub(super) fn prepare(&self, extra: &[String]) -> Result<Prepared> {
        let catalogue = self.validate()?;
        let t0 = Instant::now();
        let (network, pois, osm_stats) = self.read_network()?;
        let net = &network;
        let t_network = Instant::now();

        let (mut people, split_rules) = match &self.allocate {
            Some(_) => {
                let split = self.allocation(Some(net))?;
                let mut rules = BTreeMap::new();
                for z in &split.zones {
                    *rules.entry(z.rule.name().to_string()).or_insert(0) += 1;
                }
                (split.points, Some(rules))
            }
            None => (self.demand_points()?, None),
        };
        let zone_polygons = match &self.zones {
            Some(path) => read_zones(path, self.zones_crs.unwrap_or_default())?,
            None => Vec::new(),
        };
        let zone_assignment = self
            .zones
            .as_ref()
            .map(|_| assign_zones(&mut people, &zone_polygons));
        let snapper = Snapper::new(net);
        let on_net = snap_demand(&people, net, &snapper, self.max_snap_m);
        if on_net.inside.is_empty() {
            // Every coverage figure would be 0 of 0 residents.
            return Err(Error::record(
                self.population.display().to_string(),
                "file",
                format!(
                    "none of its {} demand points lies on the walking network (inside its extent, within max_snap_m = {} m of a node); coordinates are lon, lat in degrees (WGS 84)",
                    people.len(),
                    self.max_snap_m
                ),
            ));
        }
        let ratios = self.ratios();
        let residents: Vec<Residents> = on_net
            .inside
            .iter()
            .map(|&i| people[i].residents(&ratios))
            .collect();
        let mut zones: Vec<String> = Vec::new();
        let mut zone_index: HashMap<String, usize> = HashMap::new();
        let zone_of: Vec<usize> = on_net
            .inside
            .iter()
            .map(|&i| {
                let z = people[i].zone().to_string();
                *zone_index.entry(z.clone()).or_insert_with(|| {
                    zones.push(z);
                    zones.len() - 1
                })
            })
            .collect();

        // Every existing facility of a service we report on or plan for.
        let mut keys: Vec<&str> = self
            .gap_services(&catalogue)
            .iter()
            .map(|s| s.key.as_str())
            .collect();
        if let Some(plan) = &self.plan {
            keys.extend(
                plan.new_sites
                    .keys()
                    .chain(&plan.services)
                    .map(String::as_str),
            );
        }
        keys.extend(extra.iter().map(String::as_str));
        let mut facilities = Vec::new();
        let site = |id: String, lon: f64, lat: f64| Site {
            id,
            lon,
            lat,
            cost: 0.0,
            newly_reached: 0.0,
        };
        for svc in catalogue
            .services
            .iter()
            .filter(|s| keys.contains(&s.key.as_str()))
        {
            if !self.osm_facilities {
                continue;
            }
            for poi in pois.iter().filter(|p| svc.matches(p)) {
                let id = format!("{}/{}", if poi.is_way { "way" } else { "node" }, poi.osm_id);
                let label = format!("{} facility OSM {id}", svc.key);
                let snapped = snapper.attach_site(&label, poi.lon, poi.lat, self.max_snap_m)?;
                facilities.push((svc.key.clone(), site(id, poi.lon, poi.lat), snapped));
            }
        }
        if let Some(path) = &self.facilities {
            let crs = self.facilities_crs.unwrap_or_default();
            for mut f in read_facilities_csv(path, &catalogue)? {
                if keys.contains(&f.service.as_str()) {
                    (f.lon, f.lat) = crs.to_wgs84(f.lon, f.lat);
                    let label = format!("{} facility {}", f.service, f.id);
                    let snapped = snapper.attach_site(&label, f.lon, f.lat, self.max_snap_m)?;
                    facilities.push((f.service.clone(), site(f.id, f.lon, f.lat), snapped));
                }
            }
        }
        let t_snap = Instant::now();

        // At 1 m/s the "seconds" are metres, so one matrix serves both walking speeds.
        let sources: Vec<&[Snapped]> = facilities.iter().map(|f| f.2.as_slice()).collect();
        let search_m = self.search_m(&catalogue, &keys);
        let facility_m = TravelTimes::compute(net, &sources, &on_net.snapped, 1.0, search_m)?;
        let t_travel = Instant::now();
        Ok(Prepared {
            catalogue,
            people,
            inside: on_net.inside,
            snapped: on_net.snapped,
            outside: on_net.outside,
            residents,
            zones,
            zone_of,
            zone_assignment,
            split_rules,
            zone_polygons,
            facilities,
            facility_m,
            network,
            osm_stats,
            t0,
            t_network,
            t_snap,
            t_travel,
        })
    }
}

/// What the existing facilities cover ([`Prepared::current_gaps`]).
pub(super) struct CurrentGaps {
    pub(super) report: GapReport,
    /// Per service, metres from each demand point to its nearest facility.
    pub(super) nearest_m: Vec<Vec<Option<f64>>>,
    /// How far they were searched.
    pub(super) search_m: f64,
}

impl Prepared {
    /// The gap analysis of `services` by the existing facilities, with each
    /// one's nearest-facility distances and the search in metres. Inputs
    /// prepared for other variants too may have been searched farther (their
    /// services walk longer): the distances are cut back to the search this
    /// scenario makes for `services`, so that it reports what it would alone.
    pub(super) fn current_gaps(
        &self,
        services: &[&Service],
        scenario: &Scenario,
    ) -> Result<CurrentGaps> {
        let keys: Vec<&str> = services.iter().map(|s| s.key.as_str()).collect();
        let search_m = scenario.search_m(&self.catalogue, &keys);
        let nearest_m: Vec<Vec<Option<f64>>> = services
            .iter()
            .map(|s| self.nearest_m(&s.key, search_m))
            .collect();
        let added = vec![0; services.len()];
        let report = self.gap_report(services, &nearest_m, &added, search_m, scenario)?;
        Ok(CurrentGaps {
            report,
            nearest_m,
            search_m,
        })
    }

    /// The gap analysis of `services` given each one's nearest-facility
    /// distances, searched up to `search_m` metres, with `added` new
    /// facilities of each besides the existing ones.
    pub(super) fn gap_report(
        &self,
        services: &[&Service],
        nearest_m: &[Vec<Option<f64>>],
        added: &[usize],
        search_m: f64,
        scenario: &Scenario,
    ) -> Result<GapReport> {
        let reach: Vec<ServiceReach<'_>> = services
            .iter()
            .zip(nearest_m)
            .zip(added)
            .map(|((s, near), &added)| ServiceReach {
                service: s,
                nearest_m: near.clone(),
                facilities: self.facilities.iter().filter(|f| f.0 == s.key).count() + added,
            })
            .collect();
        GapReport::compute(
            &self.zones,
            &self.gap_points(),
            &reach,
            scenario.speeds(),
            &scenario.rating,
            scenario.speeds().reach_minutes(search_m),
        )
    }

    /// Metres from each demand point to the nearest existing facility of a
    /// service, `None` beyond `search_m` (which may be shorter than the
    /// preparation searched).
    fn nearest_m(&self, key: &str, search_m: f64) -> Vec<Option<f64>> {
        let rows: Vec<usize> = (0..self.facilities.len())
            .filter(|&r| self.facilities[r].0 == key)
            .collect();
        self.facility_m
            .nearest(&rows)
            .into_iter()
            .map(|d| d.filter(|&d| d <= search_m))
            .collect()
    }

    fn gap_points(&self) -> Vec<GapPoint> {
        self.inside
            .iter()
            .enumerate()
            .map(|(k, &i)| GapPoint {
                id: self.people[i].id.clone(),
                zone: self.zone_of[k],
                residents: self.residents[k],
            })
            .collect()
    }

    /// The demand points on the network, their covered shares not filled in.
    pub(super) fn demand_points(&self) -> Vec<DemandOutcome> {
        self.inside
            .iter()
            .enumerate()
            .map(|(k, &i)| DemandOutcome {
                id: self.people[i].id.clone(),
                zone: self.zones[self.zone_of[k]].clone(),
                lon: self.people[i].lon,
                lat: self.people[i].lat,
                population: self.people[i].population,
                aged_60_plus: self.residents[k].aged_60_plus,
                before: BTreeMap::new(),
                after: BTreeMap::new(),
            })
            .collect()
    }

    /// Streets of the walking network, a segment per edge.
    pub(super) fn streets(&self) -> Vec<[(f64, f64); 2]> {
        let net = &self.network;
        net.edges()
            .map(|(a, b, _)| {
                let (a, b) = (net.node(a), net.node(b));
                [(a.lon, a.lat), (b.lon, b.lat)]
            })
            .collect()
    }

    pub(super) fn network_summary(&self) -> NetworkSummary {
        let net: &Network = &self.network;
        NetworkSummary {
            nodes: net.node_count(),
            edges: net.edge_count(),
            length_km: net.total_length_m() / 1000.0,
            dropped_nodes: net.component_report().dropped_nodes,
            osm: self.osm_stats.clone(),
        }
    }

    pub(super) fn demand_summary(&self) -> DemandSummary {
        DemandSummary {
            points: self.people.len(),
            on_network: self.inside.len(),
            residents: total(self.residents.iter().map(|r| r.total)),
            residents_60plus: self
                .residents
                .iter()
                .map(|r| r.aged_60_plus)
                .collect::<Option<Vec<f64>>>()
                .map(total),
            outside: self.outside.len(),
            residents_outside: total(self.outside.iter().map(|&i| self.people[i].population)),
            zones: self.zones.len(),
            outside_zones: self.zone_assignment.as_ref().map(|a| a.outside.clone()),
            ambiguous_zones: self.zone_assignment.as_ref().map(|a| a.ambiguous),
            split_rules: self.split_rules.clone(),
        }
    }

    /// The age split of the residents `svc` serves.
    pub(super) fn split_by_age(&self, svc: &Service) -> Result<Vec<(f64, f64)>> {
        self.residents
            .iter()
            .zip(&self.inside)
            .map(|(r, &i)| {
                svc.serves.split(r).map_err(|m| {
                    Error::record(
                        "demand",
                        &self.people[i].id,
                        format!("service {}: {m}", svc.key),
                    )
                })
            })
            .collect()
    }

    pub(super) fn seconds(&self, t_coverage: Instant, t_solve: Instant) -> StageSeconds {
        StageSeconds {
            network: (self.t_network - self.t0).as_secs_f64(),
            snap: (self.t_snap - self.t_network).as_secs_f64(),
            travel: (self.t_travel - self.t_snap).as_secs_f64(),
            coverage: (t_coverage - self.t_travel).as_secs_f64(),
            solve: (t_solve - t_coverage).as_secs_f64(),
            total: (t_solve - self.t0).as_secs_f64(),
        }
    }
}
