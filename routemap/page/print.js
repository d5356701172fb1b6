/* Printing (Ctrl-P): the title, the whole map with its legend beneath it, then every journey
 * and group written out in full (map.css's print block lays the page out). Before the browser
 * prints, the map is drawn at its paper size and fitted to every place and route (a view left
 * on one journey, or sized for a wide screen, would put places off the paper), the legend is
 * moved out from over the map to below it, and each panel entry is opened and filled in;
 * afterwards the page goes back to how the reader left it. */

function preparePrinting(view, panel) {
  const { map } = view;
  let opened = [];
  let before = null; // the reader's view and the legend's place, while printing
  // Leaflet draws its canvases on the next animation frame, which printing does not wait for.
  const redrawNow = () => {
    map.eachLayer((layer) => layer instanceof L.Canvas && layer._map && layer._redraw());
    // A big map's tiles (bulk.js) are painted a few at a time: all of them, now.
    map.eachLayer((layer) => layer instanceof BulkTiles && layer.paintAll());
  };
  window.addEventListener("beforeprint", () => {
    if (before) return; // (a second beforeprint without an afterprint)
    const legend = map.getContainer().querySelector(".route-legend");
    before = { center: map.getCenter(), zoom: map.getZoom(), legend, parent: legend && legend.parentNode, next: legend && legend.nextSibling, legendOpen: legend && legend.open };
    document.body.classList.add("printing");
    if (legend) {
      map.getContainer().after(legend);
      legend.classList.add("printed-legend");
      legend.open = true;
    }
    map.invalidateSize({ pan: false });
    // (The page's moves, not the reader's: a view the page fitted stays the page's to fit again.)
    view.pageMoves(() => map.fitBounds(view.allBounds, { padding: [24, 24], animate: false }));
    redrawNow();
    opened = [];
    // A long list's parts first (panel.js), so that every entry is there to be printed.
    for (const part of panel.root.querySelectorAll(".journey-part:not([open])")) {
      part.routeFill();
      part.open = true;
      opened.push(part);
    }
    for (const details of panel.root.querySelectorAll(".journey details:not([open])")) {
      details.dataset.printing = "true";
      details.routeFill();
      details.open = true;
      opened.push(details);
    }
  });
  window.addEventListener("afterprint", () => {
    if (!before) return;
    document.body.classList.remove("printing");
    for (const details of opened) details.open = false;
    opened = [];
    const { center, zoom, legend, parent, next, legendOpen } = before;
    before = null;
    if (legend) {
      legend.classList.remove("printed-legend");
      legend.open = legendOpen;
      parent.insertBefore(legend, next);
    }
    map.invalidateSize({ pan: false });
    view.pageMoves(() => map.setView(center, zoom, { animate: false }));
    redrawNow();
  });
}
