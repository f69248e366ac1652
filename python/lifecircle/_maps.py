"""Maps of reports for notebooks: the layers as GeoDataFrames, a folium map
(``explore()``) and a matplotlib picture (``plot()``) with the legend, scale
bar and attribution of the Rust maps (``lifecircle::map``).

Nothing is computed here: positions, covered shares and the coverage class
of each demand point (``<service>_reach``, ``lifecircle::outcome::Reach``)
come from the compiled core; this module only converts them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from . import _geo

# The colours of the Rust maps, so both read the same.
REACH_COLOURS = {"covered before": "#1a9641", "newly covered": "#2c7bb6", "not covered": "#d7191c"}
NEW_SITE = "#ff7f00"
STREET = "#b9b9b9"
# Zones' star ratings, from none (red) to the most (green): ColorBrewer RdYlGn.
STARS = ["#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"]
# Zones filled by their stars, 0 to 5: the ramp of the HTML report and the community PNG.
ZONE_STARS = ["#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850"]
NO_SCORE = "#cccccc"
ATTRIBUTION = "© OpenStreetMap contributors"
# Metres per degree of latitude on the sphere of the mean Earth radius, as the Rust maps' scale bar.
METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180.0
# Largest circle on a folium map, in pixels; areas follow residents as in the Rust maps.
MAX_RADIUS = 18.0


def plan_layers(report: Any) -> dict[str, pd.DataFrame]:
    """The layers of a plan map, in EPSG:4326: ``streets`` (lines),
    ``residents`` (the demand points, with each planned service's covered
    shares and ``<service>_reach``), ``existing`` and ``new_sites`` (points,
    with their ``service``), ``zones`` (the zones' outlines with their
    ratings after the plan: ``stars``, basic/quality present, ``missing``)
    and ``reached`` (:func:`reached_layer`: the isochrones' streets)."""
    existing = [
        {"service": s.service, "id": site.id, "lon": site.lon, "lat": site.lat}
        for s in report.run.services
        for site in s.existing
    ]
    return {
        "streets": report.street_lines(),
        "residents": report.demand,
        "existing": _geo.points(pd.DataFrame(existing, columns=["service", "id", "lon", "lat"])),
        "new_sites": report.sites,
        "zones": _geo.features(report.run.zone_outlines),
        "reached": reached_layer(report.run.isochrones),
    }


def reached_layer(isochrones: list[dict]) -> pd.DataFrame:
    """The streets each service's facilities reach within its limit (a run's
    ``isochrones``) as a GeoDataFrame of lines in EPSG:4326, one row per
    polyline: ``service``, ``facilities`` ("existing" or "new"),
    ``minutes`` and ``pace`` (whose walk)."""
    import geopandas
    import shapely

    rows = [
        (r["service"], which, r["minutes"], r["pace"], shapely.LineString(line))
        for r in isochrones
        for which in ("existing", "new")
        for line in r[which]
    ]
    columns = ["service", "facilities", "minutes", "pace", "geometry"]
    return geopandas.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry="geometry", crs=_geo.WGS84)


def gaps_layers(report: Any) -> dict[str, pd.DataFrame]:
    """The layers of a gap map, in EPSG:4326: ``streets`` (lines),
    ``residents`` (the demand points with their zone's ``stars`` and the
    metres to the nearest facility of each category, ``<category>_nearest_m``)
    ``zones`` (the zones' outlines with ``stars``, basic/quality present
    and the categories ``missing``) and ``reached`` (the isochrones' streets)."""
    return {
        "streets": _geo.lines(report.run.streets),
        "residents": report.features(),
        "zones": _geo.features(report.run.zone_outlines),
        "reached": reached_layer(report.run.isochrones),
    }


def _radii(population: np.ndarray) -> np.ndarray:
    """Circle radii in pixels whose areas follow population, never below 2 px (as the Rust maps)."""
    largest = population.max() if len(population) else 0.0
    share = population / largest if largest > 0 else np.zeros_like(population)
    return np.maximum(MAX_RADIUS * np.sqrt(share), 2.0)


def _folium_map(layers: dict[str, pd.DataFrame], kwargs: dict[str, Any]) -> Any:
    import folium

    points = pd.concat(
        [
            frame[["lon", "lat"]]
            for name, frame in layers.items()
            if name not in ("streets", "zones", "reached") and len(frame)
        ]
    )
    kwargs.setdefault("tiles", "OpenStreetMap")
    kwargs.setdefault("attr", ATTRIBUTION)
    m = folium.Map(**kwargs)
    if len(points):
        m.fit_bounds([[points["lat"].min(), points["lon"].min()], [points["lat"].max(), points["lon"].max()]])
    streets = folium.FeatureGroup(name="streets")
    folium.GeoJson(
        layers["streets"].to_json(),
        style_function=lambda _: {"color": STREET, "weight": 1},
    ).add_to(streets)
    streets.add_to(m)
    return m


def _zones(m: Any, zones: pd.DataFrame, name: str) -> None:
    """The zones as a choropleth of their stars (grey without a score), the
    categories they miss on hover: the community map of the HTML report."""
    import folium

    if not len(zones):
        return

    def style(feature: dict) -> dict:
        stars = feature["properties"]["stars"]
        fill = NO_SCORE if stars is None else ZONE_STARS[min(int(stars), 5)]
        return {"color": "#ffffff", "weight": 1, "fillColor": fill, "fillOpacity": 0.55}

    tooltip = folium.GeoJsonTooltip(
        fields=["zone", "stars", "missing"], aliases=["zone", "stars", "missing"], localize=True
    )
    folium.GeoJson(zones.to_json(), name=name, style_function=style, tooltip=tooltip).add_to(m)


def _reached(m: Any, reach: dict, which: str, colour: str, show: bool = True) -> None:
    """The streets that ``which`` ("existing" or "new") facilities of one
    service reach within its limit (``isochrones`` of the run), as thick
    translucent lines: the HTML report draws them widened by the street side."""
    import folium

    lines = reach[which]
    if not lines:
        return
    label = "existing facilities" if which == "existing" else "new sites"
    pace = "adult" if reach["pace"] == "adult" else "60+"
    name = f"{reach['service']}: reached from {label} ({reach['minutes']:g} min, {pace} pace)"
    group = folium.FeatureGroup(name=name, show=show).add_to(m)
    for line in lines:
        folium.PolyLine([[lat, lon] for lon, lat in line], color=colour, weight=8, opacity=0.35).add_to(group)


def _group(m: Any, name: str) -> Any:
    import folium

    return folium.FeatureGroup(name=name).add_to(m)


def explore_plan(report: Any, service: str | None, kwargs: dict[str, Any]) -> Any:
    """A folium map of a plan: streets; residents by coverage of ``service``
    (default: the first planned), sized by residents, with a tooltip; the
    existing facilities and new sites of every planned service, with popups."""
    import folium

    service = _planned(report, service)
    layers = plan_layers(report)
    m = _folium_map(layers, kwargs)
    _zones(m, layers["zones"], "zones: stars after the plan")
    residents = layers["residents"]
    radii = _radii(residents["population"].to_numpy(dtype=float))
    for reach, colour in REACH_COLOURS.items():
        group = _group(m, f"{service}: {reach}")
        for (_, p), r in zip(residents.iterrows(), radii):
            if p[f"{service}_reach"] != reach:
                continue
            elderly = "" if pd.isna(p["aged_60_plus"]) else f", aged 60+: {p['aged_60_plus']:,.0f}"
            folium.CircleMarker(
                [p["lat"], p["lon"]],
                radius=float(r),
                color=colour,
                weight=0,
                fill=True,
                fill_opacity=0.8,
                tooltip=f"{p['id']} ({p['zone']}): {p['population']:,.0f} residents{elderly}; {reach}",
            ).add_to(group)
    for reach in report.run.isochrones:
        if reach["service"] == service:
            _reached(m, reach, "existing", REACH_COLOURS["covered before"])
            _reached(m, reach, "new", REACH_COLOURS["newly covered"])
    for s in report.run.services:
        group = _group(m, f"{s.service}: existing ({len(s.existing)})")
        for site in s.existing:
            folium.RegularPolygonMarker(
                [site.lat, site.lon],
                number_of_sides=4,
                radius=6,
                rotation=45,
                color="black",
                fill=True,
                fill_color="black",
                fill_opacity=1.0,
                popup=f"existing {s.service} {site.id}",
            ).add_to(group)
        group = _group(m, f"{s.service}: new sites ({len(s.new)})")
        for site in s.new:
            folium.RegularPolygonMarker(
                [site.lat, site.lon],
                number_of_sides=5,
                radius=12,
                color="black",
                weight=1,
                fill=True,
                fill_color=NEW_SITE,
                fill_opacity=1.0,
                popup=(
                    f"new {s.service} {site.id}: cost {site.cost:,.1f},"
                    f" {site.newly_reached:,.0f} residents newly reached"
                ),
            ).add_to(group)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def explore_gaps(report: Any, kwargs: dict[str, Any]) -> Any:
    """A folium map of a gap analysis: streets; residents grouped by their
    zone's star rating, sized by residents, with a tooltip of the metres to
    the nearest facility of each category."""
    import folium

    layers = gaps_layers(report)
    residents = layers["residents"].assign(lon=lambda f: f.geometry.x, lat=lambda f: f.geometry.y)
    layers["residents"] = residents
    m = _folium_map(layers, kwargs)
    _zones(m, layers["zones"], "zones: stars")
    nearest = [c for c in residents.columns if c.endswith("_nearest_m")]
    radii = _radii(residents["population"].to_numpy(dtype=float))
    stars = sorted(residents["stars"].dropna().unique())
    top = max(stars) if stars else 1
    for star in stars:
        # Red for no star to green for the most any zone has.
        colour = STARS[round(len(STARS[1:]) * star / top) if top > 0 else 0]
        group = _group(m, f"zones with {star:g} stars")
        for (_, p), r in zip(residents.iterrows(), radii):
            if p["stars"] != star:
                continue
            far = ", ".join(
                f"{c.removesuffix('_nearest_m')} {'beyond the search' if pd.isna(p[c]) else f'{p[c]:,.0f} m'}"
                for c in nearest
            )
            folium.CircleMarker(
                [p["lat"], p["lon"]],
                radius=float(r),
                color=colour,
                weight=0,
                fill=True,
                fill_opacity=0.8,
                tooltip=f"{p['id']} ({p['zone']}, {star:g} stars): {p['population']:,.0f} residents; nearest: {far}",
            ).add_to(group)
    # One service's reach at a time would be shown in the HTML report: here each is a layer, off at first.
    for reach in report.run.isochrones:
        _reached(m, reach, "existing", REACH_COLOURS["covered before"], show=False)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _planned(report: Any, service: str | None) -> str:
    planned = [s["service"] for s in report.summary["services"]]
    if service is None:
        return planned[0]
    if service not in planned:
        raise ValueError(f"{service!r} is not planned in this report; planned: {', '.join(planned)}")
    return service


def scale_bar(metres_per_unit: float, most_units: float) -> tuple[float, str]:
    """The longest round length (1, 2 or 5 times a power of ten metres) at
    most ``most_units`` long, in map units of ``metres_per_unit``, and its label."""
    most = most_units * metres_per_unit
    power = 10.0 ** math.floor(math.log10(most))
    metres = next(k * power for k in (5, 2, 1) if k * power <= most)
    return metres, f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def plot_plan(report: Any, service: str | None, ax: Any) -> Any:
    """The matplotlib picture of a plan (see :meth:`PlanReport.plot`)."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    service = _planned(report, service)
    outcome = next(s for s in report.summary["services"] if s["service"] == service)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 8))

    ax.add_collection(LineCollection(report.streets, colors=STREET, linewidths=0.5, zorder=1))
    demand = report.demand
    colours = demand[f"{service}_reach"].map(REACH_COLOURS).to_numpy()
    population = demand["population"].to_numpy(dtype=float)
    # Marker sizes are areas (points squared): proportional to population, never too small to see.
    largest = population.max() if len(population) else 0.0
    sizes = np.maximum(400.0 * population / largest if largest > 0 else 0.0, 6.0)
    ax.scatter(demand["lon"], demand["lat"], s=sizes, c=colours, alpha=0.8, linewidths=0, zorder=2)
    existing = pd.DataFrame(outcome["existing"], columns=["lon", "lat"])
    ax.scatter(existing["lon"], existing["lat"], marker="s", s=30, c="black", zorder=3)
    new = pd.DataFrame(outcome["new"], columns=["lon", "lat"])
    ax.scatter(new["lon"], new["lat"], marker="*", s=350, c=NEW_SITE, edgecolors="black", zorder=4)

    lats = np.concatenate([report.streets[:, :, 1].ravel(), demand["lat"].to_numpy(dtype=float)])
    ax.autoscale_view()
    if len(lats):
        cos_lat = np.cos(np.radians((lats.min() + lats.max()) / 2))
        ax.set_aspect(1.0 / cos_lat)
        # x is in degrees of longitude: a quarter of the width at most, as the Rust maps.
        x0, x1 = ax.get_xlim()
        metres, label = scale_bar(METRES_PER_DEGREE * cos_lat, (x1 - x0) / 4)
        bar = AnchoredSizeBar(
            ax.transData, metres / (METRES_PER_DEGREE * cos_lat), label, "lower left", frameon=False, size_vertical=0
        )
        ax.add_artist(bar)
    ax.annotate(
        ATTRIBUTION, (1, 0), xycoords="axes fraction", ha="right", va="bottom", fontsize="x-small", color="#505050"
    )
    served = outcome["served"]
    share = (lambda covered: 100.0 * covered / served) if served > 0 else (lambda covered: 100.0)
    count = len(outcome["new"])
    ax.set_title(
        f"{service}: {share(outcome['covered_before']):.1f} % → {share(outcome['covered_after']):.1f} % covered"
        f" (+{count} new site{'' if count == 1 else 's'})"
    )
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")

    def dot(colour: str, marker: str = "o", **kw: Any) -> Line2D:
        return Line2D([], [], linestyle="", marker=marker, color=colour, **kw)

    ax.legend(
        handles=[
            *(dot(colour, label=reach) for reach, colour in REACH_COLOURS.items()),
            dot("black", "s", label=f"existing ({len(outcome['existing'])})"),
            dot(NEW_SITE, "*", markersize=14, markeredgecolor="black", label=f"new site ({count})"),
            dot("none", label="circle area ∝ residents"),
        ],
        loc="best",
        fontsize="small",
    )
    return ax
