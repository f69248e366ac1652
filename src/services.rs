//! Stage 3 (second part): the catalogue of daily services — who needs each one,
//! how far they should have to walk, how to recognise existing ones in
//! OpenStreetMap, and how many residents one facility can serve.
//!
//! # Defaults and their sources
//! | key | OSM tags | class | limit | serves | source |
//! |---|---|---|---|---|---|
//! | `convenience` | `shop=convenience` | basic | 5 min | everyone | MOFCOM *城市一刻钟便民生活圈建设指南* (2021) time ladder: convenience store within 5 min |
//! | `pharmacy` | `amenity=pharmacy`, `healthcare=pharmacy`, `shop=chemist` | basic | 8 min | everyone | MOFCOM guide: pharmacy within 8 min |
//! | `barber` | `shop=hairdresser`, `shop=beauty` | basic | 8 min | everyone | MOFCOM guide: barber/beauty within 8 min |
//! | `vegetable_market` | `amenity=marketplace`, `shop=greengrocer` | basic | 8 min | everyone | MOFCOM guide: farmers' market within 8 min; GB 50180-2018 puts it at the 10-min level |
//! | `laundry` | `shop=laundry`, `shop=dry_cleaning` | basic | 8 min | everyone | MOFCOM guide: laundry within 8 min |
//! | `parcel` | `amenity=post_office`, `amenity=parcel_locker` | basic | 10 min | everyone | MOFCOM basic class (post/parcel); 2023–25 action plan: basic services within 5–10 min |
//! | `supermarket` | `shop=supermarket` | basic | 15 min | everyone | MOFCOM guide: large supermarket within 15 min |
//! | `repair` | `shop=repair`, `shop=shoe_repair`, `shop=bicycle` | basic | 15 min | everyone | MOFCOM guide: repair within 15 min |
//! | `elderly_canteen` | none (see below) | quality | 10 min | 60+ | GB 50180-2018: community canteen at the 5-min level; 2023–25 action plan: within 5–10 min; MOFCOM quality class (elderly care) |
//! | `elderly_care` | `amenity=social_facility` + `social_facility:for=senior` | quality | 10 min | 60+ | GB 50180-2018: elderly day-care centre at the 5-min level; MOFCOM quality class |
//! | `health_station` | `amenity=doctors`, `healthcare=doctor`, `amenity=clinic`, `healthcare=clinic` | quality | 10 min | everyone | GB 50180-2018: health station at the 5-min level; MOFCOM quality class (health) |
//! | `clinic` | `amenity=clinic`, `healthcare=clinic`, `healthcare=centre` | quality | 15 min | everyone | GB 50180-2018: community health service centre at the 15-min level |
//! | `kindergarten` | `amenity=kindergarten` | quality | 5 min | under 6 | GB 50180-2018: kindergarten at the 5-min level (≈ 300 m) |
//! | `fitness` | `leisure=fitness_centre`, `leisure=fitness_station`, `leisure=sports_centre` | quality | 15 min | everyone | MOFCOM guide: leisure/fitness within 15 min |
//!
//! OpenStreetMap has no established tag for a community canteen for the
//! elderly, so `elderly_canteen` matches nothing there: give existing canteens
//! in a facilities table (see [`crate::scenario`]). No default has a capacity;
//! set one per service where it matters (the seed article's 1-yuan barber serves
//! about 150 residents a month).
//!
//! Walking limits are policy targets in minutes; the walking speeds that turn
//! them into metres are separate parameters (1.1 m/s for adults, slower for
//! residents aged 60+, see [`crate::scenario`]).
//!
//! # Catalogue files
//! TOML (or JSON with the same keys), one `[[service]]` table per category:
//! ```toml
//! [[service]]
//! key = "elderly_canteen"
//! name = "elderly canteen"
//! class = "quality"            # or "basic"
//! walking_limit_min = 10
//! serves = "aged_60_plus"      # "everyone", "under_6", or a mix: { everyone = 1, aged_60_plus = 1 }
//! capacity = 200               # optional: residents one facility serves
//! osm_tags = ["amenity=social_facility&social_facility=outreach"]  # `&` joins tags that must all match
//! ```

use std::path::Path;

use crate::demand::DemandWeights;
use crate::error::{Error, Result};
use crate::network::Poi;

/// Whether a service is basic (基本保障类) or quality (品质提升类) in the MOFCOM guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceClass {
    /// Basic: needed within 5–10 minutes.
    Basic,
    /// Quality: within 15 minutes.
    Quality,
}

impl std::fmt::Display for ServiceClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServiceClass::Basic => "basic",
            ServiceClass::Quality => "quality",
        })
    }
}

/// One service category.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Short key used in scenario files and reports (`pharmacy`).
    pub key: String,
    /// Human-readable name.
    pub name: String,
    /// Basic or quality.
    pub class: ServiceClass,
    /// Walking limit in minutes.
    pub walking_limit_min: f64,
    /// Who needs it (default: everyone).
    #[serde(default)]
    pub serves: DemandWeights,
    /// Residents one facility can serve (`None`: no limit).
    #[serde(default)]
    pub capacity: Option<f64>,
    /// OSM tags that mark an existing facility: any entry may match, and an
    /// entry `k=v&k2=v2` needs all its tags (`k=*` matches any value).
    #[serde(default)]
    pub osm_tags: Vec<String>,
}

impl Service {
    /// Whether a POI is a facility of this service.
    ///
    /// ```
    /// use lifecircle::services::Catalogue;
    /// use lifecircle::network::Poi;
    /// let poi = |tags: &[(&str, &str)]| Poi { osm_id: 1, is_way: false, lon: 0.0, lat: 0.0,
    ///     tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() };
    /// let catalogue = Catalogue::default();
    /// let pharmacy = poi(&[("amenity", "pharmacy")]);
    /// assert!(catalogue.get("pharmacy").unwrap().matches(&pharmacy));
    /// assert!(!catalogue.get("clinic").unwrap().matches(&pharmacy));
    /// // Elderly care needs both tags.
    /// let care = catalogue.get("elderly_care").unwrap();
    /// assert!(!care.matches(&poi(&[("amenity", "social_facility")])));
    /// assert!(care.matches(&poi(&[("amenity", "social_facility"), ("social_facility:for", "senior")])));
    /// ```
    pub fn matches(&self, poi: &Poi) -> bool {
        self.osm_tags.iter().any(|entry| {
            entry.split('&').all(|t| {
                let (k, v) = t.split_once('=').unwrap_or((t, "*"));
                poi.tag(k.trim())
                    .is_some_and(|pv| v == "*" || pv == v.trim())
            })
        })
    }

    /// Checks the limit, the capacity, the weights and the tag syntax.
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming the service and the field.
    pub fn validate(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::record("service catalogue", &self.key, msg));
        if self.key.trim().is_empty() {
            return Err(Error::record("service catalogue", &self.name, "empty key"));
        }
        if !(self.walking_limit_min.is_finite() && self.walking_limit_min > 0.0) {
            return bad(format!(
                "walking_limit_min must be > 0, got {}",
                self.walking_limit_min
            ));
        }
        if let Some(c) = self.capacity {
            if !(c.is_finite() && c > 0.0) {
                return bad(format!("capacity must be > 0, got {c}"));
            }
        }
        self.serves
            .validate()
            .or_else(|m| bad(format!("serves: {m}")))?;
        for entry in &self.osm_tags {
            if entry.split('&').any(|t| {
                t.split_once('=')
                    .is_none_or(|(k, v)| k.trim().is_empty() || v.trim().is_empty())
            }) {
                return bad(format!("OSM tag {entry:?} is not key=value(&key=value…)"));
            }
        }
        Ok(())
    }
}

/// The list of service categories a plan works with.
///
/// ```
/// use lifecircle::services::{Catalogue, ServiceClass};
/// let c = Catalogue::default();
/// let canteen = c.get("elderly_canteen").unwrap();
/// assert_eq!(canteen.class, ServiceClass::Quality);
/// assert_eq!(canteen.serves.aged_60_plus, 1.0);
/// assert!(c.get("cinema").unwrap_err().to_string().contains("unknown service \"cinema\""));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// The services, in report order.
    #[serde(rename = "service")]
    pub services: Vec<Service>,
}

impl Default for Catalogue {
    /// The built-in catalogue (see the module docs for sources).
    fn default() -> Self {
        use ServiceClass::{Basic, Quality};
        let everyone = DemandWeights::everyone();
        let s = |key: &str, name: &str, class, limit, serves, tags: &[&str]| Service {
            key: key.into(),
            name: name.into(),
            class,
            walking_limit_min: limit,
            serves,
            capacity: None,
            osm_tags: tags.iter().map(|t| t.to_string()).collect(),
        };
        let services = vec![
            s(
                "convenience",
                "convenience store",
                Basic,
                5.0,
                everyone,
                &["shop=convenience"],
            ),
            s(
                "pharmacy",
                "pharmacy",
                Basic,
                8.0,
                everyone,
                &["amenity=pharmacy", "healthcare=pharmacy", "shop=chemist"],
            ),
            s(
                "barber",
                "barber / beauty",
                Basic,
                8.0,
                everyone,
                &["shop=hairdresser", "shop=beauty"],
            ),
            s(
                "vegetable_market",
                "vegetable market",
                Basic,
                8.0,
                everyone,
                &["amenity=marketplace", "shop=greengrocer"],
            ),
            s(
                "laundry",
                "laundry",
                Basic,
                8.0,
                everyone,
                &["shop=laundry", "shop=dry_cleaning"],
            ),
            s(
                "parcel",
                "post / parcel point",
                Basic,
                10.0,
                everyone,
                &["amenity=post_office", "amenity=parcel_locker"],
            ),
            s(
                "supermarket",
                "supermarket",
                Basic,
                15.0,
                everyone,
                &["shop=supermarket"],
            ),
            s(
                "repair",
                "repair",
                Basic,
                15.0,
                everyone,
                &["shop=repair", "shop=shoe_repair", "shop=bicycle"],
            ),
            s(
                "elderly_canteen",
                "elderly canteen",
                Quality,
                10.0,
                DemandWeights::aged_60_plus(),
                &[],
            ),
            s(
                "elderly_care",
                "elderly day care",
                Quality,
                10.0,
                DemandWeights::aged_60_plus(),
                &["amenity=social_facility&social_facility:for=senior"],
            ),
            s(
                "health_station",
                "health station",
                Quality,
                10.0,
                everyone,
                &[
                    "amenity=doctors",
                    "healthcare=doctor",
                    "amenity=clinic",
                    "healthcare=clinic",
                ],
            ),
            s(
                "clinic",
                "community health centre",
                Quality,
                15.0,
                everyone,
                &["amenity=clinic", "healthcare=clinic", "healthcare=centre"],
            ),
            s(
                "kindergarten",
                "kindergarten",
                Quality,
                5.0,
                DemandWeights::under_6(),
                &["amenity=kindergarten"],
            ),
            s(
                "fitness",
                "fitness",
                Quality,
                15.0,
                everyone,
                &[
                    "leisure=fitness_centre",
                    "leisure=fitness_station",
                    "leisure=sports_centre",
                ],
            ),
        ];
        Catalogue { services }
    }
}

impl Catalogue {
    /// Reads a catalogue file (TOML, or JSON by the `.json` extension; format in
    /// the module docs) and validates it.
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the file, or the
    /// service and field, for malformed content, duplicate keys, a non-positive
    /// limit or capacity, negative weights or a malformed OSM tag.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = crate::tables::read_text(path)?;
        let name = path.display().to_string();
        let catalogue: Catalogue = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text)
                .map_err(|e| Error::record(&name, format!("line {}", e.line()), e.to_string()))?
        } else {
            toml::from_str(&text).map_err(|e| Error::record(&name, "toml", e.to_string()))?
        };
        catalogue.validate()?;
        Ok(catalogue)
    }

    /// Checks every service and that keys are unique and the list is not empty.
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming the offending service.
    pub fn validate(&self) -> Result<()> {
        if self.services.is_empty() {
            return Err(Error::record("service catalogue", "service", "no services"));
        }
        for (i, s) in self.services.iter().enumerate() {
            s.validate()?;
            if self.services[..i].iter().any(|o| o.key == s.key) {
                return Err(Error::record("service catalogue", &s.key, "duplicate key"));
            }
        }
        Ok(())
    }

    /// The service with this key.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] listing the known keys if `key` is unknown.
    pub fn get(&self, key: &str) -> Result<&Service> {
        self.services.iter().find(|s| s.key == key).ok_or_else(|| {
            let known: Vec<&str> = self.services.iter().map(|s| s.key.as_str()).collect();
            Error::param(
                "service",
                format!("unknown service {key:?}; known: {}", known.join(", ")),
            )
        })
    }

    /// Number of services of a class.
    pub fn count(&self, class: ServiceClass) -> usize {
        self.services.iter().filter(|s| s.class == class).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::temp_file;

    #[test]
    fn default_catalogue_is_valid_and_follows_the_policy() {
        let c = Catalogue::default();
        c.validate().unwrap();
        assert_eq!(
            c.get("kindergarten").unwrap().serves,
            DemandWeights::under_6()
        );
        assert_eq!(c.get("convenience").unwrap().walking_limit_min, 5.0);
        for s in &c.services {
            let limit = s.walking_limit_min;
            match s.class {
                ServiceClass::Basic => assert!(limit <= 15.0, "{}", s.key),
                ServiceClass::Quality => assert!(limit <= 15.0, "{}", s.key),
            }
        }
    }

    #[test]
    fn catalogue_file_with_mix_and_capacity() {
        let f = temp_file(
            ".toml",
            r#"
[[service]]
key = "barber"
name = "1-yuan barber"
class = "basic"
walking_limit_min = 8
serves = { aged_60_plus = 1, under_6 = 1 }
capacity = 150
osm_tags = ["shop=hairdresser"]

[[service]]
key = "canteen"
name = "elderly canteen"
class = "quality"
walking_limit_min = 10
serves = "aged_60_plus"
"#,
        );
        let c = Catalogue::from_file(f.path()).unwrap();
        let barber = c.get("barber").unwrap();
        assert_eq!(barber.capacity, Some(150.0));
        assert_eq!(
            (
                barber.serves.everyone,
                barber.serves.aged_60_plus,
                barber.serves.under_6
            ),
            (0.0, 1.0, 1.0)
        );
        assert_eq!(
            c.get("canteen").unwrap().serves,
            DemandWeights::aged_60_plus()
        );
        assert_eq!(c.count(ServiceClass::Quality), 1);
    }

    #[test]
    fn bad_catalogues_name_the_service() {
        let base =
            "[[service]]\nkey = \"x\"\nname = \"x\"\nclass = \"basic\"\nwalking_limit_min = 5\n";
        let err = |extra: &str| {
            Catalogue::from_file(temp_file(".toml", &format!("{base}{extra}")).path())
                .unwrap_err()
                .to_string()
        };
        assert!(err("capacity = -3\n").contains("record x: capacity must be > 0, got -3"));
        assert!(err("serves = \"teenagers\"\n").contains("toml"));
        assert!(err("serves = { aged_60_plus = -1 }\n").contains("record x: serves"));
        assert!(err("osm_tags = [\"shop\"]\n").contains("not key=value"));
        assert!(err("colour = \"red\"\n").contains("unknown field"));
        assert!(err(&format!("\n{base}")).contains("duplicate key"));
        let json = temp_file(
            ".json",
            r#"{"service": [{"key": "x", "name": "x", "class": "basic", "walking_limit_min": 0}]}"#,
        );
        assert!(Catalogue::from_file(json.path())
            .unwrap_err()
            .to_string()
            .contains("walking_limit_min must be > 0"));
    }
}
