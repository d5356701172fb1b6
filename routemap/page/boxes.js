/* What lies where on a big map: a static packed R-tree of boxes (bulk.js indexes every leg's
 * and every dot's box in it), so that drawing a tile and finding what is under the pointer look
 * at the few things near a point, not at every one of thousands.
 *
 * The boxes are sorted along a Hilbert curve by their middles, so boxes near one another sit
 * side by side; each run of NODE_SIZE of them gets a parent box, each run of parents a parent of
 * theirs, up to one root. Built once from typed arrays (no object per box); never changed. */

const BOX_NODE_SIZE = 16;
const HILBERT_SIDE = 1 << 16; // the curve's grid: 65,536 cells a side over all the boxes

/* The distance along a Hilbert curve of the cell (x, y) of a HILBERT_SIDE grid. */
function hilbertDistance(x, y) {
  let distance = 0;
  for (let half = HILBERT_SIDE / 2; half > 0; half = Math.floor(half / 2)) {
    const right = (x & half) > 0 ? 1 : 0;
    const down = (y & half) > 0 ? 1 : 0;
    distance += half * half * ((3 * right) ^ down);
    if (down === 0) {
      if (right === 1) {
        x = HILBERT_SIDE - 1 - x;
        y = HILBERT_SIDE - 1 - y;
      }
      const swap = x;
      x = y;
      y = swap;
    }
  }
  return distance;
}

/* An index of `count` boxes, box i being (minX[i], minY[i])–(maxX[i], maxY[i]). */
function boxIndex(minX, minY, maxX, maxY) {
  const count = minX.length;
  // Every node's box, leaves first (in curve order), then each level above them.
  let nodes = count;
  const levelEnds = [count];
  for (let level = count; level > 1; ) {
    level = Math.ceil(level / BOX_NODE_SIZE);
    nodes += level;
    levelEnds.push(nodes);
  }
  const boxes = new Float64Array(4 * Math.max(nodes, 1));
  const entries = new Uint32Array(Math.max(nodes, 1)); // a leaf's box number; a parent's first child
  if (!count) return { search() {} };

  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (let i = 0; i < count; i++) {
    left = Math.min(left, minX[i]);
    top = Math.min(top, minY[i]);
    right = Math.max(right, maxX[i]);
    bottom = Math.max(bottom, maxY[i]);
  }
  const cellsX = (HILBERT_SIDE - 1) / (right - left || 1);
  const cellsY = (HILBERT_SIDE - 1) / (bottom - top || 1);
  const order = new Float64Array(count);
  const sorted = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const x = Math.floor(((minX[i] + maxX[i]) / 2 - left) * cellsX);
    const y = Math.floor(((minY[i] + maxY[i]) / 2 - top) * cellsY);
    order[i] = hilbertDistance(x, y);
    sorted[i] = i;
  }
  sorted.sort((a, b) => order[a] - order[b]);
  for (let n = 0; n < count; n++) {
    const i = sorted[n];
    boxes[4 * n] = minX[i];
    boxes[4 * n + 1] = minY[i];
    boxes[4 * n + 2] = maxX[i];
    boxes[4 * n + 3] = maxY[i];
    entries[n] = i;
  }
  // Each parent's box holds its children's.
  let child = 0;
  for (let level = 1; level < levelEnds.length; level++) {
    const end = levelEnds[level - 1];
    for (let parent = levelEnds[level - 1]; child < end; parent++) {
      entries[parent] = child;
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (const last = Math.min(child + BOX_NODE_SIZE, end); child < last; child++) {
        x0 = Math.min(x0, boxes[4 * child]);
        y0 = Math.min(y0, boxes[4 * child + 1]);
        x1 = Math.max(x1, boxes[4 * child + 2]);
        y1 = Math.max(y1, boxes[4 * child + 3]);
      }
      boxes[4 * parent] = x0;
      boxes[4 * parent + 1] = y0;
      boxes[4 * parent + 2] = x1;
      boxes[4 * parent + 3] = y1;
    }
  }

  const meets = (n, x0, y0, x1, y1) => !(boxes[4 * n] > x1 || boxes[4 * n + 1] > y1 || boxes[4 * n + 2] < x0 || boxes[4 * n + 3] < y0);

  /* Calls visit(i) for each box i that meets (x0, y0)–(x1, y1), in no set order. */
  function search(x0, y0, x1, y1, visit) {
    if (!meets(nodes - 1, x0, y0, x1, y1)) return;
    const stack = [nodes - 1, levelEnds.length - 1];
    while (stack.length) {
      const level = stack.pop();
      const node = stack.pop();
      if (level === 0) {
        visit(entries[node]);
        continue;
      }
      const first = entries[node];
      for (let n = first, last = Math.min(first + BOX_NODE_SIZE, levelEnds[level - 1]); n < last; n++) {
        if (meets(n, x0, y0, x1, y1)) stack.push(n, level - 1);
      }
    }
  }
  return { search };
}
