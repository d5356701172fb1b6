/* Keyboard and focus: Escape closes the open popup from anywhere on the page; a popup opened
 * from the panel or the search takes focus, and gives it back to what opened it on closing; a
 * popup long enough to scroll can be scrolled from the keyboard. */

function manageFocus(view) {
  const { map } = view;
  let opener = null; // the control that opened the popup, to go back to
  let opened = 0; // popups opened so far, for unique heading ids (one may fade as the next opens)

  view.popupFrom = (element) => {
    opener = element || null;
  };

  map.on("popupopen", (event) => {
    const node = event.popup.getElement();
    const content = node.querySelector(".leaflet-popup-content");
    const heading = content.querySelector("h2");
    // A region with a name: screen readers announce it, and it can be scrolled by keyboard.
    content.setAttribute("role", "region");
    content.setAttribute("tabindex", "0");
    if (heading) {
      heading.id = heading.id || "route-popup-title-" + ++opened;
      content.setAttribute("aria-labelledby", heading.id);
    }
    const close = node.querySelector(".leaflet-popup-close-button");
    if (close) close.setAttribute("aria-label", say("popup.close"));
    if (opener) content.focus({ preventScroll: true });
  });

  map.on("popupclose", () => {
    const back = opener;
    opener = null;
    if (!back) return;
    const shown = (element) => element && document.body.contains(element) && element.offsetParent !== null;
    // On a phone the panel folds away to show what was chosen: focus goes to the button that
    // opens it again, not to the page's start.
    const toggle = document.querySelector(".panel-toggle");
    const target = shown(back) ? back : shown(toggle) ? toggle : map.getContainer();
    target.focus({ preventScroll: true });
  });

  // Focus on a control of a popup that reaches past the map's edge makes the browser scroll the
  // map's box (its overflow is hidden, not fixed), which would shift every click off its target.
  const box = map.getContainer();
  box.addEventListener("scroll", () => {
    box.scrollTop = 0;
    box.scrollLeft = 0;
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (!map._popup || !map.hasLayer(map._popup)) return;
    event.preventDefault();
    map.closePopup();
  });
}
