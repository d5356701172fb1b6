/* Where each place's dot and name stand on screen, laid out again after every zoom and move,
 * and whenever a control changes its size (the legend or the layer control opened or folded,
 * the tiles notice come or gone).
 *
 * Dots that would overlap (Bucha and Irpin share a pixel at the first view) are spread apart
 * around their middle, each with a thin leader to its true point (drawing.js: PlaceDot), so
 * every place can be clicked at every zoom; the map fires "dotsmoved" ({ inView }) after each
 * layout, saying whether a dot so moved is in view (the legend explains them only then). Then
 * each name goes beside its own dot, touching it, where it covers no other dot, no other name
 * and no control; failing that, a little way off with a leader line to its dot; failing that
 * too, it shows on hover only. A dot off the map or under a control has no name shown: a name
 * never stands without its dot. Names are plain elements in a pane of their own, measured with
 * one canvas, so a layout costs no reflow. */

const LABEL_FONT = "11px system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif";
const LABEL_HEIGHT = 16;
const LABEL_PADDING = 4; // each side, as in map.css .place-label
const DOT_GAP = 3; // least space between two spread dots' edges
const LABEL_ORDER = ["origin", "destination", "border-crossing", "stop", "context"];

function placeLabels(view) {
  const { map, data, markers } = view;
  const features = data.places.features;
  const spreads = features.length <= DENSE_FROM;
  const labelled = features.length <= LABEL_ALL_UP_TO;
  const pane = map.createPane("placeLabels");
  pane.classList.add("leaflet-zoom-hide");
  pane.setAttribute("aria-hidden", "true"); // the names are in the markers' tooltips and the panel
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "label-leaders");
  pane.append(svg);
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = LABEL_FONT;
  // Starts and ends are named first, places named only for context last.
  // (Only a map whose places are all named needs the order.)
  const ordered = labelled ? features.map((f) => f.properties).sort((a, b) => LABEL_ORDER.indexOf(a.role) - LABEL_ORDER.indexOf(b.role)) : [];
  const labels = new Map();
  if (labelled) {
    for (const p of ordered) {
      const label = el("div", p.name, "place-label");
      label.dataset.place = p.id;
      // One line, or for a long name two (broken before its bracket, or at its middle space).
      const width = (text) => Math.ceil(measure.measureText(text).width) + 2 * LABEL_PADDING;
      label.routeShapes = [{ lines: [p.name], w: width(p.name), h: LABEL_HEIGHT }];
      const cut = p.name.includes(" (") ? p.name.indexOf(" (") : middleSpace(p.name);
      if (p.name.length > 16 && cut > 0) {
        const lines = [p.name.slice(0, cut), p.name.slice(cut + 1)];
        label.routeShapes.push({ lines, w: Math.max(...lines.map(width)), h: 2 * LABEL_HEIGHT - 2 });
      }
      pane.append(label);
      labels.set(p.id, label);
    }
  }

  function middleSpace(text) {
    let best = -1;
    for (let i = 0; i < text.length; i++) if (text[i] === " " && Math.abs(i - text.length / 2) < Math.abs(best - text.length / 2)) best = i;
    return best;
  }

  // Move crowding dots apart: clusters of dots whose discs come within DOT_GAP of each other go
  // round a circle about their middle, each keeping its bearing from the middle. A cluster so
  // spread may come near another dot: the two then join and are spread again, till none crowd.
  function spread() {
    const dots = features.map((f) => {
      const marker = markers[f.properties.id];
      return { marker, at: map.latLngToLayerPoint(marker.getLatLng()), r: marker.getRadius() + (marker.options.weight || 0) / 2 };
    });
    const parent = dots.map((_, i) => i);
    const root = (i) => (parent[i] === i ? i : (parent[i] = root(parent[i])));
    const reach = 2 * Math.max(...dots.map((d) => d.r)) + DOT_GAP;
    // Each pair of dots whose discs at `points` come within DOT_GAP, through a grid of cells as
    // wide as the largest reach: no all-pairs loop.
    const crowding = (points, visit) => {
      const cells = new Map();
      points.forEach((at, i) => {
        const cx = Math.floor(at.x / reach);
        const cy = Math.floor(at.y / reach);
        for (let dx = -1; dx <= 1; dx++) {
          for (let dy = -1; dy <= 1; dy++) {
            for (const j of cells.get(cx + dx + "," + (cy + dy)) || []) {
              if (at.distanceTo(points[j]) < dots[i].r + dots[j].r + DOT_GAP) visit(i, j);
            }
          }
        }
        const key = cx + "," + cy;
        if (!cells.has(key)) cells.set(key, []);
        cells.get(key).push(i);
      });
    };
    crowding(dots.map((d) => d.at), (i, j) => (parent[root(i)] = root(j)));
    let placed = dots.map((d) => d.at);
    for (let pass = 0; pass < 5; pass++) {
      placed = spreadClusters(dots, root);
      let joined = false;
      crowding(placed, (i, j) => {
        if (root(i) === root(j)) return;
        parent[root(i)] = root(j);
        joined = true;
      });
      if (!joined) break;
    }
    dots.forEach((d, i) => setShift(d.marker, placed[i] === d.at ? null : placed[i].subtract(d.at)));
  }

  // Where each dot goes: a cluster's members round a circle about their middle (by index).
  function spreadClusters(dots, root) {
    const clusters = new Map();
    dots.forEach((d, i) => {
      const r = root(i);
      if (!clusters.has(r)) clusters.set(r, []);
      clusters.get(r).push(i);
    });
    const placed = dots.map((d) => d.at);
    for (const indexes of clusters.values()) {
      if (indexes.length === 1) continue;
      const members = indexes.map((i) => dots[i]);
      const middle = members.reduce((sum, d) => sum.add(d.at), L.point(0, 0)).divideBy(members.length);
      const widest = Math.max(...members.map((d) => d.r));
      const radius = members.length === 2 ? widest + DOT_GAP / 2 + 1 : (widest + DOT_GAP / 2 + 1) / Math.sin(Math.PI / members.length);
      const bearing = (d) => (d.at.distanceTo(middle) < 0.5 ? 0 : Math.atan2(d.at.y - middle.y, d.at.x - middle.x));
      indexes.sort((a, b) => bearing(dots[a]) - bearing(dots[b]));
      const start = bearing(dots[indexes[0]]);
      indexes.forEach((i, n) => {
        const angle = start + (2 * Math.PI * n) / indexes.length;
        placed[i] = middle.add(L.point(Math.cos(angle) * radius, Math.sin(angle) * radius));
      });
    }
    return placed;
  }

  function setShift(marker, shift) {
    if (shift && Math.abs(shift.x) <= 0.5 && Math.abs(shift.y) <= 0.5) shift = null;
    const old = marker._shift;
    if (!shift && !old) return;
    if (shift && old && Math.abs(shift.x - old.x) < 0.5 && Math.abs(shift.y - old.y) < 0.5) return;
    marker._shift = shift;
    if (map.hasLayer(marker)) marker.redraw();
  }

  // Where a label may go around a dot at `p` of reach `r`: touching first, then farther off.
  function candidates(p, r, w, h) {
    const out = [];
    for (const off of [0, 14, 28, 44, 64, 90, 120]) {
      const d = r + 2 + off;
      const diagonal = r * 0.7 + 1 + off * 0.7;
      out.push(
        [p.x + d, p.y - h / 2, off],
        [p.x - d - w, p.y - h / 2, off],
        [p.x - w / 2, p.y - d - h, off],
        [p.x - w / 2, p.y + d, off],
        [p.x + diagonal, p.y - diagonal - h, off],
        [p.x - diagonal - w, p.y - diagonal - h, off],
        [p.x + diagonal, p.y + diagonal, off],
        [p.x - diagonal - w, p.y + diagonal, off],
        // Above or below, reaching left or right from the dot (near the map's edges).
        [p.x + r / 2 - w, p.y - d - h, off],
        [p.x - r / 2, p.y - d - h, off],
        [p.x + r / 2 - w, p.y + d, off],
        [p.x - r / 2, p.y + d, off]
      );
    }
    return out;
  }

  // Whether a dot moved aside is drawn within the map's bounds.
  function movedInView() {
    const size = map.getSize();
    return features.some((f) => {
      const marker = markers[f.properties.id];
      if (!marker._shift) return false;
      const at = map.latLngToContainerPoint(marker.getLatLng()).add(marker._shift);
      return at.x >= 0 && at.y >= 0 && at.x <= size.x && at.y <= size.y;
    });
  }

  function layout() {
    if (!map.hasLayer(view.placeLayer)) {
      pane.style.display = "none";
      map.fire("dotsmoved", { inView: false });
      return;
    }
    pane.style.display = "";
    if (spreads) spread();
    // (Before the controls are measured: the legend's entry for moved dots comes and goes.)
    map.fire("dotsmoved", { inView: spreads && movedInView() });
    if (!labelled) return;
    const size = map.getSize();
    const frame = map.getContainer().getBoundingClientRect();
    // Boxes in container pixels that a label may not cover: the controls, then placed labels.
    const taken = Array.from(map.getContainer().querySelectorAll(".leaflet-control"), (c) => {
      const r = c.getBoundingClientRect();
      return { left: r.left - frame.left, top: r.top - frame.top, right: r.right - frame.left, bottom: r.bottom - frame.top };
    });
    const controls = taken.slice();
    const dots = features.map((f) => {
      const marker = markers[f.properties.id];
      const at = map.layerPointToContainerPoint(dotLayerPoint(map, marker));
      return { id: f.properties.id, at, r: marker.getRadius() + 1 };
    });
    const dotOf = new Map(dots.map((d) => [d.id, d]));
    // A dot the reader sees: its middle within the map, under no control.
    const seen = (at) =>
      at.x >= 0 && at.y >= 0 && at.x <= size.x && at.y <= size.y && !controls.some((c) => at.x >= c.left && at.x <= c.right && at.y >= c.top && at.y <= c.bottom);
    const hits = (box) =>
      box.left < 0 ||
      box.top < 0 ||
      box.right > size.x ||
      box.bottom > size.y ||
      taken.some((t) => box.left < t.right + 1 && box.right > t.left - 1 && box.top < t.bottom + 1 && box.bottom > t.top - 1) ||
      dots.some((d) => {
        const x = Math.max(box.left, Math.min(d.at.x, box.right));
        const y = Math.max(box.top, Math.min(d.at.y, box.bottom));
        return Math.hypot(x - d.at.x, y - d.at.y) < d.r + 1;
      });
    const leaders = [];
    for (const p of ordered) {
      const label = labels.get(p.id);
      const dot = dotOf.get(p.id);
      if (!seen(dot.at)) {
        label.hidden = true;
        continue;
      }
      let placed = null;
      for (const shape of label.routeShapes) {
        for (const [left, top, off] of candidates(dot.at, dot.r, shape.w, shape.h)) {
          const box = { left, top, right: left + shape.w, bottom: top + shape.h };
          if (!hits(box)) {
            placed = { box, off, shape };
            break;
          }
        }
        if (placed) break;
      }
      if (!placed) {
        label.hidden = true;
        continue;
      }
      label.hidden = false;
      if (label.routeLines !== placed.shape.lines) {
        label.routeLines = placed.shape.lines;
        label.replaceChildren(...placed.shape.lines.flatMap((line, n) => (n ? [el("br"), line] : [line])));
      }
      taken.push(placed.box);
      const corner = map.containerPointToLayerPoint(L.point(placed.box.left, placed.box.top));
      label.style.transform = "translate(" + Math.round(corner.x) + "px," + Math.round(corner.y) + "px)";
      if (placed.off) {
        // A leader from the dot's edge to the nearest point of its name.
        const x = Math.max(placed.box.left, Math.min(dot.at.x, placed.box.right));
        const y = Math.max(placed.box.top, Math.min(dot.at.y, placed.box.bottom));
        const length = Math.hypot(x - dot.at.x, y - dot.at.y);
        const from = L.point(dot.at.x + ((x - dot.at.x) * dot.r) / length, dot.at.y + ((y - dot.at.y) * dot.r) / length);
        leaders.push([p.id, map.containerPointToLayerPoint(from), map.containerPointToLayerPoint(L.point(x, y))]);
      }
    }
    svg.replaceChildren(
      ...leaders.map(([id, a, b]) => {
        const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
        line.setAttribute("x1", a.x);
        line.setAttribute("y1", a.y);
        line.setAttribute("x2", b.x);
        line.setAttribute("y2", b.y);
        line.dataset.place = id;
        return line;
      })
    );
  }
  map.on("moveend overlayadd overlayremove resize", layout); // (every zoom ends with a moveend)
  // A control opened, folded, come or gone: laid out again on the next frame (once, however many
  // changed), not within the observer's own callback.
  let asked = false;
  const layoutSoon = () => {
    if (asked) return;
    asked = true;
    requestAnimationFrame(() => {
      asked = false;
      layout();
    });
  };
  const resized = new ResizeObserver(layoutSoon);
  for (const corner of map.getContainer().querySelectorAll(".leaflet-top, .leaflet-bottom")) resized.observe(corner);
  return { layout };
}
