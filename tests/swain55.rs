//! Maximal coverage and set covering on the Swain 55-node data set
//! (straight-line distances, population 640), against published values: the
//! foundation issue's table, which agrees with the source repository's Gurobi
//! table (`source_repo_table1_gurobi.csv`) and with spopt 0.8 + HiGHS.

use lifecircle::model::{CostMatrix, CoverageSets, MaxCoverage, SetCover};
use lifecircle::solve::{SolveOptions, SolveStatus};

fn swain() -> (Vec<(f64, f64)>, Vec<f64>) {
    let text = include_str!("data/swain55_nodes.csv");
    let mut xy = Vec::new();
    let mut pop = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<f64> = line.split(',').map(|v| v.trim().parse().unwrap()).collect();
        xy.push((f[1], f[2]));
        pop.push(f[3]);
    }
    (xy, pop)
}

fn coverage(radius: f64) -> (CoverageSets, Vec<f64>) {
    let (xy, pop) = swain();
    let costs: Vec<Vec<f64>> = xy
        .iter()
        .map(|a| {
            xy.iter()
                .map(|b| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt())
                .collect()
        })
        .collect();
    (
        CoverageSets::within(&CostMatrix::from_rows(costs).unwrap(), radius).unwrap(),
        pop,
    )
}

#[test]
fn data_is_the_640_population_set() {
    let (xy, pop) = swain();
    assert_eq!(xy.len(), 55);
    assert_eq!(pop.iter().sum::<f64>(), 640.0);
}

#[test]
fn mclp_matches_published_coverage() {
    for (radius, p, expected) in [
        (10.0, 1, 425.0),
        (10.0, 3, 548.0),
        (10.0, 5, 609.0),
        (15.0, 1, 515.0),
        (15.0, 3, 625.0),
        (20.0, 2, 631.0),
        (20.0, 3, 640.0),
    ] {
        let (cov, pop) = coverage(radius);
        let sol = MaxCoverage::new(cov.clone(), pop.clone())
            .unwrap()
            .new_sites(p)
            .unwrap()
            .solve(&SolveOptions::new())
            .unwrap();
        assert_eq!(sol.objective, expected, "S={radius} p={p}");
        assert_eq!(sol.status, SolveStatus::Optimal);
        assert_eq!(sol.gap, 0.0);
        assert!(sol.sites.len() <= p);
        assert_eq!(cov.covered_weight(&sol.sites, &pop), expected);
    }
}

#[test]
fn lscp_matches_published_minimum_site_counts() {
    for (radius, expected) in [(10.0, 9.0), (15.0, 5.0), (20.0, 3.0)] {
        let (cov, pop) = coverage(radius);
        let sol = SetCover::new(cov.clone())
            .solve(&SolveOptions::new())
            .unwrap();
        assert_eq!(sol.objective, expected, "S={radius}");
        assert_eq!(sol.status, SolveStatus::Optimal);
        assert_eq!(cov.covered_weight(&sol.sites, &pop), 640.0);
    }
}
