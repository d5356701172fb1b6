/* The map's controls: the layer control (a swatch of each journey's colour, then its escaped
 * name), the legend (from the same style table the markers and lines use), and the notice shown
 * when map tiles cannot load. */

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
      };
      const dot = (style, inferred) => {
        const s = el("span", null, "dot" + (inferred ? " inferred" : ""));
        s.style.background = style.fillColor;
        s.style.borderColor = inferred ? ringColour(style) : style.color;
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
        halo.style.borderColor = ringColour(styles.markers.destination);
        row(halo, styles.area.label);
      }
      const usedModes = new Set(data.journeys.filter((j) => j.status === "trip").flatMap((j) => j.legs.map((l) => l.mode)));
      for (const [mode, style] of Object.entries(styles.modes)) if (usedModes.has(mode)) row(stroke(style, "var(--route-text)"), style.label);
      if (data.journeys.some((j) => j.legs.some((l) => l.inferred))) {
        const hollow = stroke({ weight: 5 }, "var(--route-text)");
        hollow.classList.add("hollow");
        row(hollow, styles.inferredLeg.label);
      }
      const usedStatuses = new Set(data.journeys.map((j) => j.status));
      for (const [status, style] of Object.entries(styles.statuses)) if (usedStatuses.has(status)) row(stroke(style), style.label);
      row(el("span", "▶", "arrow"), say("legend.direction"));
      if (view.spreads) row(el("span", null, "spread-key"), styles.leader.label);
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

/* When the `tiles` layer cannot load (offline, blocked), say so and call `failed` (once): the
 * offline base map is drawn then, and only then, for online the tiles cover it. A map without
 * tiles calls it at once. Called before the layer is added to the map; `view.tilesLoaded` says
 * when the tiles in view have come. */
function watchTiles(view, tiles, failed) {
  const { map } = view;
  // Names are laid out clear of the controls: again when the notice comes or goes.
  const relayout = () => view.layoutLabels && view.layoutLabels();
  const Notice = L.Control.extend({
    onAdd() {
      const box = el("div", null, "tile-notice");
      box.setAttribute("role", "status");
      const hide = el("button", "×", "tile-notice-hide");
      hide.type = "button";
      hide.title = say("tiles.hide");
      hide.setAttribute("aria-label", say("tiles.hide"));
      hide.addEventListener("click", () => {
        this.remove();
        relayout();
      });
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
    relayout();
    failed();
  };
  if (tiles) {
    tiles.on("tileerror", fail);
    // Leaflet says "load" when every tile has answered, failed ones too.
    tiles.on("load", () => (view.tilesLoaded = !notice));
  } else failed();
}
