//! The street grid and footpaths: intersections, which local streets go,
//! two diagonal avenues, and how each block reaches the streets.

use petgraph::unionfind::UnionFind;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{index, shuffle, uniform, DistrictParams};

/// A street or footpath segment between two nodes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Edge {
    /// Node id at one end.
    pub source: i64,
    /// Node id at the other end.
    pub target: i64,
    /// Length in metres.
    pub length_m: f64,
}

/// Points in metres east and north of the origin, with the edges between them.
#[derive(Default)]
pub(super) struct Graph {
    pub(super) xy: Vec<[f64; 2]>,
    pub(super) edges: Vec<Edge>,
}

impl Graph {
    /// Adds a node; ids start at 1.
    pub(super) fn node(&mut self, p: [f64; 2]) -> i64 {
        self.xy.push(p);
        self.xy.len() as i64
    }

    pub(super) fn at(&self, id: i64) -> [f64; 2] {
        self.xy[(id - 1) as usize]
    }

    pub(super) fn edge(&mut self, a: i64, b: i64) {
        let (p, q) = (self.at(a), self.at(b));
        let length_m = (p[0] - q[0]).hypot(p[1] - q[1]);
        self.edges.push(Edge {
            source: a,
            target: b,
            length_m,
        });
    }

    /// A straight path from `a` to `b` in `parts` edges; returns its nodes, ends included.
    fn path(&mut self, a: i64, b: i64, parts: usize) -> Vec<i64> {
        let (p, q) = (self.at(a), self.at(b));
        let mut ids = vec![a];
        for k in 1..parts {
            let t = k as f64 / parts as f64;
            ids.push(self.node(lerp(p, q, t)));
        }
        ids.push(b);
        for w in ids.windows(2) {
            self.edge(w[0], w[1]);
        }
        ids
    }
}

pub(super) fn lerp(p: [f64; 2], q: [f64; 2], t: f64) -> [f64; 2] {
    [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t]
}

/// Street segments of the block grid: horizontal ones first, then vertical.
pub(super) struct Grid {
    pub(super) nx: usize,
    pub(super) ny: usize,
}

impl Grid {
    pub(super) fn intersection(&self, i: usize, j: usize) -> usize {
        j * (self.nx + 1) + i
    }
    fn n_horizontal(&self) -> usize {
        self.nx * (self.ny + 1)
    }
    pub(super) fn n_segments(&self) -> usize {
        self.n_horizontal() + (self.nx + 1) * self.ny
    }
    /// From (i, j) to (i + 1, j).
    fn horizontal(&self, i: usize, j: usize) -> usize {
        j * self.nx + i
    }
    /// From (i, j) to (i, j + 1).
    fn vertical(&self, i: usize, j: usize) -> usize {
        self.n_horizontal() + j * (self.nx + 1) + i
    }
    /// The intersections a segment joins.
    pub(super) fn ends(&self, s: usize) -> (usize, usize) {
        if s < self.n_horizontal() {
            let (j, i) = (s / self.nx, s % self.nx);
            (self.intersection(i, j), self.intersection(i + 1, j))
        } else {
            let s = s - self.n_horizontal();
            let (j, i) = (s / (self.nx + 1), s % (self.nx + 1));
            (self.intersection(i, j), self.intersection(i, j + 1))
        }
    }
    /// Whether a segment runs along an arterial (every fourth grid line).
    pub(super) fn arterial(&self, s: usize) -> bool {
        if s < self.n_horizontal() {
            (s / self.nx).is_multiple_of(4)
        } else {
            ((s - self.n_horizontal()) % (self.nx + 1)).is_multiple_of(4)
        }
    }
    /// Sides of block (i, j): south, north, west, east.
    fn sides(&self, i: usize, j: usize) -> [usize; 4] {
        [
            self.horizontal(i, j),
            self.horizontal(i, j + 1),
            self.vertical(i, j),
            self.vertical(i + 1, j),
        ]
    }
    /// The blocks on either side of a segment.
    pub(super) fn blocks_of(&self, s: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(2);
        if s < self.n_horizontal() {
            let (j, i) = (s / self.nx, s % self.nx);
            if j > 0 {
                out.push((j - 1) * self.nx + i);
            }
            if j < self.ny {
                out.push(j * self.nx + i);
            }
        } else {
            let s = s - self.n_horizontal();
            let (j, i) = (s / (self.nx + 1), s % (self.nx + 1));
            if i > 0 {
                out.push(j * self.nx + i - 1);
            }
            if i < self.nx {
                out.push(j * self.nx + i);
            }
        }
        out
    }
}

/// How a block's buildings reach the streets.
#[derive(Clone)]
pub(super) enum Paths {
    /// Footpaths from the west street to the east one (`across_u == false`)
    /// or from south to north; the node ids of each, in order.
    Lanes {
        across_u: bool,
        lanes: Vec<Vec<i64>>,
    },
    /// A diagonal street from corner to corner (`rising`: south-west to
    /// north-east, else south-east to north-west).
    Diagonal { rising: bool, nodes: Vec<i64> },
}

/// The streets and footpaths of a district, in metres east and north of its
/// origin.
pub(super) struct Streets {
    pub(super) grid: Grid,
    pub(super) graph: Graph,
    /// The node of each intersection.
    pub(super) corner: Vec<i64>,
    /// Whether each street segment of the grid exists.
    pub(super) present: Vec<bool>,
    /// How each block's buildings reach the streets.
    pub(super) paths: Vec<Paths>,
    /// Each block's corners: south-west, south-east, north-west, north-east.
    pub(super) quads: Vec<[[f64; 2]; 4]>,
    /// The far (north-east) end of the grid lines.
    pub(super) extent: [f64; 2],
}

impl Streets {
    /// Lays out the grid of `p` and its streets and footpaths.
    pub(super) fn lay_out(p: &DistrictParams, rng: &mut ChaCha8Rng) -> Self {
        let (nx, ny) = p.grid();
        let grid = Grid { nx, ny };
        let b = p.block_m;

        // Intersections: varying column widths and row heights, jittered corners.
        let mut lines = |n: usize| -> Vec<f64> {
            let mut at = vec![0.0];
            for _ in 0..n {
                let last = at[at.len() - 1];
                at.push(last + uniform(rng, 0.75, 1.25) * b);
            }
            at
        };
        let (xs, ys) = (lines(nx), lines(ny));
        let mut g = Graph::default();
        let mut corner = Vec::with_capacity((nx + 1) * (ny + 1));
        for y in &ys {
            for x in &xs {
                let jx = uniform(rng, -0.1, 0.1) * b;
                let jy = uniform(rng, -0.1, 0.1) * b;
                corner.push(g.node([x + jx, y + jy]));
            }
        }

        // Which street segments exist: a random spanning tree is kept, so every
        // intersection stays reachable; other local streets may go.
        let n_seg = grid.n_segments();
        let mut order: Vec<usize> = (0..n_seg).collect();
        shuffle(rng, &mut order);
        let mut tree = vec![false; n_seg];
        let mut uf = UnionFind::<usize>::new(corner.len());
        for &s in &order {
            let (a, c) = grid.ends(s);
            tree[s] = uf.union(a, c);
        }
        let mut present = vec![true; n_seg];
        let mut sides_left = vec![4usize; nx * ny];
        for &s in &order {
            let removable = !tree[s]
                && !grid.arterial(s)
                && grid.blocks_of(s).iter().all(|&k| sides_left[k] == 4);
            if removable && rng.random::<f64>() < p.street_removal {
                present[s] = false;
                for k in grid.blocks_of(s) {
                    sides_left[k] -= 1;
                }
            }
        }

        // Street nodes: every segment cut into a multiple of (lanes + 1) parts,
        // so that the footpaths of the blocks on both sides meet street nodes.
        let k1 = p.lanes + 1;
        let parts = |len: f64, multiple: usize| -> usize {
            multiple * ((len / (multiple as f64 * p.node_spacing_m)).round() as usize).max(1)
        };
        let mut street: Vec<Vec<i64>> = vec![Vec::new(); n_seg];
        for s in (0..n_seg).filter(|&s| present[s]) {
            let (a, c) = grid.ends(s);
            let (pa, pc) = (g.at(corner[a]), g.at(corner[c]));
            let len = (pa[0] - pc[0]).hypot(pa[1] - pc[1]);
            street[s] = g.path(corner[a], corner[c], parts(len, k1));
        }
        // Two diagonal avenues, each through a run of blocks, corner to corner.
        let mut diagonal: Vec<Option<bool>> = vec![None; nx * ny];
        if nx >= 3 && ny >= 3 {
            for rising in [true, false] {
                let (mut i, mut j) = (index(rng, nx), index(rng, ny / 2));
                while i < nx && j < ny {
                    diagonal[j * nx + i].get_or_insert(rising);
                    j += 1;
                    match (rising, i) {
                        (true, _) => i += 1,
                        (false, 0) => break,
                        (false, _) => i -= 1,
                    }
                }
            }
        }

        // Footpaths (or the diagonal) of each block.
        let mut paths: Vec<Paths> = Vec::with_capacity(nx * ny);
        let mut quads: Vec<[[f64; 2]; 4]> = Vec::with_capacity(nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                let c = |di: usize, dj: usize| corner[grid.intersection(i + di, j + dj)];
                let (c00, c10, c01, c11) = (c(0, 0), c(1, 0), c(0, 1), c(1, 1));
                let quad = [g.at(c00), g.at(c10), g.at(c01), g.at(c11)];
                quads.push(quad);
                if let Some(rising) = diagonal[j * nx + i] {
                    let (a, z) = if rising { (c00, c11) } else { (c10, c01) };
                    let (pa, pz) = (g.at(a), g.at(z));
                    let n = parts((pa[0] - pz[0]).hypot(pa[1] - pz[1]), 1);
                    paths.push(Paths::Diagonal {
                        rising,
                        nodes: g.path(a, z, n),
                    });
                    continue;
                }
                let [south, north, west, east] = grid.sides(i, j);
                let west_east = present[west] && present[east];
                let south_north = present[south] && present[north];
                // At most one side is missing, so one direction always has both ends.
                let across_u = match (west_east, south_north) {
                    (true, true) => rng.random::<bool>(),
                    (w, _) => !w,
                };
                let (from, to) = if across_u {
                    (south, north)
                } else {
                    (west, east)
                };
                let lanes = (1..k1)
                    .map(|t| {
                        let at = |s: usize| street[s][t * (street[s].len() - 1) / k1];
                        let (a, z) = (at(from), at(to));
                        let (pa, pz) = (g.at(a), g.at(z));
                        let n = parts((pa[0] - pz[0]).hypot(pa[1] - pz[1]), 1);
                        g.path(a, z, n)
                    })
                    .collect();
                paths.push(Paths::Lanes { across_u, lanes });
            }
        }
        Self {
            grid,
            graph: g,
            corner,
            present,
            paths,
            quads,
            extent: [xs[nx], ys[ny]],
        }
    }
}
