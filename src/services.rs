//! Stage 3 (second part): the catalogue of daily services, how to recognise
//! existing ones in OpenStreetMap, and how far residents should have to walk.
//!
//! # Defaults and their sources
//! | key | OSM tags | class | limit | source |
//! |---|---|---|---|---|
//! | `convenience` | `shop=convenience` | basic | 5 min | MOFCOM *城市一刻钟便民生活圈建设指南* (2021) time ladder: convenience store within 5 min |
//! | `pharmacy` | `amenity=pharmacy`, `healthcare=pharmacy`, `shop=chemist` | basic | 8 min | MOFCOM guide: pharmacy within 8 min |
//! | `barber` | `shop=hairdresser`, `shop=beauty` | basic | 8 min | MOFCOM guide: barber/beauty within 8 min |
//! | `vegetable_market` | `amenity=marketplace`, `shop=greengrocer` | basic | 8 min | MOFCOM guide: farmers' market within 8 min; GB 50180-2018 puts it at the 10-min level |
//! | `laundry` | `shop=laundry`, `shop=dry_cleaning` | basic | 8 min | MOFCOM guide: laundry within 8 min |
//! | `supermarket` | `shop=supermarket` | basic | 15 min | MOFCOM guide: large supermarket within 15 min |
//! | `repair` | `shop=repair`, `shop=shoe_repair`, `shop=bicycle` | basic | 15 min | MOFCOM guide: repair within 15 min |
//! | `clinic` | `amenity=clinic`, `amenity=doctors`, `healthcare=clinic`, `healthcare=doctor` | quality | 15 min | GB 50180-2018: community health service centre at the 15-min level |
//! | `kindergarten` | `amenity=kindergarten` | quality | 5 min | GB 50180-2018: kindergarten at the 5-min level |
//! | `elderly_care` | `amenity=social_facility` | quality | 10 min | 2023–25 action plan: basic services within 5–10 min; GB 50180 puts elderly day care at the 5-min level |
//!
//! Walking limits are policy targets in minutes; the walking speed that turns
//! them into metres is a separate parameter (1.1 m/s by default, the upper end
//! of the 800–1,000 m per 15 minutes of GB 50180).

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

/// One service category.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Service {
    /// Short key used in scenario files and reports (`pharmacy`).
    pub key: String,
    /// Human-readable name.
    pub name: String,
    /// Basic or quality.
    pub class: ServiceClass,
    /// Walking limit in minutes.
    pub walking_limit_min: f64,
    /// OSM tags (`key=value`) that mark an existing facility of this kind.
    pub osm_tags: Vec<String>,
}

impl Service {
    /// Whether a POI is a facility of this service.
    ///
    /// ```
    /// use lifecircle::services::service;
    /// use lifecircle::network::Poi;
    /// let poi = Poi { osm_id: 1, is_way: false, lon: 0.0, lat: 0.0,
    ///                 tags: vec![("amenity".into(), "pharmacy".into())] };
    /// assert!(service("pharmacy").unwrap().matches(&poi));
    /// assert!(!service("clinic").unwrap().matches(&poi));
    /// ```
    pub fn matches(&self, poi: &Poi) -> bool {
        self.osm_tags.iter().any(|t| {
            let (k, v) = t.split_once('=').unwrap_or((t, "*"));
            poi.tag(k).is_some_and(|pv| v == "*" || pv == v)
        })
    }
}

/// The built-in catalogue (see the module docs for sources).
pub fn default_catalogue() -> Vec<Service> {
    use ServiceClass::{Basic, Quality};
    let s = |key: &str, name: &str, class, limit, tags: &[&str]| Service {
        key: key.into(),
        name: name.into(),
        class,
        walking_limit_min: limit,
        osm_tags: tags.iter().map(|t| t.to_string()).collect(),
    };
    vec![
        s(
            "convenience",
            "convenience store",
            Basic,
            5.0,
            &["shop=convenience"],
        ),
        s(
            "pharmacy",
            "pharmacy",
            Basic,
            8.0,
            &["amenity=pharmacy", "healthcare=pharmacy", "shop=chemist"],
        ),
        s(
            "barber",
            "barber / beauty",
            Basic,
            8.0,
            &["shop=hairdresser", "shop=beauty"],
        ),
        s(
            "vegetable_market",
            "vegetable market",
            Basic,
            8.0,
            &["amenity=marketplace", "shop=greengrocer"],
        ),
        s(
            "laundry",
            "laundry",
            Basic,
            8.0,
            &["shop=laundry", "shop=dry_cleaning"],
        ),
        s(
            "supermarket",
            "supermarket",
            Basic,
            15.0,
            &["shop=supermarket"],
        ),
        s(
            "repair",
            "repair",
            Basic,
            15.0,
            &["shop=repair", "shop=shoe_repair", "shop=bicycle"],
        ),
        s(
            "clinic",
            "clinic / doctor",
            Quality,
            15.0,
            &[
                "amenity=clinic",
                "amenity=doctors",
                "healthcare=clinic",
                "healthcare=doctor",
            ],
        ),
        s(
            "kindergarten",
            "kindergarten",
            Quality,
            5.0,
            &["amenity=kindergarten"],
        ),
        s(
            "elderly_care",
            "elderly care",
            Quality,
            10.0,
            &["amenity=social_facility"],
        ),
    ]
}

/// A service of the built-in catalogue by key.
///
/// # Errors
/// [`Error::InvalidParameter`] listing the known keys if `key` is unknown.
pub fn service(key: &str) -> Result<Service> {
    let all = default_catalogue();
    let known: Vec<String> = all.iter().map(|s| s.key.clone()).collect();
    all.into_iter().find(|s| s.key == key).ok_or_else(|| {
        Error::param(
            "service",
            format!("unknown service {key:?}; known: {}", known.join(", ")),
        )
    })
}
