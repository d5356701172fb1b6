/* Being embedded in an article. Inside an iframe the page tells the host page the height it
 * wants for its width, by the message Datawrapper's embeds send (`datawrapper-height`), which
 * newsroom CMSs and the README's snippet already listen for: no library on either side, unlike
 * pym.js, whose child script the page would have to ship. Outside a frame it does nothing. */

const EMBED_ID = "routes-map"; // the key of the message; the host matches the frame by its window

/* The height the map reads well at, for a frame `width` pixels wide: on a phone-wide frame the
 * panel folds into a bar above a taller map; on a wide one, a landscape map beside the panel. */
function embedHeight(width) {
  const height = width < PHONE_WIDTH ? width * 1.3 : width * 0.62;
  return Math.round(Math.min(860, Math.max(480, height)));
}

function tellHostHeight() {
  if (window.parent === window) return;
  let sent = 0;
  const send = () => {
    const height = embedHeight(document.documentElement.clientWidth);
    if (height === sent) return;
    sent = height;
    window.parent.postMessage({ "datawrapper-height": { [EMBED_ID]: height } }, "*");
  };
  send();
  window.addEventListener("resize", send);
}
