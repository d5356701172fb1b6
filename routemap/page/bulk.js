/* Drawing a big map: thousands of legs and dots painted onto canvas tiles.
 *
 * A map of more than MAX_LAYER_ENTRIES journeys (its lines) or DENSE_FROM places (its dots) would
 * be thousands of Leaflet layers, each projected, clipped and stroked on its own at every pan and
 * zoom. Here instead each leg and dot is packed once into typed arrays, in Leaflet's zoom-0 pixels,
 * and indexed by its box (boxes.js); the lines and the dots are each a layer of canvas tiles
 * (a Leaflet GridLayer). A tile paints only what its box meets; a pan paints only the tiles it
 * brings into view; a zoom shows the last tiles scaled until the new ones are painted, a few at a
 * time between the reader's own input. What is under the pointer is found in the index too.
 *
 * The look is drawing.js's, from the same style table: a leg's colour, width, dashes and casing
 * (legStyler), hollow inferred legs, arrowheads, and the dense dots. A tile crossed by more than
 * BULK_DETAIL_LEGS legs is a thicket where no line can be told from the next: there every leg is
 * a hairline in its colour, as fast as a canvas can draw (width is what costs), and zooming in
 * thins it out into the detailed drawing. The journey a reader chooses is drawn over the rest
 * with all its detail (highlight), as a small map draws every journey. */

const BULK_TILE = 512; // CSS pixels a side
const BULK_DETAIL_LEGS = 1500; // more legs across a tile than this, on average at a zoom: hairlines
const BULK_PATH_LEGS = 96; // hairlines stroked as one path
const BULK_STEP_MS = 5; // painting tiles yields to a frame (and the reader's input) this often
const WORLD = 256; // Leaflet's world at zoom 0, in pixels
const MAX_LATITUDE = 85.0511287798; // Web Mercator's edge, as Leaflet's SphericalMercator

/* A longitude and a latitude as Leaflet's zoom-0 pixels (L.CRS.EPSG3857, without an object
 * per point). A longitude past ±180° (a leg unwrapped across the antimeridian) stays past the
 * world's edge, as Leaflet draws it. */
function worldX(lon) {
  return WORLD * (0.5 + lon / 360);
}
function worldY(lat) {
  const sin = Math.sin((Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * Math.PI) / 180);
  return WORLD * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
}

/* The zoom-0 pixel under a point of the map's container, and how many pixels of the screen one
 * zoom-0 pixel is now. */
function worldAt(map, containerPoint) {
  const scale = map.getZoomScale(map.getZoom(), 0);
  const p = map.containerPointToLayerPoint(containerPoint).add(map.getPixelOrigin());
  return { x: p.x / scale, y: p.y / scale, scale };
}

/* The box round boxes given as four arrays (of the same length): [left, top, right, bottom]. */
function extentOf(minX, minY, maxX, maxY) {
  const extent = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < minX.length; i++) {
    if (minX[i] < extent[0]) extent[0] = minX[i];
    if (minY[i] < extent[1]) extent[1] = minY[i];
    if (maxX[i] > extent[2]) extent[2] = maxX[i];
    if (maxY[i] > extent[3]) extent[3] = maxY[i];
  }
  return extent;
}

/* Every leg as typed arrays: its points, box, style and arrowhead in zoom-0 pixels, from the
 * big map's lines (data.legLines, which arcs.js works out). */
function packLegs(view, styleOf) {
  const { data } = view;
  const lines = data.legLines;
  const count = lines.heading.length;
  const points = lines.lon.length;
  const legs = {
    count,
    first: lines.first, // leg i's points are first[i] .. first[i + 1] - 1
    x: new Float64Array(points),
    y: new Float64Array(points),
    journey: new Uint32Array(count),
    number: new Uint16Array(count), // its place in its journey, from 0
    route: new Uint8Array(count), // 1: a route the articles discuss (a group's), 0: a person's journey
    style: new Uint16Array(count),
    styles: [], // the distinct line styles, by number
    arrowX: new Float64Array(count),
    arrowY: new Float64Array(count),
    heading: new Float64Array(count), // in radians, clockwise from north (NaN: no arrowhead)
  };
  for (let p = 0; p < points; p++) {
    legs.x[p] = worldX(lines.lon[p]);
    legs.y[p] = worldY(lines.lat[p]);
  }
  const box = [new Float64Array(count), new Float64Array(count), new Float64Array(count), new Float64Array(count)];
  for (let i = 0; i < count; i++) {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let p = legs.first[i]; p < legs.first[i + 1]; p++) {
      const x = legs.x[p];
      const y = legs.y[p];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    box[0][i] = x0;
    box[1][i] = y0;
    box[2][i] = x1;
    box[3][i] = y1;
    legs.arrowX[i] = worldX(lines.arrowLon[i]);
    legs.arrowY[i] = worldY(lines.arrowLat[i]);
    legs.heading[i] = (lines.heading[i] * Math.PI) / 180;
  }
  const styleNumbers = new Map();
  let i = 0;
  data.journeys.forEach((journey, j) => {
    journey.legs.forEach((leg, n) => {
      legs.journey[i] = j;
      legs.number[i] = n;
      legs.route[i] = journey.group ? 1 : 0;
      // Numbered by the options object legStyler shares among legs alike, hollow or not.
      const style = styleOf(journey, leg);
      const inferred = leg.inferred ? 1 : 0;
      if (!styleNumbers.has(style)) styleNumbers.set(style, [undefined, undefined]);
      const numbers = styleNumbers.get(style);
      if (numbers[inferred] === undefined) {
        numbers[inferred] = legs.styles.length;
        legs.styles.push(Object.assign({}, style, { inferred: Boolean(inferred), dashes: style.dashArray ? style.dashArray.split(/[ ,]+/).map(Number) : [] }));
      }
      legs.style[i] = numbers[inferred];
      i++;
    });
  });
  legs.index = boxIndex(...box);
  // Whether the legs at a zoom are a thicket: more than BULK_DETAIL_LEGS across a tile on
  // average over the tiles they span (each leg crosses one tile, and one more for each tile's
  // width of its length). One answer for the whole zoom: no seam where tiles meet.
  let length = 0;
  for (let n = 0; n < count; n++) {
    for (let q = legs.first[n]; q + 1 < legs.first[n + 1]; q++) length += Math.hypot(legs.x[q + 1] - legs.x[q], legs.y[q + 1] - legs.y[q]);
  }
  legs.extent = extentOf(...box);
  const [left, top, right, bottom] = legs.extent;
  legs.thicket = (zoom) => {
    const tile = BULK_TILE / 2 ** zoom; // a tile's side in zoom-0 pixels
    const tiles = Math.ceil((right - left) / tile + 1) * Math.ceil((bottom - top) / tile + 1);
    return (count + length / tile) / tiles > BULK_DETAIL_LEGS;
  };
  return legs;
}

/* Every place's dot as typed arrays: where it is in zoom-0 pixels, and its style (drawing.js's
 * drawPlaces: the dense map's smaller dots, hollow and dashed where inferred, a halo under an
 * area). */
function packDots(view) {
  const { data, styles } = view;
  const features = data.places.features;
  const count = features.length;
  const dots = { count, x: new Float64Array(count), y: new Float64Array(count), style: new Uint8Array(count), area: new Uint8Array(count), styles: [] };
  const styleNumbers = new Map();
  dots.numbers = new Map(); // each place's number, by id
  features.forEach((feature, i) => {
    const p = feature.properties;
    dots.numbers.set(p.id, i);
    const [lon, lat] = feature.geometry.coordinates;
    dots.x[i] = worldX(lon);
    dots.y[i] = worldY(lat);
    dots.area[i] = p.area ? 1 : 0;
    const key = p.role + (p.inferred ? " inferred" : "");
    if (!styleNumbers.has(key)) {
      const role = styles.markers[p.role];
      const style = denseDot(Object.assign({}, role, p.inferred ? styles.inferred : {}), styles.denseDot);
      if (p.inferred) style.color = ringColour(role);
      style.dashes = style.dashArray ? style.dashArray.split(/[ ,]+/).map(Number) : [];
      style.halo = Object.assign({}, styles.area, { color: ringColour(role), fillColor: role.fillColor });
      style.halo.dashes = style.halo.dashArray ? style.halo.dashArray.split(/[ ,]+/).map(Number) : [];
      styleNumbers.set(key, dots.styles.length);
      dots.styles.push(style);
    }
    dots.style[i] = styleNumbers.get(key);
  });
  const reach = Math.max(...dots.styles.map((s) => Math.max(s.radius + s.weight, s.halo.radius + s.halo.weight)), 0);
  dots.reach = reach; // the farthest a dot's drawing reaches from its point, in screen pixels
  dots.index = boxIndex(dots.x, dots.y, dots.x, dots.y);
  return dots;
}

/* A layer of canvas tiles painted by `paint(ctx, coords, size)`, a few at a time between the
 * reader's input, and only where there is something to paint (`extent`: zoom-0 pixels, with
 * `reach` screen pixels more for what is drawn beside its point). Tiles are not wrapped round
 * the world: a leg unwrapped across the antimeridian runs on past 180°, as Leaflet draws it. */
const BulkTiles = L.GridLayer.extend({
  initialize(paint, extent, reach, options) {
    L.GridLayer.prototype.initialize.call(this, Object.assign({ tileSize: BULK_TILE, keepBuffer: 1, updateWhenIdle: false, updateWhenZooming: false }, options));
    this._paint = paint;
    this._extent = extent;
    this._reach = reach;
    this._waiting = [];
  },
  _wrapCoords(coords) {
    return coords;
  },
  _isValidTile(coords) {
    const scale = 2 ** coords.z;
    const size = this.getTileSize().x;
    const margin = this._reach / scale;
    const [x0, y0, x1, y1] = this._extent;
    return (coords.x * size) / scale <= x1 + margin && ((coords.x + 1) * size) / scale >= x0 - margin && (coords.y * size) / scale <= y1 + margin && ((coords.y + 1) * size) / scale >= y0 - margin;
  },
  createTile(coords, done) {
    const tile = document.createElement("canvas");
    const size = this.getTileSize().x;
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    tile.width = tile.height = Math.round(size * ratio);
    tile.style.width = tile.style.height = size + "px";
    const entry = { layer: this, tile, coords, done, key: this._tileCoordsToKey(coords), ratio, steps: null };
    this._waiting.push(entry);
    BULK_WAITING.push(entry);
    if (!BULK_WAITING.painting) paintWaiting();
    return tile;
  },
  // Whether a tile waiting to be painted is still wanted (not zoomed or panned past).
  _wanted(entry) {
    const held = this._tiles && this._tiles[entry.key];
    return Boolean(held && held.el === entry.tile);
  },

  // The steps of painting a tile afresh (a generator).
  *paintTile(tile, coords, ratio) {
    const ctx = tile.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, tile.width, tile.height);
    yield* this._paint(ctx, coords, this.getTileSize().x, ratio);
  },
  // Every tile in view painted at once (before printing, which waits for no timer).
  paintAll() {
    for (const entry of this._waiting.splice(0)) {
      if (!this._wanted(entry) || entry.painted) continue;
      const steps = entry.steps || this.paintTile(entry.tile, entry.coords, entry.ratio);
      while (!steps.next().done);
      entry.painted = true;
      entry.done(null, entry.tile);
    }
  },
  // Painted again with what is now to be shown (a kind of route switched on or off).
  repaint() {
    for (const held of Object.values(this._tiles || {})) {
      if (!held.current || !held.loaded) continue;
      const steps = this.paintTile(held.el, held.coords, Math.min(2, window.devicePixelRatio || 1));
      while (!steps.next().done);
    }
  },
});

/* The tiles of every BulkTiles layer waiting to be painted, in the order Leaflet asked for them
 * (nearest the middle first), painted by one loop (paintWaiting) so that the layers share one
 * budget of BULK_STEP_MS between frames. */
const BULK_WAITING = [];

/* Paints the waiting tiles after the frame that shows the move (the last tiles scaled or
 * shifted), then BULK_STEP_MS of painting to a frame: a tile is painted in steps (its painter
 * yields between runs of legs or dots), and shown when done. A tile no longer wanted (zoomed or
 * panned past) is left. */
async function paintWaiting() {
  BULK_WAITING.painting = true;
  await afterFrame();
  let since = performance.now();
  while (BULK_WAITING.length) {
    const entry = BULK_WAITING[0];
    const { layer } = entry;
    const finished = entry.painted || !layer._wanted(entry) || (entry.steps = entry.steps || layer.paintTile(entry.tile, entry.coords, entry.ratio)).next().done;
    if (finished) {
      BULK_WAITING.shift();
      const at = layer._waiting.indexOf(entry);
      if (at !== -1) layer._waiting.splice(at, 1);
      if (!entry.painted && layer._wanted(entry)) {
        entry.painted = true;
        entry.done(null, entry.tile);
      }
    }
    if (performance.now() - since > BULK_STEP_MS) {
      await afterFrame();
      since = performance.now();
    }
  }
  BULK_WAITING.painting = false;
}

/* After the next frame is drawn (or at once where the page is hidden and draws none). */
function afterFrame() {
  if (document.hidden) return nextTask();
  return new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
}

/* What a tile of routes shows of each leg i: its points, in the tile's pixels. */
function traceLeg(ctx, legs, i, scale, left, top) {
  const end = legs.first[i + 1];
  let p = legs.first[i];
  ctx.moveTo(legs.x[p] * scale - left, legs.y[p] * scale - top);
  for (p++; p < end; p++) ctx.lineTo(legs.x[p] * scale - left, legs.y[p] * scale - top);
}

const BULK_MARGIN = 16; // pixels beyond a tile's edge a leg is kept to (its casing reaches out)

/* The parts of leg i inside the box min..max (in both directions) of a tile's pixels: each a
 * run of its points, cut where it enters and leaves, with `along`, how far along the leg (in
 * pixels) it starts. */
function legPieces(legs, i, scale, left, top, min, max) {
  const pieces = [];
  let piece = null;
  let along = 0;
  for (let p = legs.first[i]; p + 1 < legs.first[i + 1]; p++) {
    const ax = legs.x[p] * scale - left;
    const ay = legs.y[p] * scale - top;
    const dx = legs.x[p + 1] * scale - left - ax;
    const dy = legs.y[p + 1] * scale - top - ay;
    const length = Math.hypot(dx, dy);
    // The part of this step inside the box, as fractions t0..t1 of it (Liang and Barsky's).
    let t0 = 0;
    let t1 = 1;
    for (const [towards, room] of [[-dx, ax - min], [dx, max - ax], [-dy, ay - min], [dy, max - ay]]) {
      if (towards === 0) {
        if (room < 0) t1 = -1;
        continue;
      }
      const t = room / towards;
      if (towards < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
    }
    if (t0 <= t1) {
      if (!piece || t0 > 0) {
        piece = { along: along + length * t0, points: [ax + dx * t0, ay + dy * t0] };
        pieces.push(piece);
      }
      piece.points.push(ax + dx * t1, ay + dy * t1);
      if (t1 < 1) piece = null;
    } else piece = null;
    along += length;
  }
  return pieces;
}

/* The legs' tiles: `shown(i)` says whether leg i is to be drawn (its kind switched on). */
function routePainter(view, legs, shown) {
  const { styles } = view;
  return function* paint(ctx, coords, size, ratio) {
    const scale = 2 ** coords.z;
    const left = coords.x * size;
    const top = coords.y * size;
    const reach = 12 / scale; // the widest casing or arrowhead beside a line, in zoom-0 pixels
    const found = [];
    legs.index.search((left / scale) - reach, (top / scale) - reach, (left + size) / scale + reach, (top + size) / scale + reach, (i) => {
      if (shown(i)) found.push(i);
    });
    found.sort((a, b) => a - b); // the file's order: later journeys over earlier, as on a small map
    ctx.lineJoin = styles.line.lineJoin;
    ctx.lineCap = styles.line.lineCap;
    if (legs.thicket(coords.z) || found.length > 4 * BULK_DETAIL_LEGS) {
      // A thicket: hairlines, a few hundred legs to a path, the colours taking turns so that
      // none lies over all the others.
      const byColour = new Map();
      for (const i of found) {
        const style = legs.styles[legs.style[i]];
        if (!byColour.has(style.color)) byColour.set(style.color, []);
        byColour.get(style.color).push(i);
      }
      ctx.lineWidth = 1 / ratio;
      ctx.setLineDash([]);
      for (let from = 0; from < found.length; from += BULK_PATH_LEGS) {
        for (const [colour, members] of byColour) {
          if (from >= members.length) continue;
          ctx.strokeStyle = colour;
          ctx.globalAlpha = legs.styles[legs.style[members[0]]].opacity;
          ctx.beginPath();
          for (let n = from, end = Math.min(from + BULK_PATH_LEGS, members.length); n < end; n++) traceLeg(ctx, legs, members[n], scale, left, top);
          ctx.stroke();
        }
        yield;
      }
      return;
    }
    const detail = coords.z >= view.detailFromZoom;
    const cased = detail || view.renderer.options.casedOverview;
    const casing = styles.casing;
    const arrow = styles.arrow;
    const arrowReach = Math.ceil(arrow.size * Math.max(arrow.tip, 1)); // its farthest corner
    let drawn = 0;
    for (const i of found) {
      if (++drawn % BULK_PATH_LEGS === 0) yield;
      const style = legs.styles[legs.style[i]];
      // Each piece of the leg that crosses the tile, stroked on its own with its dashes carried on
      // from the leg's start: a zoomed-in leg runs for millions of pixels beyond, whose dashes
      // would cost a canvas seconds to work out.
      for (const piece of legPieces(legs, i, scale, left, top, -BULK_MARGIN, size + BULK_MARGIN)) {
        ctx.beginPath();
        ctx.moveTo(piece.points[0], piece.points[1]);
        for (let n = 2; n < piece.points.length; n += 2) ctx.lineTo(piece.points[n], piece.points[n + 1]);
        if (cased) {
          ctx.setLineDash([]);
          ctx.globalAlpha = casing.opacity;
          ctx.lineWidth = style.weight + casing.extraWeight;
          ctx.strokeStyle = casing.color;
          ctx.stroke();
        }
        ctx.setLineDash(detail ? style.dashes : []);
        ctx.lineDashOffset = (Number(style.dashOffset) || 0) + piece.along;
        ctx.globalAlpha = style.opacity;
        ctx.lineWidth = style.weight;
        ctx.strokeStyle = style.color;
        ctx.stroke();
        if (style.inferred) {
          // Hollow, as drawing.js draws an inferred leg: a pale core down its middle.
          ctx.lineWidth = Math.max(1, style.weight * styles.inferredLeg.coreWeight);
          ctx.strokeStyle = styles.inferredLeg.core;
          ctx.stroke();
        }
      }
      const x = legs.arrowX[i] * scale - left;
      const y = legs.arrowY[i] * scale - top;
      if (detail && !Number.isNaN(legs.heading[i]) && x > -arrowReach && y > -arrowReach && x < size + arrowReach && y < size + arrowReach) {
        // The arrowhead, where it meets this tile: drawing.js's Arrowhead.
        ctx.setLineDash([]);
        arrowheadPath(ctx, x, y, legs.heading[i] - Math.PI / 2, arrow);
        ctx.globalAlpha = 1;
        ctx.fillStyle = style.color;
        ctx.fill();
      }
    }
  };
}

/* The dots' tiles: halos under areas first, then the dots, a path per style (or per few thousand). */
function dotPainter(dots) {
  return function* paint(ctx, coords, size) {
    const scale = 2 ** coords.z;
    const left = coords.x * size;
    const top = coords.y * size;
    const reach = dots.reach / scale;
    const found = [];
    dots.index.search(left / scale - reach, top / scale - reach, (left + size) / scale + reach, (top + size) / scale + reach, (i) => found.push(i));
    found.sort((a, b) => a - b);
    const disc = (style, i) => {
      const x = dots.x[i] * scale - left;
      const y = dots.y[i] * scale - top;
      ctx.moveTo(x + style.radius, y);
      ctx.arc(x, y, style.radius, 0, 2 * Math.PI);
    };
    const fillStroke = (style) => {
      ctx.globalAlpha = style.fillOpacity;
      ctx.fillStyle = style.fillColor || style.color;
      ctx.fill("nonzero");
      ctx.setLineDash(style.dashes);
      ctx.globalAlpha = style.opacity === undefined ? 1 : style.opacity;
      ctx.lineWidth = style.weight;
      ctx.strokeStyle = style.color;
      ctx.stroke();
    };
    // (A few thousand dots to a path, with a pause for the page between paths.)
    const groups = [];
    dots.styles.forEach((style, number) => groups.push([style.halo, found.filter((i) => dots.area[i] && dots.style[i] === number)]));
    dots.styles.forEach((style, number) => groups.push([style, found.filter((i) => dots.style[i] === number)]));
    for (const [style, members] of groups) {
      for (let from = 0; from < members.length; from += 20 * BULK_PATH_LEGS) {
        ctx.beginPath();
        for (const i of members.slice(from, from + 20 * BULK_PATH_LEGS)) disc(style, i);
        fillStroke(style);
        yield;
      }
    }
  };
}

/* The distance in screen pixels from (x, y) to leg i, all in zoom-0 pixels times `scale`. */
function legDistance(legs, i, x, y, scale) {
  let best = Infinity;
  const end = legs.first[i + 1];
  for (let p = legs.first[i]; p + 1 < end; p++) {
    const ax = legs.x[p];
    const ay = legs.y[p];
    const dx = legs.x[p + 1] - ax;
    const dy = legs.y[p + 1] - ay;
    const length = dx * dx + dy * dy;
    const t = length ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / length)) : 0;
    best = Math.min(best, Math.hypot(ax + t * dx - x, ay + t * dy - y));
  }
  return best * scale;
}

/* Draws a big map's routes (if it has more than MAX_LAYER_ENTRIES journeys) and dots (more than
 * DENSE_FROM places) as tiles, and answers what lies under the pointer. Sets view.bulk; returns
 * the layer control's entries for the routes (people's journeys, routes the articles discuss),
 * or null where the routes are drawn as layers (drawing.js). */
function drawBulk(view, onLegClick) {
  const { map, data, styles } = view;
  const bulk = { legs: null, dots: null, routeTiles: null, dotTiles: null, highlight: null };
  view.bulk = bulk;
  let entries = null;
  if (view.detailFromZoom) {
    const styleOf = legStyler(view);
    const legs = packLegs(view, styleOf);
    bulk.legs = legs;
    const kinds = [true, true]; // people's journeys, routes the articles discuss: switched on
    map.createPane("bulkRoutes").style.zIndex = 390; // under the chosen journey and the dots
    bulk.shownLeg = (i) => kinds[legs.route[i]];
    bulk.routeTiles = new BulkTiles(routePainter(view, legs, bulk.shownLeg), legs.extent, 12, { pane: "bulkRoutes" });
    // The layer control's two switches: each shows or hides its kind of route in the tiles.
    const Switch = L.Layer.extend({
      initialize(kind) {
        this.kind = kind;
      },
      onAdd() {
        kinds[this.kind] = true;
        bulk.routeTiles.repaint();
      },
      onRemove() {
        kinds[this.kind] = false;
        bulk.routeTiles.repaint();
      },
    });
    const trips = data.journeys.filter((j) => !j.group).length;
    const routes = data.journeys.length - trips;
    entries = [
      { name: say("layers.trips", { n: trips }), colour: styles.markers.origin.fillColor, layer: new Switch(0), count: trips },
      { name: say("layers.routes", { n: routes }), colour: styles.statuses["sold-out"].color, layer: new Switch(1), count: routes },
    ].filter((entry) => entry.count);
    // The chosen journey, drawn over the rest and the dots with all its detail at any zoom.
    map.createPane("chosenRoute").style.zIndex = 460;
    const renderer = new RouteCanvas({ pane: "chosenRoute", padding: 0.2, tolerance: 6, detailFromZoom: 0 });
    const tip = routeTip();
    bulk.highlight = { layer: L.featureGroup(), ids: [] };
    bulk.showJourneys = (ids) => {
      const highlight = bulk.highlight;
      if (ids.join("\n") === highlight.ids.join("\n")) return;
      highlight.layer.clearLayers();
      highlight.ids = ids;
      for (const id of ids) highlight.layer.addLayer(journeyLayer(view, view.journeys.get(id), styleOf, onLegClick, tip, renderer, null));
      if (ids.length && !map.hasLayer(highlight.layer)) highlight.layer.addTo(map);
      if (!ids.length) highlight.layer.remove();
      // The other routes step back (map.css), so that the chosen one stands out of the thicket.
      map.getContainer().classList.toggle("route-chosen", ids.length > 0);
    };
    // The reader closed the chosen journey's popup (and opened no other): all routes again. (A
    // popup opened only to be measured, map.js selectJourney, is not the reader's.)
    map.on("popupclose", (event) => {
      if (event.popup.routeMeasured) return;
      setTimeout(() => {
        if (!(map._popup && map.hasLayer(map._popup))) bulk.showJourneys([]);
      });
    });
  }
  if (data.places.features.length > DENSE_FROM) {
    const dots = packDots(view);
    bulk.dots = dots;
    map.createPane("bulkPlaces").style.zIndex = 450; // over the lines
    const extent = extentOf(dots.x, dots.y, dots.x, dots.y);
    bulk.dotTiles = new BulkTiles(dotPainter(dots), extent, dots.reach, { pane: "bulkPlaces" });
  }
  return entries;
}

/* The legs under a point of the map's container (within a line's half width and 6 pixels, as
 * the canvas renderer's tolerance), one per journey, topmost first. */
function bulkLegsAt(view, containerPoint) {
  const { legs, routeTiles } = view.bulk;
  if (!legs || !view.map.hasLayer(routeTiles)) return [];
  const { x, y, scale } = worldAt(view.map, containerPoint);
  const reach = 12 / scale;
  const found = [];
  legs.index.search(x - reach, y - reach, x + reach, y + reach, (i) => {
    const style = legs.styles[legs.style[i]];
    if (view.bulk.shownLeg(i) && legDistance(legs, i, x, y, scale) <= style.weight / 2 + 6) found.push(i);
  });
  found.sort((a, b) => b - a);
  const seen = new Set();
  const result = [];
  for (const i of found) {
    const journey = view.data.journeys[legs.journey[i]];
    if (seen.has(journey)) continue;
    seen.add(journey);
    result.push({ journey, leg: journey.legs[legs.number[i]] });
  }
  return result;
}

/* The style of a place's dot on the big map's tiles, by the place's id. */
function bulkDotStyle(view, id) {
  const { dots } = view.bulk;
  return dots.styles[dots.style[dots.numbers.get(id)]];
}

/* The places whose dots lie under a point of the map's container, topmost first, by id. */
function bulkPlacesAt(view, containerPoint) {
  const { dots, dotTiles } = view.bulk;
  if (!dots || !view.map.hasLayer(dotTiles)) return [];
  const { x, y, scale } = worldAt(view.map, containerPoint);
  const reach = (Math.max(...dots.styles.map((s) => s.radius)) + 2) / scale;
  const found = [];
  // (Measured from the dot's point rounded to a whole pixel, as Leaflet places a marker.)
  dots.index.search(x - reach, y - reach, x + reach, y + reach, (i) => {
    const distance = Math.hypot(Math.round(dots.x[i] * scale) - x * scale, Math.round(dots.y[i] * scale) - y * scale);
    if (distance <= dots.styles[dots.style[i]].radius + 2) found.push(i);
  });
  return found.sort((a, b) => b - a).map((i) => view.data.places.features[i].properties.id);
}

/* The pointer over a big map's tiles: a dot's name (or how many lie there) or a route's, a
 * pointing hand, and a click that opens what is there, dots before lines, as the layers of a
 * small map answer. Hit-tested in the index once per frame, however fast the mouse moves. */
function bulkPointer(view, onPlaceClick, onLegClick) {
  const { map } = view;
  const tip = L.tooltip({ direction: "top", offset: [0, -8] });
  const box = map.getContainer();
  let latest = null;
  const hover = () => {
    const event = latest;
    latest = null;
    if (!event) return;
    const point = event.containerPoint;
    const places = bulkPlacesAt(view, point);
    let words = null;
    let at = event.latlng;
    if (places.length) {
      const name = view.places.get(places[0]).properties.name;
      words = places.length > 1 ? say("tip.more", { name, n: places.length - 1 }) : name;
      at = latLng(view.places.get(places[0]).geometry.coordinates);
    } else {
      const legs = bulkLegsAt(view, point);
      if (legs.length) words = legs[0].journey.name;
    }
    box.classList.toggle("route-pointer", words !== null);
    if (words === null) {
      map.closeTooltip(tip);
      return;
    }
    tip.setLatLng(at);
    if (tip.routeWords !== words) {
      tip.routeWords = words;
      tip.setContent(told("span", words));
    }
    if (!map.hasLayer(tip)) tip.openOn(map);
  };
  map.on("mousemove", (event) => {
    if (!latest) requestAnimationFrame(hover);
    latest = event;
  });
  map.on("mouseout movestart", () => {
    latest = null;
    box.classList.remove("route-pointer");
    map.closeTooltip(tip);
  });
  map.on("click", (event) => {
    const point = event.containerPoint;
    const places = bulkPlacesAt(view, point);
    if (places.length) {
      onPlaceClick(places[0], point);
      return;
    }
    const legs = bulkLegsAt(view, point);
    if (legs.length) onLegClick(legs[0].journey, legs[0].leg, event.latlng, point);
  });
}
