/* Printing (Ctrl-P): the title, the map as the reader left it, then every journey and group
 * written out in full (map.css's print block lays the page out). Before the browser prints,
 * the map is drawn at its paper size and each panel entry is opened and filled in; afterwards
 * the page goes back to how it was. */

function preparePrinting(view, panel) {
  const { map } = view;
  let opened = [];
  // Leaflet draws its canvases on the next animation frame, which printing does not wait for.
  const redrawNow = () => {
    map.invalidateSize({ pan: false });
    map.eachLayer((layer) => layer instanceof L.Canvas && layer._map && layer._redraw());
  };
  window.addEventListener("beforeprint", () => {
    document.body.classList.add("printing");
    redrawNow();
    opened = [];
    for (const details of panel.root.querySelectorAll(".journey details:not([open])")) {
      details.dataset.printing = "true";
      details.routeFill();
      details.open = true;
      opened.push(details);
    }
  });
  window.addEventListener("afterprint", () => {
    document.body.classList.remove("printing");
    for (const details of opened) details.open = false;
    opened = [];
    redrawNow();
  });
}
