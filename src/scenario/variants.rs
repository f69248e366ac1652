//! Plan variants of one scenario file. A scenario file may list variants —
//! "3 canteens vs 5", "budget A vs B", "elderly first vs everyone equal" — and
//! every variant is solved and summarised side by side.
//!
//! # Variants in a scenario file
//! Next to the scenario's own keys (the base), `[[variant]]` tables override
//! keys of the base (tables are merged key by key), and a `[grid]` table gives
//! values for dotted keys, every combination making a variant (keys vary in
//! file order, the last fastest). With both, each
//! listed variant is combined with every grid point; with neither, the base is
//! the only variant. Paths in overrides are relative to the scenario file.
//!
//! Tables merge, so a variant's `plan = { new_sites = { supermarket = 1 } }`
//! adds a supermarket to the base's `[plan].new_sites` and keeps its other
//! services: a variant cannot drop a service the base plans (list services
//! that differ between variants in the variants, not in the base).
//!
//! ```toml
//! osm = "helsinki.osm.pbf"
//! population = "population_grid_2020.csv"
//! aging_ratio = 0.1471
//! [plan]
//! new_sites = { elderly_canteen = 2 }
//!
//! [[variant]]
//! name = "everyone equal"
//! [[variant]]
//! name = "elderly first"
//! plan = { elderly_weight = 2.0 }
//!
//! [grid]
//! "plan.new_sites.elderly_canteen" = [2, 4]
//! ```
//! gives four variants: `everyone equal, plan.new_sites.elderly_canteen=2`, ….
//!
//! # How many, and what fails
//! The variants are counted (listed variants times the product of the grid's
//! list sizes) before any is built, and more than [`MAX_VARIANTS`] are
//! refused unless the file says `max_variants = N` (a top-level key) or the
//! caller allows more. [`Comparison::variant`] builds one variant from its
//! index and [`Comparison::run`] hands each outcome on as it is ready, so
//! memory does not grow with the number of variants. A variant that fails
//! (infeasible, a budget below the cheapest site, a missing or corrupt input
//! file) is an outcome with its error; the others still run. The outcomes
//! ([`VariantOutcome`]) and the rows of the table comparing them
//! ([`comparison_rows`](crate::outcome::comparison_rows)) are plain data in
//! [`crate::outcome`].
//!
//! Variants that differ only in their `[plan]` share one reading of the
//! network, residents and facilities and one set of walking distances. The
//! distances are searched as far as the variant walking farthest needs; each
//! variant cuts them back to its own search, so that it reports exactly what
//! `lifecircle plan` gives on it alone.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::outcome::{VariantOutcome, VariantResult};

use super::{read_scenario_table, Scenario};

/// Variants a file may expand to unless the file (`max_variants = N`) or the
/// caller ([`Comparison::from_file`]'s `max_variants`, `--max-variants`,
/// Python's `sweep(max_variants=)`) allows more. Each variant is a whole
/// plan (1,000 variants of the Helsinki demo take about 100 s), and a `[grid]`
/// multiplies quickly: 8 keys of 10 values are 10^8 variants.
pub const MAX_VARIANTS: usize = 1000;

/// One variant: its name and the full scenario it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Name (given, or made from the grid values).
    pub name: String,
    /// The scenario with the variant's overrides applied.
    pub scenario: Scenario,
}

/// The variants of a scenario file, counted but not built: [`Comparison::variant`]
/// builds one from its index, so memory does not grow with their number.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    source: String,
    base: toml::Table,
    dir: PathBuf,
    /// `[[variant]]` tables with their names; one `None` without any.
    listed: Vec<Option<(String, toml::Table)>>,
    /// `[grid]` keys and their values, in file order.
    grid: Vec<(String, Vec<toml::Value>)>,
    /// Grid points: the product of the grid's list sizes.
    points: usize,
}

impl Comparison {
    /// Reads a scenario file and counts its variants (format in the module
    /// docs); refuses more than `max_variants`, else the file's
    /// `max_variants` key, else [`MAX_VARIANTS`]. Every variant is then built
    /// once and dropped, so that a malformed combination or two variants of
    /// one name are found before anything is solved.
    ///
    /// # Errors
    /// [`Error::Io`] if unreadable; [`Error::BadRecord`] naming the variant for a
    /// malformed `[[variant]]` or `[grid]` entry, an empty `variant` list, a
    /// key the scenario rejects, a repeated name, or more variants than allowed
    /// (with their count and how to allow them).
    pub fn from_file(path: impl AsRef<Path>, max_variants: Option<usize>) -> Result<Self> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let (mut base, dir) = read_scenario_table(path)?;
        let file_cap = match base.remove("max_variants") {
            None => None,
            Some(toml::Value::Integer(n)) if n >= 1 => {
                Some(usize::try_from(n).unwrap_or(usize::MAX))
            }
            Some(other) => {
                return Err(Error::record(
                    &source,
                    "max_variants",
                    format!("must be an integer >= 1, got {other}"),
                ))
            }
        };
        let listed = match base.remove("variant") {
            None => vec![None],
            Some(toml::Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(k, v)| match v {
                    toml::Value::Table(mut t) => {
                        let name = match t.remove("name") {
                            Some(toml::Value::String(n)) => n,
                            None => format!("variant {}", k + 1),
                            Some(other) => {
                                return Err(Error::record(
                                    &source,
                                    format!("variant {}", k + 1),
                                    format!("name must be a string, got {other}"),
                                ))
                            }
                        };
                        Ok(Some((name, t)))
                    }
                    other => Err(Error::record(
                        &source,
                        format!("variant {}", k + 1),
                        format!("must be a table, got {other}"),
                    )),
                })
                .collect::<Result<Vec<_>>>()?,
            Some(other) => {
                return Err(Error::record(
                    &source,
                    "variant",
                    format!("must be an array of tables ([[variant]]), got {other}"),
                ))
            }
        };
        if listed.is_empty() {
            return Err(Error::record(
                &source,
                "variant",
                "the list is empty: give [[variant]] tables, or no `variant` key to compare the base alone",
            ));
        }
        let grid = grid_lists(&source, base.remove("grid"))?;
        let sizes: Vec<String> = std::iter::once(listed.len())
            .chain(grid.iter().map(|(_, v)| v.len()))
            .map(|n| n.to_string())
            .collect();
        let cap = max_variants.or(file_cap).unwrap_or(MAX_VARIANTS);
        let too_many = |count: String| {
            Error::record(
                &source,
                "grid",
                format!(
                    "{count} variants ({} listed x grid lists of {}) exceed the limit of {cap}: each is a whole plan; \
                     to run them all, raise max_variants (a key of the file, --max-variants, sweep(max_variants=))",
                    sizes[0],
                    if sizes.len() > 1 { sizes[1..].join(" x ") } else { "none".into() },
                ),
            )
        };
        let points = grid
            .iter()
            .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()))
            .and_then(|p| p.checked_mul(listed.len()).map(|total| (p, total)));
        let points = match points {
            Some((p, total)) if total <= cap => p,
            Some((_, total)) => return Err(too_many(total.to_string())),
            None => return Err(too_many(format!("more than {}", usize::MAX))),
        };
        let comparison = Self {
            source,
            base,
            dir,
            listed,
            grid,
            points,
        };
        let mut names = HashSet::with_capacity(comparison.count());
        for k in 0..comparison.count() {
            let name = comparison.variant(k)?.name;
            if let Some(name) = names.replace(name) {
                return Err(Error::record(
                    &comparison.source,
                    "variant",
                    format!("two variants are named {name:?}"),
                ));
            }
        }
        Ok(comparison)
    }

    /// How many variants there are (at least 1).
    pub fn count(&self) -> usize {
        self.listed.len() * self.points
    }

    /// Variant `k` (`k < count()`), in file order: listed variants in turn,
    /// each with every grid point, the last grid key varying fastest.
    ///
    /// # Errors
    /// [`Error::BadRecord`] naming the variant if its keys do not make a
    /// scenario ([`Comparison::from_file`] has built each once), or
    /// [`Error::InvalidParameter`] for `k` out of range.
    pub fn variant(&self, k: usize) -> Result<Variant> {
        if k >= self.count() {
            return Err(Error::param(
                "variant",
                format!("index {k} is out of 0..{}", self.count()),
            ));
        }
        let mut table = self.base.clone();
        let mut names = Vec::new();
        if let Some((name, overrides)) = &self.listed[k / self.points] {
            merge(&mut table, overrides.clone());
            names.push(name.clone());
        }
        // The grid point's index in mixed radix, the last key the lowest digit.
        let mut rest = k % self.points;
        let mut chosen = vec![0; self.grid.len()];
        for (slot, (_, values)) in chosen.iter_mut().zip(&self.grid).rev() {
            *slot = rest % values.len();
            rest /= values.len();
        }
        for ((key, values), &i) in self.grid.iter().zip(&chosen) {
            set_dotted(&mut table, key, values[i].clone())
                .map_err(|m| Error::record(&self.source, format!("grid key {key}"), m))?;
            names.push(format!("{key}={}", values[i]));
        }
        let name = if names.is_empty() {
            "base".to_string()
        } else {
            names.join(", ")
        };
        let scenario = Scenario::from_table(
            table,
            &self.dir,
            &format!("{}, variant {name:?}", self.source),
        )?;
        Ok(Variant { name, scenario })
    }

    /// Every variant in order, each built when it is reached.
    pub fn variants(&self) -> impl Iterator<Item = Result<Variant>> + '_ {
        (0..self.count()).map(|k| self.variant(k))
    }

    /// Solves every variant, handing each outcome to `each(k, outcome)` as
    /// it is ready (`k` its index: variants sharing inputs run together, so
    /// not always in order), and keeps none of them.
    ///
    /// A variant that fails — infeasible, a bad parameter, an input file
    /// missing or corrupt, even one the other variants share — is an outcome
    /// with its error, not the end of the run.
    ///
    /// # Errors
    /// [`Error::Interrupted`] on Ctrl-C, and whatever `each` returns.
    pub fn run(&self, mut each: impl FnMut(usize, VariantOutcome) -> Result<()>) -> Result<()> {
        // Variants whose scenarios agree outside [plan] share the prepared
        // inputs; a group keeps those inputs, the services its plans need and
        // its members' indices, never the variants themselves.
        let mut groups: Vec<(Scenario, Vec<String>, Vec<usize>)> = Vec::new();
        for k in 0..self.count() {
            let mut scenario = self.variant(k)?.scenario;
            let plan = scenario.plan.take();
            let services = plan
                .iter()
                .flat_map(|p| p.new_sites.keys().chain(&p.services).cloned());
            match groups.iter_mut().find(|(inputs, _, _)| *inputs == scenario) {
                Some((_, extra, members)) => {
                    extra.extend(services);
                    members.push(k);
                }
                None => groups.push((scenario.clone(), services.collect(), vec![k])),
            }
        }
        for (inputs, extra, members) in groups {
            // Without a plan, so that a bad plan fails its own variant only.
            let prepared = match inputs.prepare(&extra) {
                Err(Error::Interrupted) => return Err(Error::Interrupted),
                other => other.map_err(|e| e.to_string()),
            };
            for k in members {
                let v = self.variant(k)?;
                let result = match &prepared {
                    Ok(p) => match v.scenario.plan_prepared(p) {
                        Ok(plan) => VariantResult::Plan(Box::new(plan)),
                        Err(Error::Interrupted) => return Err(Error::Interrupted),
                        Err(e) => VariantResult::Error(e.to_string()),
                    },
                    Err(e) => VariantResult::Error(e.clone()),
                };
                each(
                    k,
                    VariantOutcome {
                        name: v.name,
                        result,
                    },
                )?;
            }
        }
        Ok(())
    }
}

/// The `[grid]` table's keys and value lists, in file order (none without a grid).
fn grid_lists(source: &str, grid: Option<toml::Value>) -> Result<Vec<(String, Vec<toml::Value>)>> {
    let table = match grid {
        None => return Ok(Vec::new()),
        Some(toml::Value::Table(t)) => t,
        Some(other) => {
            return Err(Error::record(
                source,
                "grid",
                format!("must be a table, got {other}"),
            ))
        }
    };
    table
        .into_iter()
        .map(|(key, values)| match values {
            toml::Value::Array(v) if !v.is_empty() => Ok((key, v)),
            other => Err(Error::record(
                source,
                format!("grid key {key}"),
                format!("needs a non-empty list of values, got {other}"),
            )),
        })
        .collect()
}

/// Merges `overrides` into `base`: tables key by key, anything else replaced.
fn merge(base: &mut toml::Table, overrides: toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Sets `a.b.c = value`, creating tables on the way.
fn set_dotted(
    table: &mut toml::Table,
    key: &str,
    value: toml::Value,
) -> std::result::Result<(), String> {
    let mut parts = key.split('.').peekable();
    let mut current = table;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            current.insert(part.to_string(), value);
            return Ok(());
        }
        let next = current
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = match next {
            toml::Value::Table(t) => t,
            other => return Err(format!("{part} is {other}, not a table")),
        };
    }
    Err("empty key".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::temp_file;

    fn all(c: &Comparison) -> Vec<Variant> {
        c.variants().collect::<Result<_>>().unwrap()
    }

    const BASE: &str =
        "osm = \"x.osm.pbf\"\npopulation = \"p.csv\"\n[plan]\nnew_sites = { pharmacy = 1 }\n";

    #[test]
    fn variants_times_grid_with_merged_tables() {
        let f = temp_file(".toml", &format!(
            "{BASE}\n[[variant]]\nname = \"equal\"\n[[variant]]\nname = \"elderly first\"\nplan = {{ elderly_weight = 2.0 }}\n[grid]\n\"plan.new_sites.pharmacy\" = [2, 4]\n"
        ));
        let c = Comparison::from_file(f.path(), None).unwrap();
        let variants = all(&c);
        let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "equal, plan.new_sites.pharmacy=2",
                "equal, plan.new_sites.pharmacy=4",
                "elderly first, plan.new_sites.pharmacy=2",
                "elderly first, plan.new_sites.pharmacy=4"
            ]
        );
        let plan = |k: usize| all(&c)[k].scenario.plan.clone().unwrap();
        assert_eq!(
            (plan(0).elderly_weight, plan(0).new_sites["pharmacy"]),
            (1.0, 2)
        );
        assert_eq!(
            (plan(3).elderly_weight, plan(3).new_sites["pharmacy"]),
            (2.0, 4)
        );
        // Paths are relative to the file.
        assert_eq!(
            all(&c)[0].scenario.population,
            f.path().parent().unwrap().join("p.csv")
        );
        // The base scenario ignores the variants.
        assert_eq!(
            Scenario::from_file(f.path())
                .unwrap()
                .plan
                .unwrap()
                .new_sites["pharmacy"],
            1
        );
    }

    #[test]
    fn a_variant_plan_adds_to_the_base_plan() {
        let f = temp_file(
            ".toml",
            &format!("{BASE}\n[[variant]]\nplan = {{ new_sites = {{ supermarket = 1 }} }}\n"),
        );
        let c = Comparison::from_file(f.path(), None).unwrap();
        let variants = all(&c);
        let sites = &variants[0].scenario.plan.as_ref().unwrap().new_sites;
        assert_eq!(
            sites.iter().collect::<Vec<_>>(),
            [
                (&"pharmacy".to_string(), &1),
                (&"supermarket".to_string(), &1)
            ]
        );
    }

    #[test]
    fn grid_keys_vary_in_file_order_the_last_fastest() {
        let f = temp_file(
            ".toml",
            &format!(
                "{BASE}\n[grid]\n\"plan.site_cost\" = [1.0, 2.0]\n\"plan.budget\" = [2.0, 4.0]\n"
            ),
        );
        let c = Comparison::from_file(f.path(), None).unwrap();
        let variants = all(&c);
        let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "plan.site_cost=1.0, plan.budget=2.0",
                "plan.site_cost=1.0, plan.budget=4.0",
                "plan.site_cost=2.0, plan.budget=2.0",
                "plan.site_cost=2.0, plan.budget=4.0"
            ]
        );
    }

    #[test]
    fn no_variants_is_the_base_and_bad_entries_are_named() {
        let c = Comparison::from_file(temp_file(".toml", BASE).path(), None).unwrap();
        assert_eq!(c.count(), 1);
        assert_eq!(all(&c)[0].name, "base");
        let err = |extra: &str| {
            Comparison::from_file(temp_file(".toml", &format!("{BASE}{extra}")).path(), None)
                .unwrap_err()
                .to_string()
        };
        assert!(err("\n[grid]\n\"plan.budget\" = []\n").contains("grid key plan.budget"));
        let e = Comparison::from_file(
            temp_file(".toml", &format!("variant = []\n{BASE}")).path(),
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("record variant: the list is empty"), "{e}");
        assert!(
            err("\n[[variant]]\nname = \"x\"\nplan = { colour = 1 }\n").contains("variant \"x\"")
        );
        assert!(err("\n[grid]\n\"osm.x\" = [1]\n").contains("not a table"));
        assert!(
            err("\n[[variant]]\nname = \"a\"\n[[variant]]\nname = \"a\"\n")
                .contains("two variants are named \"a\"")
        );
    }

    #[test]
    fn variants_are_counted_before_any_is_built_and_capped() {
        // 8 keys x 10 values: 10^8 variants, refused before building one.
        let keys: String = (0..8)
            .map(|k| format!("\"plan.capacity.k{k}\" = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"))
            .collect();
        let f = temp_file(".toml", &format!("{BASE}\n[grid]\n{keys}"));
        let e = Comparison::from_file(f.path(), None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("record grid: 100000000 variants (1 listed x grid lists of 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10) exceed the limit of 1000"),
            "{e}"
        );
        assert!(e.contains("raise max_variants"), "{e}");
        // A product beyond usize is named as such, not wrapped around.
        let keys: String = (0..20)
            .map(|k| format!("\"plan.capacity.k{k}\" = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"))
            .collect();
        let f = temp_file(".toml", &format!("{BASE}\n[grid]\n{keys}"));
        let e = Comparison::from_file(f.path(), Some(usize::MAX))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("more than {} variants", usize::MAX)),
            "{e}"
        );

        // 2 listed x 3 x 2 = 12: over a cap of 10, within the file's 12 or an argument's.
        let grid = "[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\n[grid]\n\"plan.site_cost\" = [1.0, 2.0, 3.0]\n\"plan.budget\" = [2.0, 4.0]\n";
        let f = temp_file(".toml", &format!("{BASE}\n{grid}"));
        assert!(Comparison::from_file(f.path(), Some(10)).is_err());
        assert_eq!(
            Comparison::from_file(f.path(), Some(12)).unwrap().count(),
            12
        );
        let capped = temp_file(".toml", &format!("max_variants = 12\n{BASE}\n{grid}"));
        let c = Comparison::from_file(capped.path(), None).unwrap();
        // The argument wins over the file.
        assert!(Comparison::from_file(capped.path(), Some(11)).is_err());
        // Each variant from its index equals the expansion in file order.
        let last = c.variant(11).unwrap();
        assert_eq!(last.name, "b, plan.site_cost=3.0, plan.budget=4.0");
        let plan = last.scenario.plan.unwrap();
        assert_eq!((plan.site_cost, plan.budget), (3.0, Some(4.0)));
        assert_eq!(
            c.variant(3).unwrap().name,
            "a, plan.site_cost=2.0, plan.budget=4.0"
        );
        assert!(c.variant(12).is_err());
        // The base scenario does not know the key.
        assert!(Scenario::from_file(capped.path()).is_ok());
        let bad = temp_file(".toml", &format!("max_variants = 0\n{BASE}"));
        let e = Comparison::from_file(bad.path(), None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("record max_variants: must be an integer >= 1, got 0"),
            "{e}"
        );
    }
}
