/* The panel beside the map (above it on a phone, folded until asked for): the map's text
 * alternative. Title, date, sources, the search box and its results, every journey and group
 * of routes with its legs and quotes, the quotes of no one place, and the places left off. */

function buildPanel(view, popups) {
  const { data } = view;
  const root = el("aside", null, "route-panel");
  root.setAttribute("aria-label", say("panel.label"));
  const head = el("header", null, "panel-head");
  const title = told("h1", data.title);
  title.dir = "auto"; // a title in a right-to-left script reads right to left on any page
  head.append(title);
  const toggle = el("button", say("panel.open"), "panel-toggle");
  toggle.type = "button";
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", "route-panel-body");
  head.append(toggle);
  const body = el("div", null, "panel-body");
  body.id = "route-panel-body";
  root.append(head, body);

  function fold(open) {
    root.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? say("panel.close") : say("panel.open");
  }
  toggle.addEventListener("click", () => fold(!root.classList.contains("open")));

  if (data.dated) {
    const dated = el("div", null, "panel-dated");
    dated.append(told("p", data.dated));
    if (data.dated_inferred) dated.append(popups.inferredLine(say("panel.dateInferred"), data.dated_inferred));
    body.append(dated);
  }
  // A source known by its title alone (no publisher or author) is named by it once; one with
  // no title (its headline not known) by its publisher or author alone.
  const names = data.sources.map((s) =>
    s.title == null || s.name === s.title ? s.label : [s.label, "“" + s.title + "”"].join(", "),
  );
  if (names.length <= 4) {
    const list = el("ul", null, "panel-sources");
    data.sources.forEach((source, n) => {
      const item = sayInto(el("li"), "panel.source", { source: told("span", names[n]) });
      if (source.note) item.append(told("p", source.note, "source-note"));
      list.append(item);
    });
    body.append(list);
  } else {
    const sourceList = el("details", null, "panel-sources");
    sourceList.append(el("summary", say("panel.sources", { n: names.length })));
    const list = el("ul");
    for (const name of names) list.append(told("li", name));
    sourceList.append(list);
    body.append(sourceList);
  }

  // Search box and its results.
  const form = el("form", null, "search");
  form.setAttribute("role", "search");
  const label = el("label", say("search.label"));
  label.htmlFor = "route-search";
  const input = el("input");
  input.id = "route-search";
  input.type = "search";
  input.autocomplete = "off";
  input.placeholder = say("search.placeholder");
  const status = el("p", null, "search-status");
  status.setAttribute("aria-live", "polite");
  const results = el("ul", null, "search-results");
  form.append(label, input, status, results);
  let index = null;
  let found = [];
  let asked = 0; // searches asked for: only the latest one's results are shown
  // A big map's index is made in steps: begun when the reader comes to the box.
  const indexed = () => index || (index = searchIndex(view, popups));
  input.addEventListener("focus", () => indexed().ready());
  const show = async () => {
    const query = input.value;
    const mine = ++asked;
    if (!indexed().search) {
      status.textContent = query.trim() ? say("search.preparing") : "";
      index.search = await index.ready();
      if (mine !== asked) return;
    }
    found = index.search(query);
    results.replaceChildren();
    for (const entry of found.slice(0, SEARCH_SHOWN)) {
      const button = el("button", null, "result");
      button.type = "button";
      button.append(told("span", entry.title, "result-name"), el("span", entry.detail, "result-kind"));
      button.addEventListener("click", () => view.selectFound(entry, button));
      const item = el("li");
      item.append(button);
      results.append(item);
    }
    status.textContent = query.trim() ? say("search.results", { n: found.length }) : "";
    // In the folded panel of a phone, the results come into view as they change.
    if (found.length && body.scrollHeight > body.clientHeight) results.scrollIntoView({ block: "nearest" });
  };
  input.addEventListener("input", show);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const mine = asked + 1;
    await show();
    if (mine === asked && found.length) view.selectFound(found[0], input);
  });
  body.append(form);

  // Journeys people describe, then the groups of routes, then the places with something said of
  // them: each opens to its legs or notes and quotes, and shows itself on the map.
  const entry = (id, name, colour, fill, link) => {
    const item = el("li", null, "journey");
    if (link.place) item.dataset.place = id;
    else item.dataset.journey = id;
    const select = (from) => (link.place ? view.selectPlace(id, from) : view.selectJourney(id, from));
    const details = el("details");
    const summary = el("summary");
    const heading = el("h3");
    const swatch = el("span", null, "swatch");
    swatch.style.background = colour;
    heading.append(swatch, told("span", name));
    summary.append(heading);
    details.append(summary);
    let filled = false;
    // Written on first opening (or before printing, print.js): a long list costs nothing until read.
    details.routeFill = () => {
      if (filled) return;
      const content = el("div", null, "journey-body");
      fill(content);
      const show = el("button", say("panel.show"), "show-on-map");
      show.type = "button";
      show.addEventListener("click", () => select(show));
      const actions = el("p", null, "entry-actions");
      actions.append(show, view.links.copyButton(link, name));
      content.append(actions);
      details.append(content);
      filled = true;
    };
    details.addEventListener("toggle", () => {
      if (!details.open) return;
      details.routeFill();
      // Opened for printing: the map stays as the reader left it.
      if (details.dataset.printing) {
        delete details.dataset.printing;
        return;
      }
      select(summary);
    });
    item.append(details);
    return item;
  };
  const trips = data.journeys.filter((j) => !j.group);
  if (trips.length) {
    const section = el("section", null, "journeys-section");
    section.append(el("h2", say("panel.journeys")));
    const tripEntry = (journey) =>
      entry(journey.id, journey.name, journey.colour, (content) => {
        if (journey.person) content.append(told("p", popups.personLabel(journey.person), "kicker"));
        if (journey.summary) content.append(told("p", journey.summary));
        if (journey.accounts) content.append(popups.accountsBlock(journey.accounts));
        content.append(popups.legList(journey), popups.sourcesLine(journey.sources));
        popups.appendQuotes(content, journey.quotes);
      }, { journey: journey.id });
    if (trips.length <= PANEL_BATCH) {
      const list = el("ul", null, "journey-list");
      list.append(...trips.map(tripEntry));
      section.append(list);
    } else {
      // A long list comes in parts of PANEL_BATCH ("Journeys 201–400"), each written when first
      // opened (the first is open): a reader finds their way among a few hundred parts, and the
      // page keeps no tens of thousands of entries it may never show. (The search finds any.)
      for (let from = 0; from < trips.length; from += PANEL_BATCH) {
        const members = trips.slice(from, from + PANEL_BATCH);
        const part = el("details", null, "journey-part");
        part.append(el("summary", say("panel.journeysPart", { first: from + 1, last: from + members.length })));
        let written = false;
        part.routeFill = () => {
          if (written) return;
          written = true;
          const list = el("ul", null, "journey-list");
          list.append(...members.map(tripEntry));
          part.append(list);
        };
        part.addEventListener("toggle", () => part.open && part.routeFill());
        if (!from) {
          part.routeFill();
          part.open = true;
        }
        section.append(part);
      }
    }
    body.append(section);
  }
  if (data.groups.length) {
    const section = el("section", null, "groups-section");
    section.append(el("h2", say("panel.groups")));
    const list = el("ul", null, "journey-list");
    const members = Object.create(null);
    for (const journey of data.journeys) if (journey.group) (members[journey.group] = members[journey.group] || []).push(journey);
    for (const group of data.groups) {
      const routes = members[group.id];
      if (!routes) continue;
      list.append(
        entry(group.id, group.name, routes[0].colour, (content) => {
          if (group.note) content.append(told("p", group.note));
          if (group.accounts) content.append(popups.accountsBlock(group.accounts));
          content.append(popups.journeyLinks(routes, "legs"), popups.sourcesLine(group.sources));
          popups.appendQuotes(content, group.quotes);
        }, { group: group.id })
      );
    }
    section.append(list);
    body.append(section);
  }
  const described = data.places.features.filter((f) => f.properties.note || f.properties.quotes.length);
  if (described.length && described.length <= PANEL_BATCH) {
    const section = el("section", null, "places-section");
    section.append(el("h2", say("panel.places")));
    const list = el("ul", null, "journey-list");
    for (const feature of described) {
      const p = feature.properties;
      const colour = dotColour(data.styles.markers[p.role]);
      list.append(
        entry(p.id, p.name, colour, (content) => {
          content.append(...popups.placeDetails(feature));
        }, { place: p.id })
      );
    }
    section.append(list);
    body.append(section);
  }
  // Words the articles quote that belong to no one place or route.
  if (data.unplaced.length) {
    const section = el("section", null, "unplaced-section");
    section.id = "route-unplaced";
    section.tabIndex = -1;
    section.append(el("h2", say("panel.unplaced")));
    popups.appendQuotes(section, data.unplaced);
    body.append(section);
  }
  // Places the articles name that the map leaves out on purpose, and why.
  if (data.unmapped.length) {
    const section = el("section", null, "unmapped-section");
    section.append(el("h2", say("panel.unmapped")));
    const list = el("ul", null, "unmapped");
    for (const entry of data.unmapped) {
      const item = el("li");
      item.append(told("strong", entry.name + ": "), told("span", entry.why + " (" + entry.sources.map(popups.sourceLabel).join("; ") + ")"));
      list.append(item);
    }
    section.append(list);
    body.append(section);
  }
  // The data behind the map, for readers who want to check it or map it themselves.
  if (data.downloads) {
    const section = el("section", null, "downloads-section");
    section.append(el("h2", say("panel.data")));
    const list = el("ul", null, "downloads");
    const file = (text, type, name, label) => {
      const link = el("a", label);
      link.href = URL.createObjectURL(new Blob([text], { type }));
      link.download = name;
      const item = el("li");
      item.append(link);
      list.append(item);
    };
    file(data.downloads.geojson, "application/geo+json", "routes.geojson", say("panel.geojson"));
    file(data.downloads.csv, "text/csv", "routes-quotes.csv", say("panel.csv"));
    section.append(list);
    body.append(section);
  }
  return { root, toggle, input, body, fold };
}
