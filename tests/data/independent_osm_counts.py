"""Independent figures for tests/network_helsinki.rs, computed with other tools.

Reads the bundled PBF with libosmium (PyPI `osmium`) instead of the Rust
`osmpbf` crate, applies the walkable rule of `src/network/osm.rs` written out
again here, and measures way lengths with Karney's geodesic algorithm from
`geographiclib`. Run:

    python -m venv /tmp/v && /tmp/v/bin/pip install osmium geographiclib
    /tmp/v/bin/python tests/data/independent_osm_counts.py data/helsinki/helsinki.osm.pbf

Output on 2026-11-29 (osmium 4.x, geographiclib 2.x) is quoted in the test.
"""

import sys

import osmium
from geographiclib.geodesic import Geodesic

DENY = {
    "motorway", "motorway_link", "construction", "proposed", "planned", "abandoned",
    "disused", "razed", "platform", "raceway", "bus_guideway", "busway", "escape",
    "rest_area", "services", "no",
}
FOOT_OK = {"yes", "designated", "permissive"}


def walkable(t):
    hw = t.get("highway")
    if hw is None or hw in DENY:
        return False
    foot_ok = t.get("foot") in FOOT_OK
    if hw in ("trunk", "trunk_link", "cycleway") and not foot_ok:
        return False
    if t.get("foot") == "no" or t.get("service") == "private" or t.get("area") == "yes":
        return False
    return foot_ok or t.get("access") not in ("private", "no")


class Counter(osmium.SimpleHandler):
    def __init__(self):
        super().__init__()
        self.nodes = self.ways = self.relations = self.highway = self.walkable = 0
        self.length = 0.0

    def node(self, n):
        self.nodes += 1

    def relation(self, r):
        self.relations += 1

    def way(self, w):
        self.ways += 1
        tags = {t.k: t.v for t in w.tags}
        self.highway += "highway" in tags
        if walkable(tags):
            self.walkable += 1
            pts = [(n.lat, n.lon) for n in w.nodes if n.location.valid()]
            for (a, b), (c, d) in zip(pts, pts[1:]):
                self.length += Geodesic.WGS84.Inverse(a, b, c, d)["s12"]


c = Counter()
c.apply_file(sys.argv[1], locations=True)
print(f"nodes={c.nodes} ways={c.ways} relations={c.relations} highway_ways={c.highway} "
      f"walkable_ways={c.walkable} walkable_length_m={c.length:.1f}")
