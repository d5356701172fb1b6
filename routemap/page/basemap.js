/* The offline base map: country outlines and names from Natural Earth (routemap/basemap.py made
 * the data), drawn on a canvas of its own under the tiles. Online the tiles cover it; with no
 * tiles (offline, a firewall) the routes still lie on a map. Colours: styles.py BASEMAP_STYLE, or
 * DARK_STYLES in the dark (scheme.js). */

/* The canvas that draws the outlines, then writes each country's name where its largest part
 * is wide enough on screen to hold it, edged in the land's colour (style.namesHalo wide). */
const BasemapCanvas = L.Canvas.extend({
  _draw() {
    L.Canvas.prototype._draw.call(this);
    const map = this._map;
    const style = this.options.style;
    const ctx = this._ctx;
    ctx.save();
    ctx.font = style.namesFont;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    ctx.lineWidth = style.namesHalo;
    ctx.strokeStyle = style.land;
    ctx.fillStyle = style.names;
    // A country's name gives way to the map's own places: none is written over a dot.
    const dots = this.options.places().map((latlng) => map.latLngToLayerPoint(latlng));
    for (const country of this.options.countries) {
      const width = ctx.measureText(country.name).width;
      const west = map.latLngToLayerPoint(country.west);
      const east = map.latLngToLayerPoint(country.east);
      if (east.x - west.x < width + 12) continue;
      const at = map.latLngToLayerPoint(country.at);
      if (dots.some((dot) => Math.abs(dot.x - at.x) < width / 2 + 24 && Math.abs(dot.y - at.y) < 22)) continue;
      ctx.strokeText(country.name, at.x, at.y);
      ctx.fillText(country.name, at.x, at.y);
    }
    ctx.restore();
  },
});

/* Every country's rings as Leaflet lat/lngs, from the shared arcs (TopoJSON: each arc
 * delta-encoded and quantized; a negative index ~i is arc i backwards), and its name: in the
 * page's language where `names` (by ISO numeric id, from CLDR: language.py) has it. */
function basemapCountries(basemap, names) {
  const [sx, sy] = basemap.transform.scale;
  const [tx, ty] = basemap.transform.translate;
  const arcs = basemap.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [y * sy + ty, x * sx + tx];
    });
  });
  // A ring that crosses the antimeridian (Russia's Chukotka, Fiji) jumps from 180 to -180:
  // each point is moved by 360° to stay beside the one before, so no band spans the world.
  const ring = (indexes) => {
    const points = indexes.flatMap((i, n) => (i >= 0 ? arcs[i] : arcs[~i].slice().reverse()).slice(n ? 1 : 0));
    let shift = 0;
    return points.map(([lat, lng], n) => {
      if (n) {
        const before = points[n - 1][1];
        if (lng - before > 180) shift -= 360;
        else if (before - lng > 180) shift += 360;
      }
      return [lat, lng + shift];
    });
  };
  return basemap.countries.map((country) => {
    const polygons = country.polygons.map((polygon) => polygon.map(ring));
    // The east-west extent of its largest part, to tell whether its name fits.
    let west = 180;
    let east = -180;
    let most = 0;
    for (const polygon of polygons) {
      const lngs = polygon[0].map((p) => p[1]);
      const span = Math.max(...lngs) - Math.min(...lngs);
      if (span > most) {
        most = span;
        west = Math.min(...lngs);
        east = Math.max(...lngs);
      }
    }
    const lat = country.at[1];
    return { name: (names && names.get(country.id)) || country.name, polygons, at: L.latLng(lat, country.at[0]), west: L.latLng(lat, west), east: L.latLng(lat, east) };
  });
}

/* Made in steps of BASEMAP_BATCH countries, each in the browser's idle time, then drawn in one
 * pass (drawing as they come would redraw the big ones again and again); `view.basemapReady`
 * says when it is done. */
const BASEMAP_BATCH = 10;

function drawBasemap(view) {
  if (!view.basemap) return;
  const { map, styles } = view;
  const style = styles.basemap;
  map.createPane("basemap").style.zIndex = 150; // under the tiles (200)
  map.getContainer().style.background = style.sea;
  const names = view.data.basemapNames ? new Map(Object.entries(view.data.basemapNames)) : null;
  const countries = basemapCountries(view.basemap, names);
  // On a big map the names give way to no dots (there would be no name left).
  const places = () => (view.data.places.features.length > LABEL_ALL_UP_TO ? [] : Object.values(view.markers).map((m) => m.getLatLng()));
  const renderer = new BasemapCanvas({ pane: "basemap", padding: 0.3, style, countries: [], places });
  const outlines = L.layerGroup();
  let next = 0;
  const step = () => {
    for (const end = Math.min(next + BASEMAP_BATCH, countries.length); next < end; next++) {
      const country = countries[next];
      outlines.addLayer(L.polygon(country.polygons, { renderer, interactive: false, color: style.border, weight: style.borderWeight, fillColor: style.land, fillOpacity: 1 }));
    }
    if (next < countries.length) {
      later(step);
      return;
    }
    renderer.options.countries = countries;
    outlines.addTo(map); // drawn in one pass, names last
    view.basemapReady = true;
  };
  later(step);
  map.attributionControl.addAttribution(escapeHtml(say("credit.outlines")));
}
