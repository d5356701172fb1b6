/* The map's data as the page reads it: its data block unpacked (plain JSON, gzip, or a big
 * map's packed columns, made rows again), a big map's quotes read as they are asked for, and
 * where each leg's line and arrowhead are. */

/* The map's data block: plain JSON; for a bigger map, gzip in base64; for a big one, packed
 * (JSON that leaves out what the page can tell itself: render._packed_fields) and gzipped in
 * parts, each part's base64 after a space (packed.gzip_in_parts), unpacked here and joined. */
async function readRouteData(element) {
  const encoding = element.dataset.encoding;
  if (encoding === "json") return JSON.parse(element.textContent);
  const text = element.textContent;
  if (encoding === "gzip-base64") return JSON.parse(new TextDecoder().decode(await gunzipBase64(text)));
  const parts = await Promise.all(text.split(" ").map(gunzipBase64));
  const bytes = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let filled = 0;
  for (const part of parts) {
    bytes.set(part, filled);
    filled += part.length;
  }
  // A big map's: its JSON, then each quote's words as JSON on a line of their own, read as asked.
  const split = bytes.indexOf(10); // (none where the map has no quotes)
  const data = JSON.parse(new TextDecoder().decode(split === -1 ? bytes : bytes.subarray(0, split)));
  data.quotes = quotesAsAsked(bytes, split + 1, data.quoteCount, data.quotes);
  unpackFields(data);
  // The legs' lines, worked out from the places they join (arcs.js), while the journeys name
  // them by number; then each leg's number, where it starts (the journey's start, then each
  // leg's end), where its line is in legLines, and places by id again.
  data.legLines = mapLegLines(data);
  const features = data.places.features;
  let at = 0;
  for (const journey of data.journeys) {
    let from = features[journey.from].properties.id;
    journey.from = from;
    journey.legs.forEach((leg, n) => {
      leg.to = features[leg.to].properties.id;
      leg.number = n + 1;
      leg.from = from;
      leg.at = at++;
      from = leg.to;
    });
  }
  return data;
}

/* One gzip file in base64, unpacked: the browser's own base64 decoder feeds its own gunzip, no JS
 * loop. Uint8Array.fromBase64 (2025's browsers) decodes in place; older ones go through a data:
 * address, which is slower. */
async function gunzipBase64(text) {
  const gzipped = Uint8Array.fromBase64
    ? new Blob([Uint8Array.fromBase64(text)]).stream()
    : (await fetch("data:application/octet-stream;base64," + text)).body;
  const unpacked = new Response(gzipped.pipeThrough(new DecompressionStream("gzip")));
  return new Uint8Array(await unpacked.arrayBuffer());
}

/* A big map's quotes as an array whose entries are made when first asked for, from their words'
 * lines of JSON (from byte `start` of `bytes`, one per line) and their other fields' `columns`:
 * a popup shows a few of a hundred thousand, whose reading all at once would hold up the page's
 * start or the reader's first click. Entries are made once and kept; they are the page's own
 * objects, as any others. */
function quotesAsAsked(bytes, start, count, columns) {
  const read = new Array(count).fill(undefined); // (no holes: forEach and map visit every entry)
  let lineStarts = null; // where each quote's line starts: found when the first is asked for
  const decoder = new TextDecoder();
  const entry = (i) => {
    if (read[i] === undefined) {
      if (!lineStarts) {
        lineStarts = new Uint32Array(count + 1);
        let at = start;
        for (let n = 0; n < count; n++) {
          lineStarts[n] = at;
          const end = bytes.indexOf(10, at);
          at = end === -1 ? bytes.length + 1 : end + 1;
        }
        lineStarts[count] = at;
      }
      const quote = rowOf(columns, i);
      quote.text = JSON.parse(decoder.decode(bytes.subarray(lineStarts[i], lineStarts[i + 1] - 1)));
      read[i] = quote;
    }
    return read[i];
  };
  return new Proxy(read, {
    get(target, key, receiver) {
      if (typeof key === "string") {
        const i = Number(key);
        if (Number.isInteger(i) && i >= 0 && i < count && String(i) === key) return entry(i);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/* Row `i` of a table a big map's data gives as columns (render.map_data: each field's values in
 * the rows' order, null where a row has none): an object with the fields it has. The keys are
 * the data's own field names, never an id or a word from places.yaml. */
function rowOf(columns, i, keys = Object.keys(columns)) {
  const row = {};
  for (const key of keys) {
    const value = columns[key][i];
    if (value !== null) row[key] = value;
  }
  return row;
}

/* Every row of such a table (the field names listed once, not once a row). */
function rowsOf(columns, count) {
  const keys = Object.keys(columns);
  const rows = new Array(count);
  for (let i = 0; i < count; i++) rows[i] = rowOf(columns, i, keys);
  return rows;
}

/* What a big map's packed JSON leaves out for the page to tell itself (render._packed_fields):
 * its tables as rows (places as GeoJSON features, each journey with its legs), journeys' status
 * "trip", and journeys' colours, which people's journeys take from the palette in turn and the
 * routes the articles discuss from their status (styles.journey_colours). */
function unpackFields(data) {
  const { lon, lat, properties } = data.places;
  const features = rowsOf(properties, lon.length).map((props, n) => ({ type: "Feature", geometry: { type: "Point", coordinates: [lon[n], lat[n]] }, properties: props }));
  data.places = { type: "FeatureCollection", features };
  const legs = rowsOf(data.legs, data.legs.to ? data.legs.to.length : 0);
  delete data.legs;
  let turn = 0;
  let leg = 0;
  data.journeys = rowsOf(data.journeys, data.journeyCount).map((journey) => {
    journey.legs = legs.slice(leg, (leg += journey.legCount));
    delete journey.legCount;
    if (!journey.status) journey.status = "trip";
    journey.colour = journey.status === "trip" ? data.palette[turn++ % data.palette.length] : data.styles.statuses[journey.status].color;
    return journey;
  });
  return data;
}

/* A leg's line as [lon, lat] points, and its arrowhead as [lon, lat, heading] (or null for a
 * leg of no length): in the leg itself on a small map, in data.legLines on a big one (arcs.js). */
function legLine(data, leg) {
  if (leg.line) return leg.line;
  const lines = data.legLines;
  const points = [];
  for (let p = lines.first[leg.at]; p < lines.first[leg.at + 1]; p++) points.push([lines.lon[p], lines.lat[p]]);
  return points;
}
function legArrow(data, leg) {
  if (!data.legLines) return leg.arrow || null;
  const lines = data.legLines;
  return Number.isNaN(lines.heading[leg.at]) ? null : [lines.arrowLon[leg.at], lines.arrowLat[leg.at], lines.heading[leg.at]];
}
