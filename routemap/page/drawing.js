/* Drawing on the map's canvas: routes (lines, hollow cores, arrowheads, one handler set per
 * journey) and places (dots, area halos). Where a dot stands when dots crowd is labels.js's;
 * what a popup says is popups.js's. */

/* A place's dot. The canvas renderer's click tolerance (wide, so thin lines are easy to hit)
 * would let a dot take clicks meant for a neighbour a dozen pixels away: a dot answers only to
 * its own disc. Where dots crowd, labels.js moves one aside by `_shift` pixels; it is then
 * drawn there with a thin leader back to its true point, and answers to clicks there. */
const PlaceDot = L.CircleMarker.extend({
  _containsPoint(point) {
    return point.distanceTo(this._point) <= this._radius + 2;
  },
  _project() {
    this._truePoint = this._map.latLngToLayerPoint(this._latlng);
    this._point = this._shift ? this._truePoint.add(this._shift) : this._truePoint;
    this._updateBounds();
    if (this._shift) this._pxBounds.extend(this._truePoint);
  },
  _updatePath() {
    const renderer = this._renderer;
    if (this._shift && renderer._drawing && !this._empty()) {
      const ctx = renderer._ctx;
      const leader = this.options.leader;
      ctx.save();
      ctx.setLineDash([]);
      ctx.strokeStyle = leader.color;
      ctx.lineWidth = leader.weight;
      ctx.beginPath();
      ctx.moveTo(this._truePoint.x, this._truePoint.y);
      ctx.lineTo(this._point.x, this._point.y);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(this._truePoint.x, this._truePoint.y, leader.spotRadius, 0, 2 * Math.PI);
      ctx.fillStyle = leader.color;
      ctx.fill();
      ctx.restore();
    }
    L.CircleMarker.prototype._updatePath.call(this);
  },
});

/* The colour that stands for a dot in a list's swatch: its fill, or for a hollow or white one (a
 * stop, an inference) its ring. */
function dotColour(style) {
  return style.fillOpacity >= 0.5 && style.fillColor !== "#ffffff" ? style.fillColor : style.color;
}

/* Where a place's dot is drawn, in layer pixels: moved aside where dots crowd (its `_point`,
 * once drawn), else its true point. */
function dotLayerPoint(map, marker) {
  return marker._point || map.latLngToLayerPoint(marker.getLatLng());
}

/* An arrowhead's triangle as a path on `ctx`: at (x, y), pointing `angle` radians clockwise from
 * east, its shape styles.arrow's (styles.py ARROW_STYLE): its tip `size × tip` pixels ahead, its
 * back corners `size` pixels off, `spread` radians either side. Small maps' Arrowhead and big
 * maps' tiles (bulk.js) both draw it so. */
function arrowheadPath(ctx, x, y, angle, arrow) {
  const corner = (turn, length) => [x + Math.cos(angle + turn) * length, y + Math.sin(angle + turn) * length];
  ctx.beginPath();
  ctx.moveTo(...corner(0, arrow.size * arrow.tip));
  ctx.lineTo(...corner(arrow.spread, arrow.size));
  ctx.lineTo(...corner(-arrow.spread, arrow.size));
  ctx.closePath();
}

/* A leg's arrowhead: a triangle of fixed screen size at the point and heading that Python
 * computed (routemap/geometry.py: flat_arrows), shaped by its `arrow` option (styles.arrow), its
 * `radius` the arrow's size. Drawn on the canvas renderer like a circle marker, so it costs no
 * DOM element; clicks use the circle marker's hit test. */
const Arrowhead = L.CircleMarker.extend({
  // Its own triangle only: the renderer's wide tolerance would let it take a neighbour's clicks.
  _containsPoint(point) {
    return point.distanceTo(this._point) <= this._radius;
  },
  _updatePath() {
    const renderer = this._renderer;
    if (!renderer._drawing || this._empty() || !renderer.showsDetail()) return;
    const angle = ((this.options.heading - 90) * Math.PI) / 180;
    arrowheadPath(renderer._ctx, this._point.x, this._point.y, angle, this.options.arrow);
    renderer._fillStroke(renderer._ctx, this);
  },
});

/* The canvas the routes and places are drawn on. A line with a `casing` style is stroked twice
 * on one path: first wider in the casing's pale colour, then in its own, so it keeps its
 * contrast on any background (tiles, water, the offline base map) at the cost of one more
 * stroke, not one more layer. Below the zoom `detailFromZoom` (a big map's overview) it draws
 * no casings, dashed lines solid and no arrowheads: there they cannot be told apart in the
 * thicket of lines, and would take the canvas most of its drawing time (there, and on every
 * pan); such a map's colours keep their contrast without casings (styles.py). */
const RouteCanvas = L.Canvas.extend({
  showsDetail() {
    return this._map.getZoom() >= this.options.detailFromZoom;
  },
  _fillStroke(ctx, layer) {
    const options = layer.options;
    const detail = this.showsDetail();
    const casing = options.casing;
    if (casing && options.stroke && (detail || this.options.casedOverview)) {
      ctx.save();
      ctx.setLineDash([]);
      ctx.globalAlpha = casing.opacity;
      ctx.lineWidth = options.weight + casing.extraWeight;
      ctx.strokeStyle = casing.color;
      ctx.lineCap = options.lineCap;
      ctx.lineJoin = options.lineJoin;
      ctx.stroke();
      ctx.restore();
    }
    const dashes = options._dashArray;
    if (dashes && !detail) options._dashArray = null;
    // (Leaflet's canvas leaves a dash pattern's offset to SVG: routes sharing dashes take turns.)
    ctx.lineDashOffset = Number(options.dashOffset) || 0;
    L.Canvas.prototype._fillStroke.call(this, ctx, layer);
    options._dashArray = dashes;
  },
});

/* Each leg's line options (Leaflet path options): its journey's colour, its mode's or its
 * status's width and dashes (a person's leg is styled by its mode; a route the articles discuss
 * by its status), and where routes of one origin share a dash pattern, their turns.
 *
 * Routes of one origin drawn with the same dashes would hide one another where they run
 * together: with n colours among them, each dash is followed by a gap of n - 1 dashes and each
 * next colour's dashes start a dash later, so every colour shows, turn about. (Routes of one
 * colour look the same where they overlap, so they share a turn.) */
function legStyler(view) {
  const { data, styles } = view;
  const kindStyle = (journey, leg) => (journey.status === "trip" ? styles.modes[leg.mode] : styles.statuses[journey.status]);
  // The colours of the dashed legs that leave each place with each dash pattern: place →
  // pattern → colours (Maps, not keys joined into strings: a big map has some 100,000 legs).
  const dashColours = new Map();
  const coloursOf = (leg, style) => {
    const patterns = dashColours.get(leg.from);
    return patterns ? patterns.get(style.dashArray) : undefined;
  };
  for (const journey of data.journeys) {
    for (const leg of journey.legs) {
      const style = kindStyle(journey, leg);
      if (!style.dashArray) continue;
      let patterns = dashColours.get(leg.from);
      if (!patterns) dashColours.set(leg.from, (patterns = new Map()));
      let colours = patterns.get(style.dashArray);
      if (!colours) patterns.set(style.dashArray, (colours = []));
      const colour = style.color || journey.colour;
      if (!colours.includes(colour)) colours.push(colour);
    }
  }
  // Legs alike share one options object (a big map has tens of thousands of legs): not to be
  // changed by the caller. Found by their kind's style, colour, and how many share the dashes
  // and which turn is theirs.
  const made = new Map();
  return (journey, leg) => {
    const kind = kindStyle(journey, leg);
    const colour = kind.color || journey.colour;
    const colours = (kind.dashArray && coloursOf(leg, kind)) || null;
    const sharing = colours && colours.length > 1 && colours.length <= 4 ? colours.length : 1;
    const turn = sharing > 1 ? colours.indexOf(colour) : 0;
    let byColour = made.get(kind);
    if (!byColour) made.set(kind, (byColour = new Map()));
    let alike = byColour.get(colour);
    if (!alike) byColour.set(colour, (alike = []));
    const slot = sharing * 4 + turn;
    if (!alike[slot]) {
      const style = Object.assign({ color: journey.colour }, styles.line, kind);
      delete style.label;
      if (sharing > 1) {
        const dash = Number(style.dashArray.split(/[ ,]+/)[0]);
        style.dashArray = dash + " " + dash * (sharing - 1);
        style.dashOffset = String(turn * dash);
      }
      alike[slot] = style;
    }
    return alike[slot];
  };
}

/* One journey's lines as one layer: each leg's line (hollow, with a pale core, where it is
 * inferred) and its arrowhead, with the journey's click and hover handlers. `arrowsLater`, if
 * given, collects the arrowheads' making for later (a big map's overview shows none). */
function journeyLayer(view, journey, styleOf, onLegClick, legTip, renderer, arrowsLater) {
  const { map, styles } = view;
  const layer = L.featureGroup();
  for (const leg of journey.legs) {
    const style = styleOf(journey, leg);
    const points = legLine(view.data, leg).map(latLng);
    const line = L.polyline(points, Object.assign({ renderer, interactive: true, casing: styles.casing }, style));
    line.routeLeg = leg;
    line.routeJourney = journey;
    layer.addLayer(line);
    if (leg.inferred) {
      // Hollow: a pale core down the line's middle, as an inferred point is a hollow dot.
      const core = { color: styles.inferredLeg.core, weight: Math.max(1, style.weight * styles.inferredLeg.coreWeight), interactive: false };
      const inner = L.polyline(points, Object.assign({ renderer }, style, core));
      inner.routeCore = true;
      layer.addLayer(inner);
    }
    const head = legArrow(view.data, leg);
    if (head) {
      const addArrow = () => {
        const arrow = new Arrowhead(latLng(head), { renderer, heading: head[2], arrow: styles.arrow, radius: styles.arrow.size, stroke: false, fillColor: style.color, fillOpacity: 1 });
        arrow.routeLeg = leg;
        arrow.routeJourney = journey;
        layer.addLayer(arrow);
      };
      if (arrowsLater) arrowsLater.push(addArrow);
      else addArrow();
    }
  }
  layer.on("click", (event) => {
    L.DomEvent.stop(event);
    // Where the pointer is (Leaflet reports a small marker's, an arrowhead's, own point instead).
    const point = map.mouseEventToContainerPoint(event.originalEvent);
    onLegClick(journey, event.sourceTarget.routeLeg, map.containerPointToLatLng(point), point);
  });
  layer.on("mouseover mousemove", (event) => {
    legTip.setLatLng(event.latlng);
    if (legTip.routeJourney !== journey) {
      legTip.routeJourney = journey;
      legTip.setContent(told("span", journey.name));
    }
    if (!map.hasLayer(legTip)) legTip.openOn(map);
  });
  layer.on("mouseout", () => map.closeTooltip(legTip));
  return layer;
}

/* The tooltip a route shows under the pointer: its journey's name. */
function routeTip() {
  return L.tooltip({ direction: "top", offset: [0, -8] });
}

/* Every route's lines: one layer per journey (a group's journeys share the group's layer), one
 * click and one hover handler per journey layer. Returns the layer control's entries. */
function drawRoutes(view, onLegClick) {
  const { map, data, styles, renderer, groups } = view;
  const laterArrows = []; // on a big map, made on first zooming in far enough, not before
  map.on("zoomend", function makeArrows() {
    if (map.getZoom() < view.detailFromZoom) return; // (the renderer has no map until layers are drawn)
    map.off("zoomend", makeArrows);
    for (const add of laterArrows.splice(0)) add();
  });
  const styleOf = legStyler(view);
  const legTip = routeTip();
  const overlays = [];
  for (const journey of data.journeys) {
    const layer = journeyLayer(view, journey, styleOf, onLegClick, legTip, renderer, view.detailFromZoom ? laterArrows : null);
    view.journeyLayers[journey.id] = layer;
    if (journey.group) {
      if (!view.groupLayers[journey.group]) {
        view.groupLayers[journey.group] = L.featureGroup();
        overlays.push({ id: journey.group, name: groups.get(journey.group).name, told: true, colour: styles.statuses["sold-out"].color, layer: view.groupLayers[journey.group] });
      }
      view.groupLayers[journey.group].addLayer(layer);
    } else {
      overlays.push({ id: journey.id, name: journey.name, told: true, colour: journey.colour, layer });
    }
  }
  // The layer control lists each journey and group; on a big map (where a list of thousands
  // would be unusable, and slow to build) it switches two layers: people's journeys, and routes.
  if (overlays.length <= MAX_LAYER_ENTRIES) return overlays;
  const trips = overlays.filter((o) => !groups.get(o.id));
  const routes = overlays.filter((o) => groups.get(o.id));
  return [
    { name: say("layers.trips", { n: trips.length }), colour: styles.markers.origin.fillColor, layer: L.featureGroup(trips.map((o) => o.layer)) },
    { name: say("layers.routes", { n: data.journeys.filter((j) => j.group).length }), colour: styles.statuses["sold-out"].color, layer: L.featureGroup(routes.map((o) => o.layer)) },
  ].filter((entry) => entry.layer.getLayers().length);
}

/* The legs under a point of the map (in container pixels), one per journey, topmost first:
 * where lines overlap, a click offers them all. */
function legsAt(view, containerPoint) {
  const point = view.map.containerPointToLayerPoint(containerPoint);
  const found = [];
  const seen = new Set();
  for (const layer of Object.values(view.journeyLayers)) {
    if (!view.map.hasLayer(layer)) continue;
    layer.eachLayer((part) => {
      if (!(part instanceof L.Polyline) || !part.routeLeg || !part._parts || seen.has(part.routeJourney)) return;
      if (part._pxBounds && !near(part._pxBounds, point, 8)) return;
      if (part._containsPoint(point)) {
        seen.add(part.routeJourney);
        found.push({ journey: part.routeJourney, leg: part.routeLeg });
      }
    });
  }
  return found.reverse();
}

/* The place dots (markers) under a point of the map (in container pixels), topmost first. */
function dotsAt(view, containerPoint) {
  const point = view.map.containerPointToLayerPoint(containerPoint);
  const found = [];
  if (!view.map.hasLayer(view.placeLayer)) return found;
  for (const marker of Object.values(view.markers)) if (marker._point && marker._containsPoint(point)) found.push(marker);
  return found.reverse();
}

function near(bounds, point, margin) {
  return point.x >= bounds.min.x - margin && point.x <= bounds.max.x + margin && point.y >= bounds.min.y - margin && point.y <= bounds.max.y + margin;
}

/* The colour of a hollow dot's dashed edge and of an area's halo: a role's ringColor at night
 * (styles.py DARK_STYLES), else its fill. */
function ringColour(marker) {
  return marker.ringColor || marker.fillColor;
}

/* A dot's radius and ring on a map whose places crowd (more than DENSE_FROM), from its style and
 * styles.denseDot (styles.py DENSE_DOT_STYLE): laid over the style, after its certainty's. */
function denseDot(style, dense) {
  return Object.assign(style, { radius: Math.max(dense.minRadius, style.radius * dense.radiusScale), weight: dense.weight });
}

/* Places, drawn above the lines: a dot per place (hollow and dashed if inferred), a halo under
 * an area. A small map names each outright (labels.js); a big one names them on hover, with
 * smaller dots. */
function drawPlaces(view, onPlaceClick) {
  const { map, data, styles, renderer } = view;
  const placeLayer = L.featureGroup();
  const dense = data.places.features.length > DENSE_FROM;
  for (const feature of data.places.features) {
    const p = feature.properties;
    const style = Object.assign({}, styles.markers[p.role], p.inferred ? styles.inferred : {});
    delete style.label;
    if (dense) denseDot(style, styles.denseDot);
    delete style.ringColor;
    if (p.inferred) style.color = ringColour(styles.markers[p.role]);
    if (p.area) {
      // An area, not a pin: a wide translucent halo under the dot.
      const halo = Object.assign({}, styles.area, { color: ringColour(styles.markers[p.role]), fillColor: styles.markers[p.role].fillColor, interactive: false, renderer });
      delete halo.label;
      placeLayer.addLayer(L.circleMarker(latLng(feature.geometry.coordinates), halo));
    }
    const marker = new PlaceDot(latLng(feature.geometry.coordinates), Object.assign({ renderer, leader: styles.leader }, style));
    if (!dense) marker.bindTooltip(() => told("span", p.name), { direction: "top", offset: [0, -6] });
    marker.routePlace = feature;
    view.markers[p.id] = marker;
    placeLayer.addLayer(marker);
  }
  const pointer = (event) => map.mouseEventToContainerPoint(event.originalEvent);
  placeLayer.on("click", (event) => {
    L.DomEvent.stop(event);
    onPlaceClick(event.sourceTarget.routePlace.properties.id, pointer(event));
  });
  if (dense) {
    // One tooltip moved from dot to dot; where dots lie on one another it says how many.
    const placeTip = L.tooltip({ direction: "auto", offset: [0, 0] }); // beside the dot, towards the middle
    placeLayer.on("mouseover", (event) => {
      const others = dotsAt(view, pointer(event)).length - 1;
      const name = event.sourceTarget.routePlace.properties.name;
      placeTip.setLatLng(event.sourceTarget.getLatLng()).setContent(told("span", others > 0 ? say("tip.more", { name, n: others }) : name));
      placeTip.openOn(map);
    });
    placeLayer.on("mouseout", () => map.closeTooltip(placeTip));
  }
  map.on("overlayadd", () => placeLayer.bringToFront());
  return placeLayer;
}
