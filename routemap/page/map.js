/* Draws the routes map from its one data block (see routemap/render.py: map_data).
 *
 * Every text from places.yaml reaches the page through textContent or a text node, never
 * innerHTML: whatever characters it holds, the reader sees it as text. The one Leaflet API that
 * takes HTML (the layer control's labels) gets it through escapeHtml.
 */
"use strict";

/* A leg's arrowhead: a triangle of fixed screen size at the point and heading that Python
 * computed (routemap/geometry.py: arrow). Drawn on the canvas renderer like a circle marker,
 * so it costs no DOM element; clicks use the circle marker's hit test. */
const Arrowhead = L.CircleMarker.extend({
  _updatePath() {
    const renderer = this._renderer;
    if (!renderer._drawing || this._empty()) return;
    const ctx = renderer._ctx;
    const p = this._point;
    const size = this._radius;
    const angle = ((this.options.heading - 90) * Math.PI) / 180;
    const corner = (turn, length) => [p.x + Math.cos(angle + turn) * length, p.y + Math.sin(angle + turn) * length];
    ctx.beginPath();
    ctx.moveTo(...corner(0, size * 1.2));
    ctx.lineTo(...corner(2.5, size));
    ctx.lineTo(...corner(-2.5, size));
    ctx.closePath();
    renderer._fillStroke(ctx, this);
  },
});

const LABEL_ALL_UP_TO = 30;

function drawRouteMap(map, data) {
  const styles = data.styles;
  const people = Object.fromEntries(data.people.map((p) => [p.id, p]));
  const sources = Object.fromEntries(data.sources.map((s) => [s.id, s]));
  const groups = Object.fromEntries(data.groups.map((g) => [g.id, g]));
  const places = Object.fromEntries(data.places.features.map((f) => [f.properties.id, f]));
  const renderer = L.canvas({ padding: 0.5, tolerance: 6 });
  const small = () => window.innerWidth < 600;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  }

  function latLng(coordinates) {
    return L.latLng(coordinates[1], coordinates[0]);
  }

  function personLabel(id) {
    const person = people[id];
    if (!person) return "";
    return [person.name, person.age, person.role].filter((x) => x !== null && x !== undefined).join(", ");
  }

  // <figure><blockquote>words</blockquote><figcaption>speaker, role · source</figcaption></figure>
  function quoteFigure(index) {
    const quote = data.quotes[index];
    const figure = el("figure", null, "quote");
    figure.append(el("blockquote", quote.text));
    const source = sources[quote.source];
    figure.append(el("figcaption", personLabel(quote.speaker) + " · " + (source ? source.label : quote.source)));
    return figure;
  }

  function sourcesLine(ids) {
    const names = ids.map((id) => (sources[id] ? sources[id].label : id));
    return el("p", "Source: " + names.join("; "), "sources");
  }

  function popupBox(title, kicker) {
    const box = el("div", null, "route-popup");
    if (kicker) box.append(el("p", kicker, "kicker"));
    box.append(el("h2", title));
    return box;
  }

  function appendQuotes(box, indexes) {
    for (const index of indexes) box.append(quoteFigure(index));
  }

  const modeWords = { flight: "by plane", car: "by car", bus: "by bus", train: "by train", foot: "on foot", unspecified: "means not stated" };

  function journeyPopup(journey, leg) {
    const box = popupBox(journey.name, journey.person ? personLabel(journey.person) : groups[journey.group] ? groups[journey.group].name : null);
    if (leg) {
      const from = places[leg.from].properties.name;
      const to = places[leg.to].properties.name;
      const words = ["Leg " + leg.number + " of " + journey.legs.length + ": " + from + " → " + to, modeWords[leg.mode]];
      if (leg.when) words.push(leg.when);
      box.append(el("p", words.join(" · "), "leg"));
      if (leg.note) box.append(el("p", leg.note, "note"));
    }
    if (journey.summary) box.append(el("p", journey.summary));
    const group = groups[journey.group];
    if (group && group.note) box.append(el("p", group.note));
    box.append(sourcesLine(journey.sources));
    appendQuotes(box, journey.quotes);
    if (group) appendQuotes(box, group.quotes);
    return box;
  }

  function placePopup(feature) {
    const p = feature.properties;
    const box = popupBox(p.name, styles.markers[p.role].label + " · " + p.country);
    if (p.note) box.append(el("p", p.note));
    if (p.inferred) {
      const inferred = el("p", null, "inferred");
      inferred.append(el("strong", "Inferred: "), document.createTextNode(p.inferred));
      box.append(inferred);
    }
    const through = data.journeys.filter((j) => j.legs.some((leg) => leg.from === p.id || leg.to === p.id));
    if (through.length) {
      const list = el("ul", null, "journeys");
      for (const journey of through) list.append(el("li", journey.name));
      box.append(el("p", "Journeys here:"), list);
    }
    appendQuotes(box, p.quotes);
    return box;
  }

  // Space the title takes at the top of the map: popups and the fitted view keep clear of it.
  function topClearance() {
    const title = titleControl.getContainer().getBoundingClientRect();
    const map_ = map.getContainer().getBoundingClientRect();
    return Math.round(title.bottom - map_.top) + 10;
  }

  function popupOptions() {
    return {
      maxWidth: small() ? Math.min(300, window.innerWidth - 60) : 360,
      maxHeight: small() ? Math.round(window.innerHeight * 0.5) : 420,
      autoPanPaddingTopLeft: [12, topClearance()],
      autoPanPaddingBottomRight: [12, 40],
    };
  }

  function tooltip(text) {
    return el("span", text);
  }

  // Title, naming the sources.
  const Title = L.Control.extend({
    onAdd() {
      const box = el("div", null, "route-title leaflet-bar");
      box.append(el("h1", data.title));
      const names = data.sources.map((s) => s.label + ", “" + s.title + "”");
      box.append(el("p", "Sources: " + names.join("; ")));
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });
  const titleControl = new Title({ position: "topleft" }).addTo(map);

  // Lines: one layer per journey (journeys of a group share the group's layer).
  const overlays = [];
  const journeyLayers = {};
  const groupLayers = {};
  for (const journey of data.journeys) {
    const base = journey.status === "trip" ? {} : styles.statuses[journey.status];
    const layer = L.featureGroup();
    for (const leg of journey.legs) {
      const style = Object.assign({ color: journey.colour }, journey.status === "trip" ? styles.modes[leg.mode] : base);
      delete style.label;
      const line = L.polyline(leg.line.map(latLng), Object.assign({ renderer, interactive: true }, style));
      line.bindPopup(() => journeyPopup(journey, leg), popupOptions());
      line.bindTooltip(tooltip(journey.name), { sticky: true });
      layer.addLayer(line);
      if (leg.arrow) {
        const arrow = new Arrowhead(latLng(leg.arrow), { renderer, heading: leg.arrow[2], radius: 7, color: style.color, weight: 1, fillColor: style.color, fillOpacity: 1, opacity: 1 });
        arrow.bindPopup(() => journeyPopup(journey, leg), popupOptions());
        layer.addLayer(arrow);
      }
    }
    journeyLayers[journey.id] = layer;
    if (journey.group) {
      if (!groupLayers[journey.group]) {
        groupLayers[journey.group] = L.featureGroup();
        overlays.push({ id: journey.group, name: groups[journey.group].name, colour: styles.statuses["sold-out"].color, layer: groupLayers[journey.group] });
      }
      groupLayers[journey.group].addLayer(layer);
    } else {
      overlays.push({ id: journey.id, name: journey.name, colour: journey.colour, layer });
    }
  }
  for (const overlay of overlays) overlay.layer.addTo(map);

  // Places, drawn above the lines.
  const markers = {};
  const placeLayer = L.featureGroup();
  // A small map names its places outright; a big one names them on hover only.
  const labelled = data.places.features.length <= LABEL_ALL_UP_TO;
  for (const feature of data.places.features) {
    const p = feature.properties;
    const style = Object.assign({}, styles.markers[p.role], p.inferred ? styles.inferred : {});
    delete style.label;
    if (p.inferred) style.color = styles.markers[p.role].fillColor;
    const marker = L.circleMarker(latLng(feature.geometry.coordinates), Object.assign({ renderer }, style));
    marker.bindTooltip(tooltip(p.name), { direction: "top", offset: [0, -6] });
    marker.bindPopup(() => placePopup(feature), popupOptions());
    marker.routeId = p.id;
    markers[p.id] = marker;
    placeLayer.addLayer(marker);
  }
  placeLayer.addTo(map);
  map.on("overlayadd", () => placeLayer.bringToFront());

  // Name places outright on a small map: each label goes right, left, above or below its
  // marker, wherever it overlaps no label or panel and stays on screen; failing all four, it shows
  // on hover.
  // Starts and ends are placed first, places named only for context last.
  const labelOrder = ["origin", "destination", "border-crossing", "stop", "context"];
  const labelOffsets = { right: [8, 0], left: [-8, 0], top: [0, -8], bottom: [0, 8] };
  const byImportance = data.places.features
    .map((f) => f.properties)
    .sort((a, b) => labelOrder.indexOf(a.role) - labelOrder.indexOf(b.role));
  function layoutLabels() {
    if (!labelled || !map.hasLayer(placeLayer)) return;
    const frame = map.getContainer().getBoundingClientRect();
    const taken = Array.from(map.getContainer().querySelectorAll(".leaflet-control"), (c) => c.getBoundingClientRect());
    const outside = (r) => r.left < frame.left || r.right > frame.right || r.top < frame.top || r.bottom > frame.bottom;
    const overlaps = (r) => outside(r) || taken.some((t) => r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top);
    for (const p of byImportance) {
      const marker = markers[p.id];
      for (const direction of ["right", "left", "top", "bottom", null]) {
        marker.unbindTooltip();
        if (direction === null) {
          marker.bindTooltip(tooltip(p.name), { direction: "top", offset: [0, -6] });
          break;
        }
        marker.bindTooltip(tooltip(p.name), { permanent: true, direction, offset: labelOffsets[direction], className: "place-label" });
        const box = marker.getTooltip().getElement().getBoundingClientRect();
        if (!overlaps(box)) {
          taken.push(box);
          break;
        }
      }
    }
  }
  map.on("zoomend moveend overlayadd", layoutLabels);

  // Layer control: a swatch of each journey's colour, then its (escaped) name.
  const control = {};
  for (const overlay of overlays) {
    const label = '<span class="swatch" style="background:' + overlay.colour + '"></span>' + escapeHtml(overlay.name);
    control[label] = overlay.layer;
  }
  control["Places"] = placeLayer;
  const layersControl = L.control.layers(null, control, { collapsed: small(), position: "topright" }).addTo(map);

  // Legend, from the same style table the markers and lines use.
  const Legend = L.Control.extend({
    onAdd() {
      const box = el("details", null, "route-legend leaflet-bar");
      box.open = !small();
      box.append(el("summary", "Legend"));
      const list = el("ul");
      const row = (symbol, text) => {
        const item = el("li");
        item.append(symbol, el("span", text));
        list.append(item);
      };
      const dot = (style, inferred) => {
        const s = el("span", null, "dot" + (inferred ? " inferred" : ""));
        s.style.background = style.fillColor;
        s.style.borderColor = inferred ? style.fillColor : style.color;
        return s;
      };
      const stroke = (style, colour) => {
        const s = el("span", null, "stroke");
        s.style.borderTopColor = style.color || colour;
        s.style.borderTopWidth = Math.max(2, Math.min(style.weight || 3, 5)) + "px";
        s.style.borderTopStyle = style.dashArray ? "dashed" : "solid";
        if (style.dashArray && style.dashArray.startsWith("1 ")) s.style.borderTopStyle = "dotted";
        return s;
      };
      const usedRoles = new Set(data.places.features.map((f) => f.properties.role));
      for (const [role, style] of Object.entries(styles.markers)) if (usedRoles.has(role)) row(dot(style), style.label);
      if (data.places.features.some((f) => f.properties.inferred)) row(dot(styles.markers["border-crossing"], true), styles.inferred.label);
      const usedModes = new Set(data.journeys.filter((j) => j.status === "trip").flatMap((j) => j.legs.map((l) => l.mode)));
      for (const [mode, style] of Object.entries(styles.modes)) if (usedModes.has(mode)) row(stroke(style, "#333"), style.label);
      const usedStatuses = new Set(data.journeys.map((j) => j.status));
      for (const [status, style] of Object.entries(styles.statuses)) if (usedStatuses.has(status)) row(stroke(style), style.label);
      row(el("span", "▶", "arrow"), "Direction of travel");
      box.append(list);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });
  const legendControl = new Legend({ position: "bottomright" }).addTo(map);

  // When tiles cannot load (offline, blocked), say so over a plain background.
  const Notice = L.Control.extend({
    onAdd() {
      const box = el("div", "Map tiles could not load (offline or blocked); places and routes are still shown.", "tile-notice");
      box.setAttribute("role", "status");
      return box;
    },
  });
  let notice = null;
  map.eachLayer((layer) => {
    if (layer instanceof L.TileLayer) {
      layer.on("tileerror", () => {
        if (notice) return;
        map.getContainer().classList.add("no-tiles");
        notice = new Notice({ position: "bottomleft" }).addTo(map);
      });
    }
  });

  const all = L.latLngBounds(data.bounds.map((b) => L.latLng(b[0], b[1])));
  // Fit everything drawn into the part of the map the title and the panels on the right leave free.
  const edge = small() ? 16 : 30;
  const right = small() ? edge : Math.max(layersControl.getContainer().offsetWidth, legendControl.getContainer().offsetWidth) + 20;
  map.fitBounds(all, { paddingTopLeft: [edge, topClearance() + 10], paddingBottomRight: [right, small() ? 50 : 30] });
  layoutLabels();

  window.routeMap = { map, markers, journeyLayers, groupLayers, placeLayer, overlays };
  return window.routeMap;
}
