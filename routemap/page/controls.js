/* The map's controls: the layer control (a swatch of each journey's colour, then its escaped
 * name), the legend (from the same style table the markers and lines use: each kind of line
 * drawn in SVG with its width and dashes), and the notice shown when map tiles cannot load. */

/* Each entry is added on its own (addOverlay), never as a key of an object: two journeys of one
 * name and colour (colours repeat; groups share the grey) keep an entry each, and a name such
 * as `constructor` is just a name. */
function addLayerControl(view, entries) {
  const control = L.control.layers(null, null, { collapsed: window.innerWidth < 1400, position: "topright" });
  for (const entry of entries) {
    const label = '<span class="swatch" style="background:' + entry.colour + '"></span>' + (entry.told ? toldHtml(entry.name) : escapeHtml(entry.name));
    control.addOverlay(entry.layer, label);
  }
  control.addOverlay(view.placeLayer, escapeHtml(say("layers.places")));
  return control.addTo(view.map);
}

/* Leaflet writes its own buttons' names in English: the zoom buttons, the layer control's
 * toggle and its credit link take the page's words (a screen reader reads the aria-label, a
 * mouse shows the title). */
function nameLeafletButtons(map, layersControl) {
  const name = (button, key) => {
    if (!button) return;
    button.title = say(key);
    button.setAttribute("aria-label", say(key));
  };
  if (map.zoomControl) {
    name(map.zoomControl._zoomInButton, "controls.zoomIn");
    name(map.zoomControl._zoomOutButton, "controls.zoomOut");
  }
  name(layersControl._layersLink, "controls.layers");
  // The credits' link to Leaflet: its title in the page's words (the flag and name kept).
  const credits = map.attributionControl;
  if (credits && typeof credits.options.prefix === "string") {
    credits.setPrefix(credits.options.prefix.replace(/title="[^"]*"/, 'title="' + escapeHtml(say("credit.leaflet")) + '"'));
  }
}

const LEGEND_CLEARANCE = 150; // px of the map's height left above and below the open legend
const SVG_NS = "http://www.w3.org/2000/svg";
const STROKE_LENGTH = 26; // px: a line's key in the legend, as wide as its other keys (map.css)
const STROKE_HEIGHT = 12;

function addLegend(view) {
  const { data, styles } = view;
  const Legend = L.Control.extend({
    onAdd() {
      const box = el("details", null, "route-legend leaflet-bar");
      box.append(el("summary", say("legend.title")));
      const list = el("ul");
      const row = (symbol, text) => {
        const item = el("li");
        symbol.setAttribute("aria-hidden", "true");
        item.append(symbol, el("span", text));
        list.append(item);
        return item;
      };
      const dot = (style, inferred) => {
        const s = el("span", null, "dot" + (inferred ? " inferred" : ""));
        s.style.background = style.fillColor;
        s.style.borderColor = inferred ? ringColour(style) : style.color;
        return s;
      };
      // A line's key: a stretch of it drawn as the map draws it, in SVG, its width (within
      // what a key can show: styles.legend; an entry of no width has Leaflet's, 3), opacity and
      // dashes from the same style entry; `colour` (the text colour, light or dark) where the
      // entry has none of its own.
      const line = (symbol, colour, weight, style) => {
        const drawn = document.createElementNS(SVG_NS, "line");
        for (const [name, value] of [["x1", 0], ["y1", STROKE_HEIGHT / 2], ["x2", STROKE_LENGTH], ["y2", STROKE_HEIGHT / 2]]) drawn.setAttribute(name, value);
        drawn.style.stroke = colour; // (a CSS variable: an attribute would not read it)
        drawn.setAttribute("stroke-width", weight);
        drawn.setAttribute("stroke-linecap", styles.line.lineCap);
        if (style.opacity !== undefined) drawn.setAttribute("stroke-opacity", style.opacity);
        if (style.dashArray) drawn.setAttribute("stroke-dasharray", style.dashArray);
        symbol.append(drawn);
        return drawn;
      };
      const stroke = (style, colour) => {
        const symbol = document.createElementNS(SVG_NS, "svg");
        symbol.setAttribute("class", "stroke");
        symbol.setAttribute("width", STROKE_LENGTH);
        symbol.setAttribute("height", STROKE_HEIGHT);
        symbol.setAttribute("viewBox", "0 0 " + STROKE_LENGTH + " " + STROKE_HEIGHT);
        symbol.setAttribute("focusable", "false");
        line(symbol, style.color || colour, Math.max(styles.legend.minWeight, Math.min(style.weight || 3, styles.legend.maxWeight)), style);
        return symbol;
      };
      const usedRoles = new Set(data.places.features.map((f) => f.properties.role));
      for (const [role, style] of Object.entries(styles.markers)) if (usedRoles.has(role)) row(dot(style), style.label);
      if (data.places.features.some((f) => f.properties.inferred)) row(dot(styles.markers["border-crossing"], true), styles.inferred.label);
      if (data.places.features.some((f) => f.properties.area)) {
        const halo = el("span", null, "dot area");
        halo.style.borderColor = ringColour(styles.markers.destination);
        row(halo, styles.area.label);
      }
      const usedModes = new Set(data.journeys.filter((j) => j.status === "trip").flatMap((j) => j.legs.map((l) => l.mode)));
      for (const [mode, style] of Object.entries(styles.modes)) if (usedModes.has(mode)) row(stroke(style, "var(--route-text)"), style.label);
      if (data.journeys.some((j) => j.legs.some((l) => l.inferred))) {
        // Hollow, as the map draws an inferred leg (styles.inferredLeg): a core of its share of
        // the line's width (styles.legend.hollowWeight), in the colour of the ground the legend
        // lies on (on screen the style's core, light or dark; on paper, white).
        const weight = styles.legend.hollowWeight;
        const hollow = stroke({ weight }, "var(--route-text)");
        line(hollow, "var(--route-surface)", Math.max(1, weight * styles.inferredLeg.coreWeight), {});
        row(hollow, styles.inferredLeg.label);
      }
      const usedStatuses = new Set(data.journeys.map((j) => j.status));
      for (const [status, style] of Object.entries(styles.statuses)) if (usedStatuses.has(status)) row(stroke(style), style.label);
      row(el("span", "▶", "arrow"), say("legend.direction"));
      if (view.spreads) {
        // Dots moved aside where places crowd, explained while one is in view (labels.js says
        // when, as the still image's legend has the entry only where it moves a dot).
        const moved = row(el("span", null, "spread-key"), styles.leader.label);
        moved.classList.add("moved-entry");
        moved.hidden = true;
        view.map.on("dotsmoved", (event) => (moved.hidden = !event.inView));
      }
      if (view.detailFromZoom) row(el("span", "+", "zoom-hint"), say("legend.zoom"));
      box.append(list);
      // Never taller than the map leaves it, below the layer control (map.css).
      const fit = () => {
        // (the box's own height: asking Leaflet for its size would settle it mid-print)
        list.style.maxHeight = Math.max(60, view.map.getContainer().clientHeight - LEGEND_CLEARANCE) + "px";
      };
      view.map.on("resize", fit);
      box.addEventListener("toggle", () => {
        fit();
        // While it is open on a narrow map, the tiles notice beside it steps aside (map.css).
        view.map.getContainer().classList.toggle("legend-open", box.open);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });
  return new Legend({ position: "bottomright" }).addTo(view.map);
}

/* When the `tiles` layer cannot load (offline, blocked), say so and call `failed` (once, the
 * notice shown): the offline base map is drawn then, and only then, for online the tiles cover
 * it. A map without tiles calls it at once. Called before the layer is added to the map;
 * `view.tilesLoaded` says when the tiles in view have come. Returns `notice()`: the notice's
 * element while it is on the map (fits keep clear of it: map.js), else null. */
function watchTiles(view, tiles, failed) {
  const { map } = view;
  const Notice = L.Control.extend({
    onAdd() {
      const box = el("div", null, "tile-notice");
      box.setAttribute("role", "status");
      const hide = el("button", "×", "tile-notice-hide");
      hide.type = "button";
      hide.title = say("tiles.hide");
      hide.setAttribute("aria-label", say("tiles.hide"));
      hide.addEventListener("click", () => this.remove());
      box.append(el("span", say("tiles.notice")), hide);
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });
  let notice = null;
  const fail = () => {
    if (notice) return;
    map.getContainer().classList.add("no-tiles");
    notice = new Notice({ position: "bottomleft" }).addTo(map);
    failed();
  };
  if (tiles) {
    tiles.on("tileerror", fail);
    // Leaflet says "load" when every tile has answered, failed ones too.
    tiles.on("load", () => (view.tilesLoaded = !notice));
  } else failed();
  return { notice: () => (notice && notice.getContainer().isConnected ? notice.getContainer() : null) };
}
