/* arcs.js owns a big map's legs' lines: the page works them out from the places they join, as
 * geometry.leg_lines does (flights along the geodesic on the WGS84 ellipsoid, by Vincenty's
 * formulae, in pieces of data.geodesic.stepMetres; other legs straight; each line unwrapped
 * across the 180° meridian, its arrowhead half-way), so that a big map's file need not carry
 * hundreds of thousands of points it can tell itself. The rare flight whose arc Vincenty's method
 * does not settle (nearly antipodal ends) comes worked out in data.explicitLines. Everything
 * here mirrors geometry.py line by line: tests/test_big_map.py holds the two to each other. */

/* Every leg's line and arrowhead in flat typed arrays: leg i's points are lat[first[i]] ..
 * lat[first[i + 1] - 1] (and lon), its arrowhead arrowLat[i], arrowLon[i], heading[i] (in
 * degrees clockwise from north; NaN: a leg of no length). `ends` holds each leg's start and end
 * as lat, lon, lat, lon; `flight[i]` says whether leg i flies; `explicit` maps a leg's number to
 * its line as [lat, lon] points, given rather than worked out. */
function legLinesOf(ends, flight, geodesic, explicit) {
  const count = flight.length;
  const arcs = geodesicInverse(ends, flight, geodesic);
  const counts = new Uint32Array(count);
  for (let i = 0; i < count; i++) counts[i] = flight[i] ? arcs.pieces[i] + 1 : 2;
  for (const [i, given] of explicit) counts[i] = given.length;
  const first = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) first[i + 1] = first[i] + counts[i];
  const lat = new Float64Array(first[count]);
  const lon = new Float64Array(first[count]);
  for (let i = 0; i < count; i++) {
    const at = first[i];
    const given = explicit.size ? explicit.get(i) : undefined;
    if (given) {
      given.forEach(([y, x], n) => {
        lat[at + n] = y;
        lon[at + n] = x;
      });
    } else {
      if (flight[i]) geodesicPoints(arcs, i, ends, geodesic, lat, lon, at);
      lat[at] = ends[4 * i];
      lon[at] = ends[4 * i + 1];
      lat[at + counts[i] - 1] = ends[4 * i + 2];
      lon[at + counts[i] - 1] = ends[4 * i + 3];
    }
    unwrapLine(lon, at, at + counts[i]);
  }
  return { first, lat, lon, ...arrowheads(lat, lon, first) };
}

/* Vincenty's inverse problem for each flight (geometry._arcs): the arc's length on the
 * auxiliary sphere (sigma), its heading at the start (alpha1) and the number of pieces. */
function geodesicInverse(ends, flight, geodesic) {
  const { a, f } = geodesic;
  const b = (1 - f) * a;
  const count = flight.length;
  const arcs = { sigma: new Float64Array(count), alpha1: new Float64Array(count), u1: new Float64Array(count), pieces: new Uint32Array(count) };
  for (let i = 0; i < count; i++) {
    if (!flight[i]) continue;
    const lat1 = (ends[4 * i] * Math.PI) / 180;
    const lon1 = (ends[4 * i + 1] * Math.PI) / 180;
    const lat2 = (ends[4 * i + 2] * Math.PI) / 180;
    const lon2 = (ends[4 * i + 3] * Math.PI) / 180;
    const u1 = Math.atan((1 - f) * Math.tan(lat1));
    const u2 = Math.atan((1 - f) * Math.tan(lat2));
    const sinU1 = Math.sin(u1);
    const cosU1 = Math.cos(u1);
    const sinU2 = Math.sin(u2);
    const cosU2 = Math.cos(u2);
    const turn = 2 * Math.PI;
    const bigL = ((((lon2 - lon1 + Math.PI) % turn) + turn) % turn) - Math.PI;
    let lam = bigL;
    let sigma = 0;
    let cos2Alpha = 1;
    for (let n = 0; n < 200; n++) {
      const sinLam = Math.sin(lam);
      const cosLam = Math.cos(lam);
      const sinSigma = Math.hypot(cosU2 * sinLam, cosU1 * sinU2 - sinU1 * cosU2 * cosLam);
      const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLam;
      sigma = Math.atan2(sinSigma, cosSigma);
      const sinAlpha = sinSigma > 0 ? (cosU1 * cosU2 * sinLam) / sinSigma : 0;
      cos2Alpha = 1 - sinAlpha ** 2;
      const cos2Sm = cos2Alpha > 0 ? cosSigma - (2 * sinU1 * sinU2) / cos2Alpha : 0;
      const c = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
      const previous = lam;
      lam = bigL + (1 - c) * f * sinAlpha * (sigma + c * sinSigma * (cos2Sm + c * cosSigma * (-1 + 2 * cos2Sm ** 2)));
      if (Math.abs(lam - previous) < 1e-12) break;
    }
    const sinLam = Math.sin(lam);
    const cosLam = Math.cos(lam);
    const uSq = (cos2Alpha * (a ** 2 - b ** 2)) / b ** 2;
    const length = b * (1 + (uSq / 16384) * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)))) * sigma;
    arcs.sigma[i] = sigma;
    arcs.alpha1[i] = Math.atan2(cosU2 * sinLam, cosU1 * sinU2 - sinU1 * cosU2 * cosLam);
    arcs.u1[i] = u1;
    arcs.pieces[i] = Math.max(1, Math.ceil((Number.isNaN(length) ? 0 : length) / geodesic.stepMetres));
  }
  return arcs;
}

/* Flight i's points, evenly spaced in arc length on the auxiliary sphere (Vincenty's direct
 * problem, closed-form there), into lat and lon from `at`: geometry._arcs's second half. */
function geodesicPoints(arcs, i, ends, geodesic, lat, lon, at) {
  const { f } = geodesic;
  const pieces = arcs.pieces[i];
  const u1 = arcs.u1[i];
  const sa1 = Math.sin(arcs.alpha1[i]);
  const ca1 = Math.cos(arcs.alpha1[i]);
  const su1 = Math.sin(u1);
  const cu1 = Math.cos(u1);
  const sigma1 = Math.atan2(Math.tan(u1), ca1);
  const sinAlpha = cu1 * sa1;
  const cos2Alpha = 1 - sinAlpha ** 2;
  const c = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
  const lon1 = (ends[4 * i + 1] * Math.PI) / 180;
  for (let n = 0; n <= pieces; n++) {
    const s = (arcs.sigma[i] * n) / pieces;
    const sinS = Math.sin(s);
    const cosS = Math.cos(s);
    const cos2Sm = Math.cos(2 * sigma1 + s);
    const across = su1 * sinS - cu1 * cosS * ca1;
    const y = Math.atan2(su1 * cosS + cu1 * sinS * ca1, (1 - f) * Math.sqrt(sinAlpha * sinAlpha + across * across));
    const lamP = Math.atan2(sinS * sa1, cu1 * cosS - su1 * sinS * ca1);
    const x = lon1 + lamP - (1 - c) * f * sinAlpha * (s + c * sinS * (cos2Sm + c * cosS * (-1 + 2 * cos2Sm ** 2)));
    lat[at + n] = (y * 180) / Math.PI;
    lon[at + n] = (x * 180) / Math.PI;
  }
}

/* Each step of the line lon[start] .. lon[end - 1] shifted by whole turns to within 180° of the
 * one before (geometry.flat_unwrap), so that a line crossing the 180° meridian stays whole. */
function unwrapLine(lon, start, end) {
  let total = 0;
  let before = lon[start];
  for (let p = start + 1; p < end; p++) {
    const step = lon[p] - before;
    before = lon[p];
    if (step > 180) total += Math.ceil((step - 180) / 360);
    else if (step < -180) total -= Math.ceil((-step - 180) / 360);
    lon[p] -= 360 * total;
  }
}

/* Each line's arrowhead (geometry.flat_arrows): at its middle point, or the middle of its middle
 * piece on the (Web Mercator) map, heading the way of travel there. */
function arrowheads(lat, lon, first) {
  const count = first.length - 1;
  const found = { arrowLat: new Float64Array(count), arrowLon: new Float64Array(count), heading: new Float64Array(count) };
  const mercatorY = (y) => (Math.log(Math.tan(Math.PI / 4 + (Math.min(85, Math.max(-85, y)) * Math.PI) / 180 / 2)) * 180) / Math.PI;
  for (let i = 0; i < count; i++) {
    const points = first[i + 1] - first[i];
    const middle = first[i] + Math.floor(points / 2);
    const odd = points % 2 === 1;
    const after = odd ? middle + 1 : middle;
    const bx = lon[middle - 1];
    const by = mercatorY(lat[middle - 1]);
    const ax = lon[after];
    const ay = mercatorY(lat[after]);
    const dx = ax - bx;
    const dy = ay - by;
    const heading = (((Math.atan2(dx, dy) * 180) / Math.PI) % 360 + 360) % 360;
    found.heading[i] = dx === 0 && dy === 0 ? NaN : heading;
    found.arrowLat[i] = odd ? lat[middle] : (2 * Math.atan(Math.exp((((by + ay) / 2) * Math.PI) / 180)) - Math.PI / 2) * (180 / Math.PI);
    found.arrowLon[i] = odd ? lon[middle] : (bx + ax) / 2;
  }
  return found;
}

/* A big map's legs' lines (see legLinesOf), from its journeys and places as its packed data has
 * them (render._packed_fields): a journey's start and each leg's end as the place's number. */
function mapLegLines(data) {
  const features = data.places.features;
  const legs = data.journeys.reduce((sum, journey) => sum + journey.legs.length, 0);
  const ends = new Float64Array(4 * legs);
  const flight = new Uint8Array(legs);
  let i = 0;
  for (const journey of data.journeys) {
    let start = features[journey.from].geometry.coordinates;
    for (const leg of journey.legs) {
      const end = features[leg.to].geometry.coordinates;
      ends[4 * i] = start[1];
      ends[4 * i + 1] = start[0];
      ends[4 * i + 2] = end[1];
      ends[4 * i + 3] = end[0];
      flight[i++] = leg.mode === "flight" ? 1 : 0;
      start = end;
    }
  }
  return legLinesOf(ends, flight, data.geodesic, new Map(data.explicitLines));
}
