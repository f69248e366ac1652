// Draws a lifecircle report's map from its JSON block (see src/map/html/data.rs).
// Every text from the data goes into the page as text (textContent), never as markup.
(function () {
  "use strict";
  var mapEl = document.getElementById("map");
  var errors = 0;
  function countError() {
    errors += 1;
    mapEl.setAttribute("data-errors", String(errors));
  }
  window.addEventListener("error", countError);
  window.addEventListener("unhandledrejection", countError);

  var data = JSON.parse(document.getElementById("lifecircle-data").textContent);
  var map = L.map(mapEl, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Streets and facilities © OpenStreetMap contributors");

  // Panes from the bottom up: zones, isochrones, streets, residents (overlayPane), sites (markerPane).
  [["zones", 350], ["isochrones", 370], ["streets", 390]].forEach(function (p) {
    map.createPane(p[0]).style.zIndex = String(p[1]);
  });

  var offline = L.layerGroup().addTo(map);
  var osm = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "Tiles © OpenStreetMap contributors",
  });
  var names = ["Streets", "Residents", "Facilities", "Isochrones", "Zones"];
  var shownFirst = data.kind === "plan"
    ? { Streets: 1, Residents: 1, Facilities: 1, Isochrones: 1 }
    : { Streets: 1, Residents: 1, Facilities: 1, Zones: 1 };
  var overlays = {};
  names.forEach(function (n) {
    overlays[n] = L.layerGroup();
    if (shownFirst[n]) overlays[n].addTo(map);
  });
  L.control
    .layers({ "No background (offline)": offline, "OpenStreetMap background (online)": osm }, overlays, {
      collapsed: false,
    })
    .addTo(map);
  mapEl.setAttribute("data-layers", JSON.stringify(names));
  map.on("overlayadd overlayremove", function (e) {
    var part = legend.getContainer().querySelector('[data-layer="' + e.name + '"]');
    if (part) part.style.display = e.type === "overlayadd" ? "" : "none";
  });

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "lc-legend");
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legend.addTo(map);

  var variantSel = document.getElementById("variant");
  var serviceSel = document.getElementById("service");
  var metricSel = document.getElementById("metric");
  var state = { variant: 0, service: 0, metric: 0 };

  function option(select, label, value) {
    var o = document.createElement("option");
    o.textContent = label;
    o.value = String(value);
    select.appendChild(o);
  }
  function fill(select, labels) {
    select.textContent = "";
    labels.forEach(function (l, k) { option(select, l, k); });
  }
  function lines(texts) {
    var div = document.createElement("div");
    texts.forEach(function (t) {
      var line = document.createElement("div");
      line.textContent = t;
      div.appendChild(line);
    });
    return div;
  }
  function latLngs(flat) {
    var out = [];
    for (var k = 0; k + 1 < flat.length; k += 2) out.push([flat[k + 1], flat[k]]);
    return out;
  }
  function area(polygons) {
    return polygons.map(function (rings) { return rings.map(latLngs); });
  }
  function num(x, digits) {
    return x === null || x === undefined ? "unknown" : x.toFixed(digits);
  }

  // Zone colours: red (worst) to green (best), grey for no figure.
  var RAMP = ["#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850"];
  var NONE = "#cccccc";
  var CLASSES = {
    stars: {
      colour: function (v) { return RAMP[Math.max(0, Math.min(5, Math.round(v)))]; },
      legend: [0, 1, 2, 3, 4, 5].map(function (s) { return [RAMP[s], s + " ★"]; }),
      text: function (v) { return v + " ★"; },
    },
    share: {
      colour: function (v) { return RAMP[v >= 1 ? 5 : Math.floor(v * 5)]; },
      legend: [[RAMP[0], "< 20 %"], [RAMP[1], "20–40 %"], [RAMP[2], "40–60 %"], [RAMP[3], "60–80 %"],
        [RAMP[4], "80–< 100 %"], [RAMP[5], "100 %"]],
      text: function (v) { return (100 * v).toFixed(1) + " %"; },
    },
    ratio: {
      colour: function (v) { return RAMP[v < 0.25 ? 0 : v < 0.5 ? 1 : v < 1 ? 2 : v < 1.5 ? 3 : v < 2 ? 4 : 5]; },
      legend: [[RAMP[0], "< 0.25 ×"], [RAMP[1], "0.25–0.5 ×"], [RAMP[2], "0.5–1 ×"], [RAMP[3], "1–1.5 ×"],
        [RAMP[4], "1.5–2 ×"], [RAMP[5], "≥ 2 × the threshold"]],
      text: function (v) { return v.toFixed(2) + " × the threshold"; },
    },
    underserved: {
      colour: function (v) { return RAMP[5 - (v >= 1 ? 5 : Math.floor(v * 5))]; },
      legend: [[RAMP[5], "< 20 %"], [RAMP[4], "20–40 %"], [RAMP[3], "40–60 %"], [RAMP[2], "60–80 %"],
        [RAMP[1], "80–< 100 %"], [RAMP[0], "100 %"]],
      text: function (v) { return (100 * v).toFixed(1) + " %"; },
    },
    minutes: {
      colour: function (v) { return RAMP[5 - Math.min(5, Math.floor(v / 5))]; },
      legend: [[RAMP[5], "< 5 min"], [RAMP[4], "5–10 min"], [RAMP[3], "10–15 min"], [RAMP[2], "15–20 min"],
        [RAMP[1], "20–25 min"], [RAMP[0], "≥ 25 min"]],
      text: function (v) { return v.toFixed(1) + " min"; },
    },
  };

  // Each part of the legend belongs to a layer and is shown only while it is.
  function drawLegend(variant, service, metric) {
    var div = legend.getContainer();
    div.textContent = "";
    var part = div;
    function title(layer, t) {
      part = document.createElement("div");
      part.setAttribute("data-layer", layer);
      if (!map.hasLayer(overlays[layer])) part.style.display = "none";
      div.appendChild(part);
      var b = document.createElement("b");
      b.textContent = t;
      part.appendChild(b);
    }
    function entry(colour, label, round) {
      var line = document.createElement("div");
      var sw = document.createElement("i");
      sw.style.background = colour;
      if (round) sw.style.borderRadius = "50%";
      line.appendChild(sw);
      line.appendChild(document.createTextNode(label));
      part.appendChild(line);
    }
    if (service) {
      title("Residents", "Residents (" + service.key + ")");
      data.states.forEach(function (s) { entry(s[0], s[1], true); });
      title("Facilities", "Facilities");
      entry("#111", "existing (" + service.existing.length + ")");
      if (data.kind === "plan") entry("#ff7f00", "new site (" + service.new.length + ")");
      title("Isochrones", "Isochrones (" + service.limit + " min)");
      entry("rgba(102,102,102,.3)", "reached from existing");
      if (data.kind === "plan") entry("rgba(44,123,182,.35)", "reached from new sites");
    }
    if (metric) {
      title("Zones", "Zones: " + metric.name);
      CLASSES[metric.kind].legend.forEach(function (c) { entry(c[0], c[1]); });
      entry(NONE, "no figure");
    }
  }

  var isoLines = [];
  // Stroke width in pixels for a band of 2 × side metres at the map's centre (Web Mercator).
  function widenIsochrones() {
    var metresPerPixel = 40075016.686 * Math.cos(map.getCenter().lat * Math.PI / 180) /
      Math.pow(2, map.getZoom() + 8);
    isoLines.forEach(function (l) { l.setStyle({ weight: Math.max(1, 2 * l.sideM / metresPerPixel) }); });
  }
  map.on("zoomend", widenIsochrones);

  function draw() {
    var variant = data.variants[state.variant];
    var geo = data.geos[variant.geo];
    var service = variant.services[state.service];
    var metric = variant.metrics[state.metric];
    var counts = {};
    names.forEach(function (n) { overlays[n].clearLayers(); counts[n] = 0; });

    geo.streets.length && L.polyline(geo.streets.map(latLngs), {
      pane: "streets", className: "lc-street", color: "#a9a9a9", weight: 1.2, interactive: false,
    }).addTo(overlays.Streets);
    counts.Streets = geo.streets.length;

    var pts = geo.points;
    var biggest = Math.max.apply(null, pts.pop.concat([1]));
    // The biggest circle: 18 px among a few dozen points, down to 4 px among thousands.
    var maxRadius = Math.max(4, Math.min(18, 18 * Math.sqrt(100 / Math.max(1, pts.pop.length))));
    var order = pts.pop.map(function (_, k) { return k; });
    order.sort(function (a, b) { return pts.pop[b] - pts.pop[a]; }); // small circles on top
    order.forEach(function (k) {
      var st = service ? data.states[service.state[k]] : ["#777", "no service"];
      L.circleMarker([pts.lat[k], pts.lon[k]], {
        className: "lc-resident", radius: Math.max(2, maxRadius * Math.sqrt(pts.pop[k] / biggest)),
        color: "#333", weight: 0.6, fillColor: st[0], fillOpacity: 0.8,
      }).bindTooltip(lines([
        "point " + pts.id[k] + " (zone " + pts.zone[k] + ")",
        "residents: " + num(pts.pop[k], 0) + ", aged 60+: " + num(pts.p60[k], 0),
        (service ? service.key + ": " : "") + st[1],
      ])).addTo(overlays.Residents);
      counts.Residents += 1;
    });

    if (service && overlays.Facilities) {
      service.existing.forEach(function (s) {
        L.marker([s[1], s[0]], {
          icon: L.divIcon({ className: "lc-site lc-existing", iconSize: [10, 10] }), keyboard: false,
        }).bindPopup(lines(["existing " + service.key, "id: " + s[2]])).addTo(overlays.Facilities);
      });
      service.new.forEach(function (s) {
        L.marker([s[1], s[0]], {
          icon: L.divIcon({ className: "lc-site lc-new", html: "★", iconSize: [22, 22] }), keyboard: false,
          zIndexOffset: 1000,
        }).bindPopup(lines([
          "new " + service.key, "id: " + s[2], "cost: " + s[3], "residents newly reached: " + num(s[4], 0),
        ])).addTo(overlays.Facilities);
      });
      counts.Facilities = service.existing.length + service.new.length;
    }

    isoLines = [];
    if (service) {
      var pace = service.pace ? " at the " + service.pace_label + " (" + service.pace + " m/s)" : "";
      [["iso_existing", "lc-iso-existing", "#666", 0.3, "existing facilities"],
        ["iso_new", "lc-iso-new", "#2c7bb6", 0.35, "new sites"]].forEach(function (i) {
        if (!service[i[0]].length) return;
        // The reached streets, stroked as wide as the street-side distance either side: the isochrone.
        var line = L.polyline(service[i[0]].map(latLngs), {
          pane: "isochrones", className: "lc-iso " + i[1], color: i[2], opacity: i[3],
          lineCap: "round", lineJoin: "round", weight: 1,
        }).bindTooltip(service.key + ": reached from the " + i[4] + " within " + service.limit + " min" + pace,
          { sticky: true });
        line.sideM = service.side_m || 50;
        line.addTo(overlays.Isochrones);
        isoLines.push(line);
        counts.Isochrones += 1;
      });
      widenIsochrones();
    }

    var values = metric ? (metric.values || (service ? service[metric.service] : [])) : [];
    geo.zones.forEach(function (z, k) {
      if (!z.area.length) return;
      var v = values[k];
      var known = v !== null && v !== undefined;
      L.polygon(area(z.area), {
        pane: "zones", className: "lc-zone", color: "#444", weight: 1, fillOpacity: 0.5,
        fillColor: known ? CLASSES[metric.kind].colour(v) : NONE,
      }).bindTooltip(lines([
        variant.zone_text[k],
        metric.name + (metric.service && service ? " (" + service.key + ")" : "") + ": " +
          (known ? CLASSES[metric.kind].text(v) : "no figure"),
      ]), { sticky: true }).addTo(overlays.Zones);
      counts.Zones += 1;
    });

    document.getElementById("service-title").textContent = service ? service.title : "";
    drawLegend(variant, service, metric);
    document.querySelectorAll("section.variant").forEach(function (s) {
      s.hidden = Number(s.getAttribute("data-variant")) !== state.variant;
    });
    mapEl.setAttribute("data-variant", String(state.variant));
    mapEl.setAttribute("data-features", JSON.stringify(counts));
  }

  function pickers() {
    var variant = data.variants[state.variant];
    fill(serviceSel, variant.services.map(function (s) { return s.key; }));
    state.service = Math.min(state.service, Math.max(0, variant.services.length - 1));
    serviceSel.value = String(state.service);
    fill(metricSel, variant.metrics.map(function (m) { return m.name; }));
    metricSel.value = String(state.metric);
  }

  fill(variantSel, data.variants.map(function (v) { return v.name; }));
  document.getElementById("variant-picker").hidden = data.variants.length < 2;
  variantSel.addEventListener("change", function () {
    state.variant = Number(variantSel.value);
    pickers();
    draw();
  });
  serviceSel.addEventListener("change", function () { state.service = Number(serviceSel.value); draw(); });
  metricSel.addEventListener("change", function () { state.metric = Number(metricSel.value); draw(); });

  // The map's extent: every street and resident of every variant.
  var bounds = L.latLngBounds([]);
  data.geos.forEach(function (g) {
    g.streets.forEach(function (l) { latLngs(l).forEach(function (p) { bounds.extend(p); }); });
    g.points.lat.forEach(function (lat, k) { bounds.extend([lat, g.points.lon[k]]); });
  });
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
  else map.setView([0, 0], 2);
  L.control.scale({ imperial: false }).addTo(map);

  pickers();
  draw();
  mapEl.setAttribute("data-ready", "1");
})();
