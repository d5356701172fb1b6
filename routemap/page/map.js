/* Puts the page together: reads the data block's lookups into one `view` that every part
 * shares, draws the routes and places (and the offline base map where the tiles fail), adds
 * the controls and the panel, and owns the view: the whole map fitted at first, or what the
 * address names (and made again when the map's size changes or the tiles notice comes, till
 * the reader takes the view), and what choosing
 * something does: flying to a journey, place or quote and opening its popup. */

async function drawRouteMap(map, data, readBasemap, tiles) {
  // Setting up the page is a run of steps with pauses between: none of it a long task (the
  // first apart from Leaflet's making of the map).
  await nextTask();
  const pause = pacer();
  useWords(data.words, data.lang);
  CONTENT_LANG = data.contentLang;
  const styles = data.styles;
  const small = () => window.innerWidth < PHONE_WIDTH;
  const detailFromZoom = styles.detailFromZoom;
  const view = {
    map,
    data,
    basemap: null, // read when it is drawn
    styles,
    small,
    detailFromZoom,
    spreads: data.places.features.length <= DENSE_FROM,
    people: byId(data.people.map((p) => [p.id, p])),
    sources: byId(data.sources.map((s) => [s.id, s])),
    groups: byId(data.groups.map((g) => [g.id, g])),
    places: byId(data.places.features.map((f) => [f.properties.id, f])),
    journeys: byId(data.journeys.map((j) => [j.id, j])),
    placeJourneys: null, // journeysThrough's table, made when first asked
    journeyLayers: Object.create(null),
    groupLayers: Object.create(null),
    markers: Object.create(null),
    // A big map's overview would be a thicket of arrowheads and dashes: there they show once
    // zoomed in this far.
    renderer: new RouteCanvas({ padding: 0.2, tolerance: 6, detailFromZoom }),
  };
  // The journeys that start, stop or end at a place (its popup lists them, the search finds
  // the place by them): a table made when first asked, not while the map is being set up.
  view.journeysThrough = (id) => {
    if (!view.placeJourneys) {
      view.placeJourneys = new Map();
      for (const journey of data.journeys) {
        const stops = [journey.legs[0].from];
        for (const leg of journey.legs) if (!stops.includes(leg.to)) stops.push(leg.to);
        for (const stop of stops) {
          const through = view.placeJourneys.get(stop);
          if (through) through.push(journey);
          else view.placeJourneys.set(stop, [journey]);
        }
      }
    }
    return view.placeJourneys.get(id) || [];
  };
  view.links = routeLinks(view);
  const popups = popupContent(view); // the popups' and panel's builders (popups.js)
  view.scheme = followScheme(view);
  // Less motion asked for: zooms jump and popups appear without fading (Leaflet reads these
  // when the map is made, so they are switched off on the made map).
  const motion = !reducedMotion();
  if (!motion) {
    map._zoomAnimated = false;
    map.getContainer().classList.remove("leaflet-fade-anim");
  }

  // Popups fit the screen they open on.
  const popupSettings = {
    maxWidth: small() ? Math.min(300, window.innerWidth - 70) : 360,
    maxHeight: small() ? Math.round(window.innerHeight * 0.5) : 420,
    autoPanPaddingTopLeft: [12, 80], // below the zoom buttons and the folded layer control
    autoPanPaddingBottomRight: [12, 40],
  };

  // Views opened so far: a choice whose flight ends after the reader has opened something else
  // opens nothing.
  let views = 0;

  // A popup; one that is a view the address can name carries its `link` (links.js).
  function openPopup(at, content, options, link) {
    const popup = L.popup(Object.assign({}, popupSettings, options)).setLatLng(at).setContent(content);
    popup.routeLink = link || null;
    if (link) {
      views++;
      view.links.record(link);
    }
    return popup.openOn(map);
  }

  function openLeg(journey, leg, where, options) {
    showJourneys([journey.id]);
    const points = legLine(data, leg);
    const link = { journey: journey.id, leg: leg.number };
    return openPopup(where || latLng(points[Math.floor(points.length / 2)]), popups.journeyPopup(journey, leg), options, link);
  }

  // A click on a line: its leg's popup, or where lines overlap, a choice of the routes there.
  function onLegClick(journey, leg, where, point) {
    const here = point ? (view.bulk.legs ? bulkLegsAt(view, point) : legsAt(view, point)) : [];
    if (here.length < 2) {
      openLeg(journey, leg, where);
      return;
    }
    const choices = here.map((choice) => ({ name: choice.journey.name, colour: choice.journey.colour, pick: () => openLeg(choice.journey, choice.leg, where) }));
    const box = popups.choicePopup(say("popup.routesHere", { n: here.length }), choices);
    view.popupFrom(null);
    openPopup(where, box);
  }

  // Where a place's dot is drawn: moved aside where dots crowd on a small map (labels.js).
  function dotLatLng(id) {
    const marker = view.markers[id];
    return marker ? map.layerPointToLatLng(dotLayerPoint(map, marker)) : latLng(view.places.get(id).geometry.coordinates);
  }

  // The places under a point of the map (in container pixels), topmost first, by id.
  function placesAt(point) {
    return view.bulk.dots ? bulkPlacesAt(view, point) : dotsAt(view, point).map((marker) => marker.routePlace.properties.id);
  }

  // On a big map (bulk.js) the journeys chosen are drawn over the others; a small one draws
  // each journey as a layer of its own, switched on when chosen.
  function showJourneys(ids) {
    if (view.bulk.showJourneys) {
      view.bulk.showJourneys(ids);
      return;
    }
    for (const id of ids) if (!map.hasLayer(view.journeyLayers[id])) view.journeyLayers[id].addTo(map);
  }

  function openPlace(id, link, options) {
    showJourneys([]);
    return openPopup(dotLatLng(id), popups.placePopup(view.places.get(id)), Object.assign({ offset: [0, -4] }, options), link || { place: id });
  }

  // A journey's or a group's popup, and where it is anchored: the northernmost point.
  function journeyView(id) {
    const routes = view.groups.get(id) ? data.journeys.filter((j) => j.group === id) : [view.journeys.get(id)];
    const points = routes.flatMap((j) => j.legs.flatMap((leg) => legLine(data, leg)));
    const north = latLng(points.reduce((best, p) => (p[1] > best[1] ? p : best), points[0]));
    const content = view.groups.get(id) ? popups.groupPopup(view.groups.get(id), routes) : popups.journeyPopup(routes[0], null);
    return { routes, points: points.map(latLng), north, content };
  }

  // A click on a dot: its place's popup, or where dots lie on one another (a dense map does not
  // spread them), a choice of the places there.
  function onPlaceClick(id, point) {
    const here = point ? placesAt(point) : [];
    if (here.length < 2) {
      openPlace(id);
      return;
    }
    const colour = (other) => dotColour(view.markers[other] ? view.markers[other].options : bulkDotStyle(view, other));
    const choices = here.map((other) => ({ name: view.places.get(other).properties.name, colour: colour(other), pick: () => openPlace(other) }));
    view.popupFrom(null);
    openPopup(dotLatLng(id), popups.choicePopup(say("popup.placesHere", { n: here.length }), choices), { offset: [0, -4] });
  }

  const entries = drawBulk(view, onLegClick) || drawRoutes(view, onLegClick);
  await pause();
  view.placeLayer = view.bulk.dotTiles || drawPlaces(view, onPlaceClick);
  if (view.bulk.legs || view.bulk.dots) bulkPointer(view, onPlaceClick, onLegClick);
  await pause();
  const labels = placeLabels(view);
  manageFocus(view);
  await pause();
  const layersControl = addLayerControl(view, entries);
  nameLeafletButtons(map, layersControl);
  await pause();
  const legendControl = addLegend(view);
  // The view is the page's own (the whole map fitted, or what an address opened as the page
  // opened) until the reader moves the map, opens anything or closes a popup: only till then
  // is it framed again (`refit`) when the map's size changes (a page embedding the map sizes
  // its frame to the height the map asks for, a phone turns) or the tiles notice comes. A
  // refit only frames: it opens, records and folds nothing. After that the view is the
  // reader's, and stays.
  let refit = null;
  let pageMoving = false;
  map.on("movestart popupopen popupclose", () => {
    if (!pageMoving) refit = null;
  });
  // A move of the page's own (a fit, printing's paper view and back): the view stays as much
  // the page's, or the reader's, as it was.
  function pageMoves(move) {
    const was = pageMoving;
    pageMoving = true;
    try {
      move();
    } finally {
      pageMoving = was;
    }
  }
  function fitAgain() {
    if (refit) refit();
  }
  // The view now on the map is the page's, framed by `frame` (a function that moves the map
  // only), again while it stays the page's; none (null) for a view nothing moves out of.
  function keepFramed(frame) {
    refit = frame ? () => pageMoves(frame) : null;
  }
  map.on("resize", fitAgain);

  // The offline base map once the routes are on screen and only if the tiles fail.
  let routesShown = false;
  let tilesFailed = false;
  let basemapStarted = false;
  const basemapIfNeeded = () => {
    if (!routesShown || !tilesFailed || basemapStarted) return;
    basemapStarted = true;
    later(() =>
      readBasemap().then((basemap) => {
        view.basemap = basemap;
        drawBasemap(view);
      })
    );
  };
  // The tiles notice, once it shows, takes room from the bottom of every fit (bottomEdge): the
  // view the page opened with (the whole map, or what the address names) is made again clear
  // of it.
  const tileWatch = watchTiles(view, tiles, () => {
    tilesFailed = true;
    basemapIfNeeded();
    fitAgain();
  });
  await pause();

  // The panel: the map's text alternative, with the search box. On a phone it folds away.
  const panel = buildPanel(view, popups);
  preparePrinting(view, panel);
  await pause();
  document.body.classList.add("route-page");
  const main = map.getContainer().closest("main") || map.getContainer();
  document.body.insertBefore(panel.root, main);
  map.getContainer().setAttribute("role", "region");
  map.getContainer().setAttribute("aria-label", say("map.label"));
  map.invalidateSize();
  await pause();
  // The legend open where the map has room for it beside the routes; folded on a phone or in a
  // short embed (the reader unfolds it).
  legendControl.getContainer().open = !small() && map.getSize().y >= 600;

  // The part of the map the controls on the right leave free, for fitting things into.
  const edge = small() ? 16 : 30;
  const rightEdge = () => (small() ? edge : Math.max(layersControl.getContainer().offsetWidth, legendControl.getContainer().offsetWidth) + 20);
  // The bottom's: the credits (on a phone they fill the bottom edge), and above them the tiles
  // notice while it shows.
  const bottomEdge = () => {
    const least = small() ? 50 : edge;
    const notice = tileWatch.notice();
    if (!notice || !notice.offsetHeight) return least; // (hidden beside a phone's open legend: map.css)
    return Math.max(least, Math.ceil(map.getContainer().getBoundingClientRect().bottom - notice.getBoundingClientRect().top) + 8);
  };

  // Choosing a journey (or a group of routes) frames it below its popup and beside the
  // legend: the popup is anchored at the journey's northernmost point, and the fit leaves the
  // popup's height free above it, so the popup covers none of the journey.
  function selectJourney(id, from, jump, link) {
    // (A group no route is in has nothing to show.)
    if (view.groups.get(id) ? !data.journeys.some((journey) => journey.group === id) : !view.journeys.get(id)) return;
    link = link || (view.groups.get(id) ? { group: id } : { journey: id });
    view.links.record(link);
    const choice = ++views;
    if (small()) panel.fold(false);
    const { routes, points, north, content } = journeyView(id);
    // Its routes on the map now, and again as its popup opens (a popup closed on the way, as
    // the reader's last one is, lets a big map's chosen routes go: bulk.js).
    const reveal = () => {
      if (view.groups.get(id) && view.groupLayers[id]) {
        if (!map.hasLayer(view.groupLayers[id])) view.groupLayers[id].addTo(map);
      } else showJourneys(routes.map((journey) => journey.id));
    };
    reveal();
    // The popup's size, measured by opening it once where the map is now.
    view.popupFrom(null);
    const measuring = openPopup(north, content, { autoPan: false });
    measuring.routeMeasured = true;
    const measured = measuring.getElement();
    const popupSize = L.point(measured.offsetWidth, measured.offsetHeight + 24); // with its tip
    map.closePopup();
    measured.remove(); // at once, not after Leaflet's fade: no unseen copy of the popup lingers
    const target = frameBelowPopup(points, north, popupSize);
    const bounds = L.latLngBounds(points);
    const fallback = () => ({ bounds, fit: { paddingTopLeft: [edge, edge], paddingBottomRight: [rightEdge(), bottomEdge()], maxZoom: 7 } });
    const show = () => {
      if (choice !== views) return;
      view.popupFrom(from);
      reveal();
      openPopup(north, content, { autoPan: !target }, link);
      if (link.quote) showQuote(link.quote);
    };
    goTo(target || fallback(), jump, show);
    // The same frame, made again where the controls are now.
    return framedAgain(() => goTo(frameBelowPopup(points, north, popupSize) || fallback(), true, () => {}));
  }

  // A view's frame made again (keepFramed): the map moved, and then the open popup, one that
  // pans itself into view, brought back into it (it moves with the map).
  function framedAgain(move) {
    return () => {
      move();
      const popup = map._popup;
      if (popup && map.hasLayer(popup)) popup.update();
    };
  }

  /* Moves the map to `to` ({center, zoom} or {bounds, fit}) by a flight, or by a jump for readers
   * who ask for less motion and for a page just opened on a link, then calls `then`. */
  function goTo(to, jump, then) {
    const fly = motion && !jump;
    const how = fly ? { duration: 0.8 } : { animate: false };
    // A move still under way (a popup panning itself into view) is ended first: its end would
    // otherwise be taken for the flight's, and `then` run before the flight.
    if (fly) map.stop().once("moveend", then);
    if (to.bounds) (fly ? map.flyToBounds : map.fitBounds).call(map, to.bounds, Object.assign(how, to.fit));
    else (fly ? map.flyTo : map.setView).call(map, to.center, to.zoom, how);
    if (!fly) then();
  }

  /* The view that shows every point below a popup of `popupSize` anchored at the northernmost
   * point, the points clear of the legend and the popup clear of the map's controls: the most
   * zoomed-in such view up to zoom 7, or null where none fits (the popup then pans into view). */
  function frameBelowPopup(latlngs, north, popupSize) {
    const size = map.getSize();
    const frame = map.getContainer().getBoundingClientRect();
    const box = (control) => {
      const r = control.getContainer().getBoundingClientRect();
      return { left: r.left - frame.left, right: r.right - frame.left, top: r.top - frame.top, bottom: r.bottom - frame.top };
    };
    const zoomBox = map.zoomControl ? box(map.zoomControl) : { right: 0, bottom: 0 };
    const layersBox = box(layersControl);
    // The popup's band along the top: beside the zoom buttons and the layer control if it fits.
    const clearOfControls = size.x - zoomBox.right - (size.x - layersBox.left) - 16 >= popupSize.x;
    const popupLeft = (clearOfControls ? zoomBox.right : 0) + 8;
    const popupRight = (clearOfControls ? layersBox.left : size.x) - 8;
    const pointsLeft = edge;
    const pointsRight = size.x - rightEdge();
    const top = Math.max(popupSize.y + 8, clearOfControls ? 0 : zoomBox.bottom + popupSize.y);
    // Above the controls along the bottom (the legend, the notice, the credits) that reach into
    // the points' width.
    let bottom = size.y - edge;
    for (const control of map.getContainer().querySelectorAll(".leaflet-bottom .leaflet-control")) {
      const r = control.getBoundingClientRect();
      if (r.right - frame.left > pointsLeft && r.left - frame.left < pointsRight) bottom = Math.min(bottom, r.top - frame.top - 8);
    }
    const bounds = L.latLngBounds(latlngs);
    let zoom = Math.min(7, map.getBoundsZoom(bounds, false, L.point(pointsLeft + size.x - pointsRight, top + size.y - bottom)));
    for (let tries = 0; tries < 24; tries++, zoom -= 0.25) {
      const projected = latlngs.map((p) => map.project(p, zoom));
      const xs = projected.map((p) => p.x);
      const ys = projected.map((p) => p.y);
      const n = map.project(north, zoom);
      if (Math.max(...ys) - n.y > bottom - top) continue;
      // The shift t (container x = projected x + t) that keeps the points and the popup inside.
      const low = Math.max(pointsLeft - Math.min(...xs), popupLeft + popupSize.x / 2 - n.x);
      const high = Math.min(pointsRight - Math.max(...xs), popupRight - popupSize.x / 2 - n.x);
      if (low > high) continue;
      const t = (low + high) / 2;
      const s = top - n.y;
      return { zoom, center: map.unproject(L.point(size.x / 2 - t, size.y / 2 - s), zoom) };
    }
    return null;
  }

  // Choosing a place flies to it and opens its popup (centred, it needs no framing again).
  function selectPlace(id, from, jump, quote) {
    view.links.record(quote ? { quote } : { place: id });
    const choice = ++views;
    if (small()) panel.fold(false);
    if (!map.hasLayer(view.placeLayer)) view.placeLayer.addTo(map);
    const zoom = Math.max(map.getZoom(), 6);
    view.popupFrom(from);
    const open = () => {
      if (choice !== views) return;
      openPlace(id, quote ? { quote } : null);
      if (quote) showQuote(quote);
    };
    goTo({ center: latLng(view.places.get(id).geometry.coordinates), zoom }, jump, open);
  }

  // Choosing one leg (a link to it): the leg framed, its popup open.
  function selectLeg(id, number, jump) {
    const journey = view.journeys.get(id);
    const leg = journey.legs[number - 1];
    showJourneys([id]);
    if (small()) panel.fold(false);
    const bounds = L.latLngBounds(legLine(data, leg).map(latLng));
    const fit = () => ({ paddingTopLeft: [edge, edge + 120], paddingBottomRight: [rightEdge(), bottomEdge()], maxZoom: 7 });
    view.links.record({ journey: id, leg: number });
    const choice = ++views;
    goTo({ bounds, fit: fit() }, jump, () => choice === views && openLeg(journey, leg));
    return framedAgain(() => goTo({ bounds, fit: fit() }, true, () => {}));
  }

  // A quote a link names: brought into view in its popup, and marked.
  function showQuote(name) {
    const popup = map._popup && map._popup.getElement();
    const figure = popup && Array.from(popup.querySelectorAll("[data-quote]")).find((f) => f.dataset.quote === name);
    if (!figure) return;
    figure.classList.add("linked");
    figure.scrollIntoView({ block: "nearest" });
  }

  // Where a quote is shown: its journey's, place's or group's popup, or the panel's "Also quoted".
  // (a journey's or group's id, or ["place", id]; undefined: the panel's).
  const quoteHome = new Array(data.quotes.length);
  for (const journey of data.journeys) for (const i of journey.quotes) quoteHome[i] = journey.id;
  for (const feature of data.places.features) for (const i of feature.properties.quotes) quoteHome[i] = ["place", feature.properties.id];
  for (const group of data.groups) for (const i of group.quotes) quoteHome[i] = group.id;
  function selectQuote(index, from, jump) {
    const home = quoteHome[index];
    const quote = quoteLink(data, data.quotes[index]);
    if (Array.isArray(home)) return selectPlace(home[1], from, jump, quote);
    if (home) return selectJourney(home, from, jump, { quote });
    view.links.record({ quote });
    refit = null; // (the map stays where it is, but is no longer the page's to move)
    const section = document.getElementById("route-unplaced");
    if (small()) panel.fold(true);
    section.scrollIntoView({ block: "start" });
    section.focus({ preventScroll: true });
    const figure = Array.from(section.querySelectorAll("[data-quote]")).find((f) => f.dataset.quote === quote);
    if (figure) {
      figure.classList.add("linked");
      figure.scrollIntoView({ block: "nearest" });
    }
    return null; // (no view of the map's to frame again)
  }

  function selectFound(entry, from) {
    if (entry.kind === "journey" || entry.kind === "group") return selectJourney(entry.id, from);
    if (entry.kind === "place") return selectPlace(entry.id, from);
    if (entry.kind === "quote") return selectQuote(entry.id, from);
    const said = data.quotes.findIndex((q) => q.speaker === entry.id);
    if (said >= 0) selectQuote(said, from);
  }
  // The popup of what an address names, opened where the map is (a reload under `routes watch`).
  function openPopupOf(target) {
    const still = { autoPan: false }; // the view is the reader's
    if (target.place) return openPlace(target.place, null, still);
    if (target.leg) return openLeg(view.journeys.get(target.journey), view.journeys.get(target.journey).legs[target.leg - 1], null, still);
    const index = target.quote === undefined ? -1 : data.quotes.findIndex((q) => quoteLink(data, q) === target.quote);
    const home = index >= 0 ? quoteHome[index] : target.journey || target.group;
    if (Array.isArray(home)) {
      openPlace(home[1], target, still);
    } else if (home) {
      const { routes, north, content } = journeyView(home);
      showJourneys(routes.map((journey) => journey.id));
      openPopup(north, content, still, target);
    }
    if (target.quote) showQuote(target.quote);
  }

  // The whole map, fitted into the part the controls leave free.
  const all = L.latLngBounds(data.bounds.map((b) => L.latLng(b[0], b[1])));
  function fitAll() {
    const frame = () => map.fitBounds(all, { paddingTopLeft: [edge, edge], paddingBottomRight: [rightEdge(), bottomEdge()], animate: false });
    pageMoves(frame);
    keepFramed(frame);
    return frame;
  }
  function showAll() {
    views++; // a flight still under way opens nothing when it ends
    showJourneys([]);
    return fitAll();
  }
  Object.assign(view, { selectJourney, selectPlace, selectLeg, selectQuote, selectFound, showAll, openPopupOf, pageMoves, keepFramed, panel, allBounds: all });

  showAll();
  await pause();
  // The tiles for this first view (none were fetched for folium's starting view).
  if (tiles) tiles.addTo(map);
  await pause();
  // Only now, at the view they are seen at, are the lines and places drawn: once.
  for (const entry of entries) {
    entry.layer.addTo(map);
    await pause();
  }
  if (view.bulk.routeTiles) view.bulk.routeTiles.addTo(map);
  view.placeLayer.addTo(map);
  // A big map's tiles are painted a few at a time: the map is ready once the first are.
  for (const tiles of [view.bulk.routeTiles, view.bulk.dotTiles]) {
    if (tiles && tiles.isLoading()) await new Promise((done) => tiles.once("load", done));
  }
  await pause();
  labels.layout();
  view.links.start();
  tellHostHeight();
  // The base map after the routes are on screen, if the tiles have failed (online they cover
  // it): its outlines are made and drawn in steps that each leave the page free to answer.
  routesShown = true;
  basemapIfNeeded();
  view.setUp = true;

  // Served by `routes watch`: reload when a newer map has been built; while the last save
  // cannot be built, say why over the last good map.
  if (data.live) {
    let banner = null;
    const poll = () =>
      fetch("__status", { cache: "no-store" })
        .then((answer) => answer.json())
        .then((status) => {
          if (Number(status.version) > data.live) {
            view.links.keepView();
            location.reload();
            return;
          }
          if (status.error && !banner) {
            banner = el("div", null, "watch-error");
            banner.setAttribute("role", "alert");
            document.body.append(banner);
          }
          if (banner && status.error) banner.textContent = say("watch.error", { error: status.error, file: status.file });
          if (banner && !status.error) {
            banner.remove();
            banner = null;
          }
          // The page steps down below the banner, so that it covers neither the title nor the
          // map's controls.
          const room = banner ? banner.offsetHeight + "px" : "";
          if (document.body.style.paddingTop !== room) {
            document.body.style.paddingTop = room;
            map.invalidateSize();
          }
          setTimeout(poll, 700);
        })
        .catch(() => setTimeout(poll, 2000));
    setTimeout(poll, 700);
  }

  window.routeMap = {
    get basemapReady() {
      return Boolean(view.basemapReady);
    },
    // Whether a big map's tiles in view are all painted (bulk.js paints a few at a time).
    get painted() {
      return ![view.bulk.routeTiles, view.bulk.dotTiles].some((tiles) => tiles && map.hasLayer(tiles) && tiles.isLoading());
    },
    // Set up, with the ground under the routes drawn: the tiles in view, or the offline outlines.
    get ready() {
      return Boolean(view.setUp && (view.tilesLoaded || view.basemapReady));
    },
    map,
    markers: view.markers,
    journeyLayers: view.journeyLayers,
    groupLayers: view.groupLayers,
    placeLayer: view.placeLayer,
    layersControl,
    selectJourney,
    selectPlace,
    openPlace: (id) => {
      openPlace(id);
    },
    // Where a place's dot is drawn, in the map's container pixels (moved aside where dots crowd).
    dotPoint: (id) => {
      const p = map.latLngToContainerPoint(dotLatLng(id));
      return [p.x, p.y, view.markers[id] ? view.markers[id].getRadius() : bulkDotStyle(view, id).radius];
    },
    placeIds: () => data.places.features.map((feature) => feature.properties.id),
    placeLatLng: (id) => latLng(view.places.get(id).geometry.coordinates),
    // The journeys whose lines lie under a point of the map's container, topmost first: what a
    // click there offers.
    placesAt: (x, y) => placesAt(L.point(x, y)),
    routesAt: (x, y) => (view.bulk.legs ? bulkLegsAt(view, L.point(x, y)) : legsAt(view, L.point(x, y))).map((found) => found.journey.id),
    // How many places and journeys are drawn, whichever way (layers, or a big map's tiles).
    drawn: () => ({
      places: view.bulk.dots ? view.bulk.dots.count : Object.keys(view.markers).length,
      journeys: view.bulk.legs ? new Set(view.bulk.legs.journey).size : Object.keys(view.journeyLayers).length,
    }),
    openLeg: (id, number) => {
      openLeg(view.journeys.get(id), view.journeys.get(id).legs[number - 1]);
    },
  };
  return window.routeMap;
}
