/* The page's address: what the reader is looking at, so that it can be shared and bookmarked.
 *
 *   #journey=oleg   #journey=oleg&leg=2   #group=sold-out-flights   #place=upper-lars
 *   #quote=oleg-my-heart-sank-when
 *
 * Ids are places.yaml's; a quote's name is its speaker and first words (render.quote_link_names),
 * so links stay the same across builds. Opening such an address shows that journey, place or
 * quote with its popup; each view the reader opens is a step of the browser's history, so back
 * and forward move between them; "Copy link" buttons in popups and panel entries copy the
 * address of what they belong to. Under `routes watch` the view (zoom, pan, what is open)
 * survives the page's reloads (and so does a switch between light and dark, scheme.js). What to show is map.js's (view.selectJourney, ...): this file
 * only reads and writes the address. */

/* A quote's name as a big map's data leaves it to the page (packed.plain_link_name, the same
 * rule): its speaker and its first `words` runs of ASCII letters, digits and _, lower-cased. */
function plainLinkName(quote, words) {
  const parts = [quote.speaker];
  const word = /[A-Za-z0-9_]+/g;
  for (let found = word.exec(quote.text); found && parts.length <= words; found = word.exec(quote.text)) parts.push(found[0].toLowerCase());
  return parts.join("-");
}

/* A quote's name in an address: as the data gives it, or as a big map's page tells it (its data
 * leaves out the names plainLinkName gives), worked out when first asked. */
function quoteLink(data, quote) {
  if (quote.link === undefined) quote.link = plainLinkName(quote, data.linkWords);
  return quote.link;
}

function routeLinks(view) {
  const { map, data } = view;
  // Each quote's number by its name in an address: made when first asked (a big map has
  // thousands of quotes, and most readers open no link to one).
  let quoteNumbers = null;
  const quoteByName = () => quoteNumbers || (quoteNumbers = new Map(data.quotes.map((quote, index) => [quoteLink(data, quote), index])));
  const KINDS = ["journey", "group", "place", "quote"];

  // {journey: "oleg", leg: 2} -> "journey=oleg&leg=2"
  function hashOf(target) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(target)) params.set(key, value);
    return params.toString();
  }

  function addressOf(target) {
    const url = new URL(location.href);
    url.hash = target ? hashOf(target) : "";
    return url.href;
  }

  // The target an address names, or null when it names nothing on this map (an old link).
  function parse(hash) {
    const params = new URLSearchParams(hash.replace(/^#/, ""));
    const kind = KINDS.find((k) => params.has(k));
    if (!kind) return null;
    const id = params.get(kind);
    if (kind === "journey" && view.journeys.get(id)) {
      const leg = Number(params.get("leg"));
      const legs = view.journeys.get(id).legs;
      return Number.isInteger(leg) && leg >= 1 && leg <= legs.length ? { journey: id, leg } : { journey: id };
    }
    if (kind === "group" && view.groups.get(id)) return { group: id };
    if (kind === "place" && view.places.get(id)) return { place: id };
    if (kind === "quote" && quoteByName().has(id)) return { quote: id };
    return null;
  }

  // A view opened: a new step in the history (none if the address already says so, as after
  // back or forward).
  function record(target) {
    const hash = target ? "#" + hashOf(target) : "";
    if (hash === location.hash || (!hash && !location.hash)) return;
    try {
      history.pushState(null, "", hash || location.pathname + location.search);
    } catch (error) {
      // A page opened from a file in a sandboxed frame may not touch its history: no steps.
    }
  }

  // The reader closed a popup that was the view: the address goes back to the whole map.
  // (A moment later: a click on another dot closes the popup first, then opens the dot's.)
  map.on("popupclose", (event) => {
    const link = event.popup.routeLink;
    if (!link) return;
    setTimeout(() => {
      const open = map._popup && map.hasLayer(map._popup) ? map._popup : null;
      if (location.hash === "#" + hashOf(link) && !(open && open.routeLink)) record(null);
    });
  });

  // Show what an address names, or the whole map; `jump` skips the flight (a page just opened).
  // Returns what frames that view again (map.js: keepFramed), where it has one.
  function show(target, jump) {
    if (!target) {
      map.closePopup();
      return view.showAll();
    }
    if (target.leg) return view.selectLeg(target.journey, target.leg, jump);
    if (target.journey) return view.selectJourney(target.journey, null, jump);
    if (target.group) return view.selectJourney(target.group, null, jump);
    if (target.place) return view.selectPlace(target.place, null, jump);
    return view.selectQuote(quoteByName().get(target.quote), null, jump);
  }
  window.addEventListener("popstate", () => show(parse(location.hash), false));

  // Under `routes watch`: the view is kept in the tab's session storage just before a reload.
  const KEPT = "routes-watch-view:" + location.pathname;
  function keepView() {
    const centre = map.getCenter();
    try {
      sessionStorage.setItem(KEPT, JSON.stringify({ lat: centre.lat, lng: centre.lng, zoom: map.getZoom() }));
    } catch (error) {
      // Storage switched off: the reload shows what the address names, from its own view.
    }
  }
  function keptView() {
    try {
      const kept = JSON.parse(sessionStorage.getItem(KEPT));
      sessionStorage.removeItem(KEPT);
      return kept && Number.isFinite(kept.lat) && Number.isFinite(kept.lng) && Number.isFinite(kept.zoom) ? kept : null;
    } catch (error) {
      return null;
    }
  }

  // The page's first view: what the address names, or where `routes watch` left the reader.
  function start() {
    const target = parse(location.hash);
    const kept = keptView(); // a reload by `routes watch`, or on a switch to dark or light
    if (kept) {
      map.setView([kept.lat, kept.lng], kept.zoom, { animate: false });
      if (target) view.openPopupOf(target);
    } else if (target) {
      view.keepFramed(show(target, true)); // (framed again clear of a notice that comes)
    }
  }

  // A button that copies the address of `target`; it says so when it has.
  function copyButton(target, name) {
    const button = el("button", say("link.copy"), "copy-link");
    button.type = "button";
    button.setAttribute("aria-label", say("link.copyTo", { name }));
    const status = el("span", null, "copy-status");
    status.setAttribute("role", "status");
    button.addEventListener("click", async () => {
      const address = addressOf(target);
      let copied = false;
      try {
        await navigator.clipboard.writeText(address);
        copied = true;
      } catch (error) {
        copied = copyByHand(address);
      }
      status.textContent = copied ? say("link.copied") : address;
    });
    const box = el("span", null, "copy-box");
    box.append(button, status);
    return box;
  }

  // Where the clipboard API is refused (an old browser, a frame without permission).
  function copyByHand(text) {
    const field = el("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.append(field);
    field.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    field.remove();
    return done;
  }

  return { record, start, keepView, copyButton, addressOf, hashOf, parse };
}
