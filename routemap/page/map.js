/* Draws the routes map from its one data block (see routemap/render.py: map_data).
 *
 * Every text from places.yaml reaches the page through textContent or a text node, never
 * innerHTML: whatever characters it holds, the reader sees it as text. The one Leaflet API that
 * takes HTML (the layer control's labels) gets it through escapeHtml.
 */
"use strict";

/* A place's dot. The canvas renderer's click tolerance (wide, so thin lines are easy to hit)
 * would let a dot take clicks meant for a neighbour a dozen pixels away: a dot answers only to
 * its own disc. */
const PlaceDot = L.CircleMarker.extend({
  _containsPoint(point) {
    return point.distanceTo(this._point) <= this._radius + 2;
  },
});

/* A leg's arrowhead: a triangle of fixed screen size at the point and heading that Python
 * computed (routemap/geometry.py: arrow). Drawn on the canvas renderer like a circle marker,
 * so it costs no DOM element; clicks use the circle marker's hit test. */
const Arrowhead = L.CircleMarker.extend({
  _updatePath() {
    const renderer = this._renderer;
    if (!renderer._drawing || this._empty() || !renderer.showsDetail()) return;
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

/* The canvas the routes and places are drawn on. Below the zoom `detailFromZoom` it draws
 * dashed lines solid and no arrowheads: on a big map's overview they cannot be told apart in the
 * thicket of lines, and dashes would take the canvas most of its drawing time (there, and on
 * every pan). */
const RouteCanvas = L.Canvas.extend({
  showsDetail() {
    return this._map.getZoom() >= this.options.detailFromZoom;
  },
  _fillStroke(ctx, layer) {
    const dashes = layer.options._dashArray;
    if (dashes && !this.showsDetail()) layer.options._dashArray = null;
    L.Canvas.prototype._fillStroke.call(this, ctx, layer);
    layer.options._dashArray = dashes;
  },
});

/* The map's data block: plain JSON, or for a big map gzip in base64 (see render.json_for_script). */
async function readRouteData(element) {
  if (element.dataset.encoding !== "gzip-base64") return JSON.parse(element.textContent);
  // The browser's own base64 decoder feeds its own gunzip: no JS loop. Uint8Array.fromBase64
  // (2025's browsers) decodes in place; older ones go through a data: address, which is slower.
  const text = element.textContent;
  const packed = Uint8Array.fromBase64
    ? new Blob([Uint8Array.fromBase64(text)]).stream()
    : (await fetch("data:application/octet-stream;base64," + text)).body;
  return JSON.parse(await new Response(packed.pipeThrough(new DecompressionStream("gzip"))).text());
}

const LABEL_ALL_UP_TO = 30;
const MAX_LAYER_ENTRIES = 40; // more journeys than this: the layer control switches them by kind
const DENSE_FROM = 300; // more places than this: smaller markers
const PANEL_BATCH = 200; // journeys written into the panel at a time
const later = window.requestIdleCallback || ((work) => setTimeout(work, 16)); // after painting
const PHONE_WIDTH = 700; // below this the panel folds away above the map (see map.css)

function drawRouteMap(map, data) {
  const styles = data.styles;
  // Lookups by id are objects without a prototype: an id such as "constructor" finds only itself.
  const byId = (entries) => Object.assign(Object.create(null), Object.fromEntries(entries));
  const people = byId(data.people.map((p) => [p.id, p]));
  const sources = byId(data.sources.map((s) => [s.id, s]));
  const groups = byId(data.groups.map((g) => [g.id, g]));
  const places = byId(data.places.features.map((f) => [f.properties.id, f]));
  // The journeys that start, stop or end at each place.
  const placeJourneys = Object.create(null);
  for (const journey of data.journeys) {
    for (const id of new Set([journey.legs[0].from, ...journey.legs.map((leg) => leg.to)])) {
      (placeJourneys[id] = placeJourneys[id] || []).push(journey);
    }
  }
  // A big map's overview would be a thicket of arrowheads and dashes: there they show once
  // zoomed in this far.
  const detailFromZoom = data.journeys.length > MAX_LAYER_ENTRIES ? 5 : 0;
  const renderer = new RouteCanvas({ padding: 0.2, tolerance: 6, detailFromZoom });
  const small = () => window.innerWidth < PHONE_WIDTH;

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

  // How a source is named wherever it is cited: with its caveat (a re-translated text).
  function sourceLabel(id) {
    return sources[id] ? sources[id].label : id;
  }

  // Who said it to whom: "Oleg, 29, … · The Guardian", or for words a source relays from
  // another's interview, "Oleg, 29, … to The Guardian, as quoted by Chingkheinganbi Mayengbam".
  function attribution(speaker, source, via) {
    const who = personLabel(speaker);
    if (!via) return who + " · " + sourceLabel(source);
    return who + " to " + (sources[via] ? sources[via].name : via) + ", as quoted by " + sourceLabel(source);
  }

  // <figure><blockquote>words</blockquote><figcaption>speaker, role · source</figcaption></figure>,
  // then each other source's wording of the same words as a figure of its own.
  function quoteFigure(index) {
    const quote = data.quotes[index];
    const figure = el("figure", null, "quote");
    figure.append(el("blockquote", quote.text), el("figcaption", attribution(quote.speaker, quote.source, quote.via)));
    if (!quote.also) return figure;
    const all = el("div", null, "quote-wordings");
    all.append(figure);
    for (const wording of quote.also) {
      const other = el("figure", null, "quote wording");
      other.append(el("p", "The same words, as " + sourceLabel(wording.source) + " gives them:", "wording-kicker"));
      other.append(el("blockquote", wording.text), el("figcaption", attribution(quote.speaker, wording.source, wording.via)));
      all.append(other);
    }
    return all;
  }

  function sourcesLine(ids) {
    return el("p", "Source: " + ids.map(sourceLabel).join("; "), "sources");
  }

  // "Inferred: why", in words, wherever the style shows an inference.
  function inferredLine(label, reason) {
    const line = el("p", null, "inferred");
    line.append(el("strong", label + ": "), document.createTextNode(reason));
    return line;
  }

  // Where the sources disagree: each version with its source.
  function accountsBlock(accounts) {
    const box = el("div", null, "accounts");
    box.append(el("p", "The sources differ:", "accounts-head"));
    const list = el("ul");
    for (const account of accounts) {
      const item = el("li");
      item.append(el("strong", sourceLabel(account.source) + ": "), document.createTextNode(account.says));
      list.append(item);
    }
    box.append(list);
    return box;
  }

  // What the editor chose for one leg, and for a journey's start on its first leg.
  function legInferences(journey, leg) {
    const lines = [];
    if (leg.number === 1 && journey.start_inferred) lines.push(inferredLine("Start inferred", journey.start_inferred));
    if (leg.inferred) lines.push(inferredLine("Leg inferred", leg.inferred));
    const to = places[leg.to].properties;
    if (to.inferred) lines.push(inferredLine(to.name + " inferred", to.inferred));
    return lines;
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
      box.append(...legInferences(journey, leg));
    }
    if (journey.summary) box.append(el("p", journey.summary));
    if (journey.accounts) box.append(accountsBlock(journey.accounts));
    const group = groups[journey.group];
    if (group && group.note) box.append(el("p", group.note));
    if (group && group.accounts && !journey.accounts) box.append(accountsBlock(group.accounts));
    box.append(sourcesLine(journey.sources));
    appendQuotes(box, journey.quotes);
    if (group) appendQuotes(box, group.quotes);
    return box;
  }

  function placePopup(feature) {
    const p = feature.properties;
    const box = popupBox(p.name, styles.markers[p.role].label + " · " + p.country);
    if (p.note) box.append(el("p", p.note));
    if (p.accounts) box.append(accountsBlock(p.accounts));
    if (p.sources) box.append(sourcesLine(p.sources));
    if (p.inferred) box.append(inferredLine("Inferred", p.inferred));
    if (p.area) box.append(inferredLine("Approximate", "this stands for an area, not an exact point."));
    const through = placeJourneys[p.id] || [];
    if (through.length) {
      const list = el("ul", null, "journeys");
      for (const journey of through) list.append(el("li", journey.name));
      box.append(el("p", "Journeys here:"), list);
    }
    appendQuotes(box, p.quotes);
    return box;
  }

  function popupOptions() {
    return {
      maxWidth: small() ? Math.min(300, window.innerWidth - 70) : 360,
      maxHeight: small() ? Math.round(window.innerHeight * 0.5) : 420,
      autoPanPaddingTopLeft: [12, 80], // below the zoom buttons and the folded layer control
      autoPanPaddingBottomRight: [12, 40],
    };
  }

  // One set of popup options for every popup (built with the page, for its screen size).
  const popupSettings = popupOptions();

  function tooltip(text) {
    return el("span", text);
  }

  const laterArrows = []; // on a big map, made on first zooming in far enough, not before
  map.on("zoomend", function makeArrows() {
    if (map.getZoom() < detailFromZoom) return; // (the renderer has no map until layers are drawn)
    map.off("zoomend", makeArrows);
    for (const add of laterArrows.splice(0)) add();
  });

  // The one popup and the one tooltip of all route lines.
  const legTip = L.tooltip({ direction: "top", offset: [0, -8] });
  function openLeg(journey, leg, where) {
    const points = leg.line;
    const at = where || latLng(points[Math.floor(points.length / 2)]);
    L.popup(popupSettings).setLatLng(at).setContent(journeyPopup(journey, leg)).openOn(map);
  }

  // Lines: one layer per journey (journeys of a group share the group's layer).
  const overlays = [];
  const journeyLayers = {};
  const groupLayers = {};
  for (const journey of data.journeys) {
    const base = journey.status === "trip" ? {} : styles.statuses[journey.status];
    const layer = L.featureGroup();
    for (const leg of journey.legs) {
      const style = Object.assign({ color: journey.colour }, styles.line, journey.status === "trip" ? styles.modes[leg.mode] : base);
      delete style.label;
      const line = L.polyline(leg.line.map(latLng), Object.assign({ renderer, interactive: true }, style));
      line.routeLeg = leg;
      layer.addLayer(line);
      if (leg.inferred) {
        // Hollow: a pale core down the line's middle, as an inferred point is a hollow dot.
        const core = { color: styles.inferredLeg.core, weight: Math.max(1, style.weight * styles.inferredLeg.coreWeight), interactive: false };
        const inner = L.polyline(leg.line.map(latLng), Object.assign({ renderer }, style, core));
        inner.routeCore = true;
        layer.addLayer(inner);
      }
      if (leg.arrow) {
        const addArrow = () => {
          const arrow = new Arrowhead(latLng(leg.arrow), { renderer, heading: leg.arrow[2], radius: 7, stroke: false, fillColor: style.color, fillOpacity: 1 });
          arrow.routeLeg = leg;
          layer.addLayer(arrow);
        };
        if (detailFromZoom) laterArrows.push(addArrow);
        else addArrow();
      }
    }
    // A journey's lines and arrows share one set of handlers: a big map binds no popup or
    // tooltip to each of its thousands of lines.
    layer.on("click", (event) => {
      L.DomEvent.stop(event);
      openLeg(journey, event.sourceTarget.routeLeg, event.latlng);
    });
    layer.on("mouseover mousemove", (event) => {
      legTip.setLatLng(event.latlng);
      if (legTip.routeJourney !== journey) {
        legTip.routeJourney = journey;
        legTip.setContent(tooltip(journey.name));
      }
      if (!map.hasLayer(legTip)) legTip.openOn(map);
    });
    layer.on("mouseout", () => map.closeTooltip(legTip));
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
  // The layer control lists each journey and group; on a big map (where a list of thousands
  // would be unusable, and slow to build) it switches two layers: people's journeys, and routes.
  let entries = overlays;
  if (overlays.length > MAX_LAYER_ENTRIES) {
    const trips = overlays.filter((o) => !groups[o.id]);
    const routes = overlays.filter((o) => groups[o.id]);
    entries = [
      { name: "Journeys people describe (" + trips.length + ")", colour: styles.markers.origin.fillColor, layer: L.featureGroup(trips.map((o) => o.layer)) },
      { name: "Routes the articles discuss (" + data.journeys.filter((j) => j.group).length + ")", colour: styles.statuses["sold-out"].color, layer: L.featureGroup(routes.map((o) => o.layer)) },
    ].filter((entry) => entry.layer.getLayers().length);
  }

  // Places, drawn above the lines.
  const markers = {};
  const placeLayer = L.featureGroup();
  // A small map names its places outright; a big one names them on hover only, with smaller dots.
  const dense = data.places.features.length > DENSE_FROM;
  const labelled = data.places.features.length <= LABEL_ALL_UP_TO;
  for (const feature of data.places.features) {
    const p = feature.properties;
    const style = Object.assign({}, styles.markers[p.role], p.inferred ? styles.inferred : {});
    delete style.label;
    if (dense) Object.assign(style, { radius: Math.max(3, style.radius / 2), weight: 1 });
    if (p.inferred) style.color = styles.markers[p.role].fillColor;
    if (p.area) {
      // An area, not a pin: a wide translucent halo under the dot.
      const halo = Object.assign({}, styles.area, { color: styles.markers[p.role].fillColor, fillColor: styles.markers[p.role].fillColor, interactive: false, renderer });
      delete halo.label;
      placeLayer.addLayer(L.circleMarker(latLng(feature.geometry.coordinates), halo));
    }
    const marker = new PlaceDot(latLng(feature.geometry.coordinates), Object.assign({ renderer }, style));
    if (!dense) marker.bindTooltip(() => tooltip(p.name), { direction: "top", offset: [0, -6] });
    marker.routePlace = feature;
    markers[p.id] = marker;
    placeLayer.addLayer(marker);
  }
  // One popup handler for all places; on a dense map one tooltip too, moved from dot to dot.
  function openPlace(id) {
    const marker = markers[id];
    L.popup(Object.assign({ offset: [0, -4] }, popupSettings)).setLatLng(marker.getLatLng()).setContent(placePopup(marker.routePlace)).openOn(map);
  }
  placeLayer.on("click", (event) => {
    L.DomEvent.stop(event);
    openPlace(event.sourceTarget.routePlace.properties.id);
  });
  if (dense) {
    const placeTip = L.tooltip({ direction: "top", offset: [0, -6] });
    placeLayer.on("mouseover", (event) => {
      placeTip.setLatLng(event.sourceTarget.getLatLng()).setContent(tooltip(event.sourceTarget.routePlace.properties.name));
      placeTip.openOn(map);
    });
    placeLayer.on("mouseout", () => map.closeTooltip(placeTip));
  }
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
  for (const entry of entries) {
    const label = '<span class="swatch" style="background:' + entry.colour + '"></span>' + escapeHtml(entry.name);
    control[label] = entry.layer;
  }
  control["Places"] = placeLayer;
  const layersControl = L.control.layers(null, control, { collapsed: window.innerWidth < 1400, position: "topright" }).addTo(map);

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
      if (data.places.features.some((f) => f.properties.area)) {
        const halo = el("span", null, "dot area");
        halo.style.borderColor = styles.markers.destination.fillColor;
        row(halo, styles.area.label);
      }
      const usedModes = new Set(data.journeys.filter((j) => j.status === "trip").flatMap((j) => j.legs.map((l) => l.mode)));
      for (const [mode, style] of Object.entries(styles.modes)) if (usedModes.has(mode)) row(stroke(style, "#333"), style.label);
      if (data.journeys.some((j) => j.legs.some((l) => l.inferred))) {
        const hollow = stroke({ weight: 5 }, "#333");
        hollow.classList.add("hollow");
        row(hollow, styles.inferredLeg.label);
      }
      const usedStatuses = new Set(data.journeys.map((j) => j.status));
      for (const [status, style] of Object.entries(styles.statuses)) if (usedStatuses.has(status)) row(stroke(style), style.label);
      row(el("span", "▶", "arrow"), "Direction of travel");
      if (detailFromZoom) row(el("span", "+", "zoom-hint"), "Zoom in to see dashes and arrows");
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

  // The panel: the map's text alternative, with the search box. On a phone it folds away.
  const panel = buildPanel();
  document.body.classList.add("route-page");
  document.body.insertBefore(panel.root, map.getContainer());
  map.getContainer().setAttribute("role", "region");
  map.getContainer().setAttribute("aria-label", "Map");
  map.invalidateSize();

  function fold(open) {
    panel.root.classList.toggle("open", open);
    panel.toggle.setAttribute("aria-expanded", String(open));
    panel.toggle.textContent = open ? "Hide list" : "Journeys & search";
  }

  // Selecting a journey (or a group of routes) flies the map to it and opens its popup.
  function selectJourney(id) {
    const layer = journeyLayers[id] || groupLayers[id];
    if (!layer) return;
    if (small()) fold(false);
    if (!map.hasLayer(layer)) layer.addTo(map);
    const journey = data.journeys.find((j) => j.id === id || j.group === id);
    map.once("moveend", () => openLeg(journey, journey.legs[0]));
    map.flyToBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 7, duration: 0.8 });
  }

  // Selecting a place flies to it and opens its popup.
  function selectPlace(id) {
    const marker = markers[id];
    if (small()) fold(false);
    if (!map.hasLayer(placeLayer)) placeLayer.addTo(map);
    map.once("moveend", () => openPlace(id));
    map.flyTo(marker.getLatLng(), Math.max(map.getZoom(), 6), { duration: 0.8 });
  }

  // Search: a place by its name, or by any word of its popup (a person's name, a quote).
  let searchIndex = null;
  function searchPlaces(query) {
    if (!searchIndex) {
      searchIndex = data.places.features.map((f) => {
        const p = f.properties;
        const words = [p.name, p.note, p.inferred, p.country];
        for (const journey of placeJourneys[p.id] || []) words.push(journey.name, personLabel(journey.person));
        for (const index of p.quotes) words.push(data.quotes[index].text, personLabel(data.quotes[index].speaker));
        return { id: p.id, name: p.name.toLowerCase(), text: words.filter(Boolean).join(" ").toLowerCase() };
      });
    }
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    const whole = terms.join(" ");
    const scored = [];
    for (const entry of searchIndex) {
      if (!terms.every((t) => entry.text.includes(t))) continue;
      const score = entry.name.startsWith(whole) ? 0 : entry.name.includes(whole) ? 1 : 2;
      scored.push([score, entry.name, entry.id]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
    return scored.map((s) => s[2]);
  }

  function buildPanel() {
    const root = el("aside", null, "route-panel");
    root.setAttribute("aria-label", "Journeys, quotes and search");
    const head = el("header", null, "panel-head");
    head.append(el("h1", data.title));
    const toggle = el("button", "Journeys & search", "panel-toggle");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", "route-panel-body");
    toggle.addEventListener("click", () => fold(!root.classList.contains("open")));
    head.append(toggle);
    const body = el("div", null, "panel-body");
    body.id = "route-panel-body";
    root.append(head, body);

    if (data.dated) {
      const dated = el("div", null, "panel-dated");
      dated.append(el("p", data.dated));
      if (data.dated_inferred) dated.append(inferredLine("Date inferred", data.dated_inferred));
      body.append(dated);
    }
    const names = data.sources.map((s) => [s.label, "“" + s.title + "”"].join(", "));
    if (names.length <= 4) {
      const list = el("ul", null, "panel-sources");
      data.sources.forEach((source, n) => {
        const item = el("li", "Source: " + names[n]);
        if (source.note) item.append(el("p", source.note, "source-note"));
        list.append(item);
      });
      body.append(list);
    } else {
      const sourceList = el("details", null, "panel-sources");
      sourceList.append(el("summary", "Sources (" + names.length + ")"));
      const list = el("ul");
      for (const name of names) list.append(el("li", name));
      sourceList.append(list);
      body.append(sourceList);
    }

    // Search box and its results.
    const form = el("form", null, "search");
    form.setAttribute("role", "search");
    const label = el("label", "Find a place or a person");
    label.htmlFor = "route-search";
    const input = el("input");
    input.id = "route-search";
    input.type = "search";
    input.autocomplete = "off";
    input.placeholder = "e.g. Baku, Oleg";
    const status = el("p", null, "search-status");
    status.setAttribute("aria-live", "polite");
    const results = el("ul", null, "search-results");
    form.append(label, input, status, results);
    let found = [];
    const show = () => {
      found = searchPlaces(input.value);
      results.replaceChildren();
      for (const id of found.slice(0, 8)) {
        const p = places[id].properties;
        const button = el("button", null, "result");
        button.type = "button";
        button.append(el("span", p.name, "result-name"), el("span", styles.markers[p.role].label + " · " + p.country, "result-kind"));
        button.addEventListener("click", () => selectPlace(id));
        const item = el("li");
        item.append(button);
        results.append(item);
      }
      status.textContent = input.value.trim() ? (found.length === 1 ? "1 place found" : found.length + " places found") : "";
    };
    input.addEventListener("input", show);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      show();
      if (found.length) selectPlace(found[0]);
    });
    body.append(form);

    // Journeys people describe, then the groups of routes: each opens to its legs and quotes.
    const entry = (id, name, colour, fill) => {
      const item = el("li", null, "journey");
      const details = el("details");
      const summary = el("summary");
      const heading = el("h3");
      const swatch = el("span", null, "swatch");
      swatch.style.background = colour;
      heading.append(swatch, document.createTextNode(name));
      summary.append(heading);
      details.append(summary);
      let filled = false;
      details.addEventListener("toggle", () => {
        if (!details.open) return;
        if (!filled) {
          const content = el("div", null, "journey-body");
          fill(content);
          const show = el("button", "Show on the map", "show-on-map");
          show.type = "button";
          show.addEventListener("click", () => selectJourney(id));
          content.append(show);
          details.append(content);
          filled = true;
        }
        selectJourney(id);
      });
      item.append(details);
      return item;
    };
    const legList = (journey) => {
      const list = el("ol", null, "legs");
      for (const leg of journey.legs) {
        const words = [places[leg.from].properties.name + " → " + places[leg.to].properties.name, modeWords[leg.mode]];
        if (leg.when) words.push(leg.when);
        const item = el("li", words.join(" · "));
        item.append(...legInferences(journey, leg));
        list.append(item);
      }
      return list;
    };
    const trips = data.journeys.filter((j) => !j.group);
    if (trips.length) {
      const section = el("section", null, "journeys-section");
      section.append(el("h2", "Journeys"));
      const list = el("ul", null, "journey-list");
      const tripEntry = (journey) =>
        entry(journey.id, journey.name, journey.colour, (content) => {
          if (journey.person) content.append(el("p", personLabel(journey.person), "kicker"));
          if (journey.summary) content.append(el("p", journey.summary));
          if (journey.accounts) content.append(accountsBlock(journey.accounts));
          content.append(legList(journey), sourcesLine(journey.sources));
          appendQuotes(content, journey.quotes);
        });
      // A long list is written in batches after the map is drawn, so the map is ready first.
      list.append(...trips.slice(0, PANEL_BATCH).map(tripEntry));
      const more = (from) => {
        if (from >= trips.length) return;
        list.append(...trips.slice(from, from + PANEL_BATCH).map(tripEntry));
        later(() => more(from + PANEL_BATCH));
      };
      later(() => more(PANEL_BATCH));
      section.append(list);
      body.append(section);
    }
    if (data.groups.length) {
      const section = el("section", null, "groups-section");
      section.append(el("h2", "Routes the articles discuss"));
      const list = el("ul", null, "journey-list");
      for (const group of data.groups) {
        const members = data.journeys.filter((j) => j.group === group.id);
        if (!members.length) continue;
        list.append(
          entry(group.id, group.name, members[0].colour, (content) => {
            if (group.note) content.append(el("p", group.note));
            if (group.accounts) content.append(accountsBlock(group.accounts));
            const routes = el("ul", null, "legs");
            for (const journey of members) routes.append(el("li", journey.name));
            content.append(routes, sourcesLine(group.sources));
            appendQuotes(content, group.quotes);
          })
        );
      }
      section.append(list);
      body.append(section);
    }
    // Words the articles quote that belong to no one place or route.
    if (data.unplaced.length) {
      const section = el("section", null, "unplaced-section");
      section.append(el("h2", "Also quoted"));
      appendQuotes(section, data.unplaced);
      body.append(section);
    }
    // Places the articles name that the map leaves out on purpose, and why.
    if (data.unmapped.length) {
      const section = el("section", null, "unmapped-section");
      section.append(el("h2", "Named in the articles, not on the map"));
      const list = el("ul", null, "unmapped");
      for (const entry of data.unmapped) {
        const item = el("li");
        item.append(el("strong", entry.name + ": "), document.createTextNode(entry.why + " (" + entry.sources.map(sourceLabel).join("; ") + ")"));
        list.append(item);
      }
      section.append(list);
      body.append(section);
    }
    return { root, toggle, input };
  }

  const all = L.latLngBounds(data.bounds.map((b) => L.latLng(b[0], b[1])));
  // Fit everything drawn into the part of the map the panels on the right leave free.
  const edge = small() ? 16 : 30;
  const right = small() ? edge : Math.max(layersControl.getContainer().offsetWidth, legendControl.getContainer().offsetWidth) + 20;
  map.fitBounds(all, { paddingTopLeft: [edge, edge], paddingBottomRight: [right, small() ? 50 : 30] });
  // Only now, at the view they are seen at, are the lines and places drawn: once.
  for (const entry of entries) entry.layer.addTo(map);
  placeLayer.addTo(map);
  layoutLabels();

  // Served by `routes watch`: reload when a newer map has been built.
  if (data.live) {
    const poll = () =>
      fetch("__version", { cache: "no-store" })
        .then((answer) => answer.text())
        .then((version) => (Number(version) > data.live ? location.reload() : setTimeout(poll, 700)))
        .catch(() => setTimeout(poll, 2000));
    setTimeout(poll, 700);
  }

  window.routeMap = { map, markers, journeyLayers, groupLayers, placeLayer, overlays, layersControl, selectJourney, selectPlace, searchPlaces, openPlace, openLeg: (id, number) => {
    const journey = data.journeys.find((j) => j.id === id);
    openLeg(journey, journey.legs[number - 1]);
  } };
  return window.routeMap;
}
