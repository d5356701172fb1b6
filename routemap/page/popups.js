/* What a popup or panel entry says: people, sources and relays, quotes with their other
 * wordings, inferences and disagreements, a leg, a journey, a place. Builds DOM only; when and
 * where a popup opens is map.js's. */


function popupContent(view) {
  const { data, people, sources, groups, places, styles } = view;

  function personLabel(id) {
    const person = people.get(id);
    if (!person) return "";
    return [person.name, person.age, person.role].filter((x) => x !== null && x !== undefined).join(", ");
  }

  // How a source is named wherever it is cited: with its caveat (a re-translated text).
  function sourceLabel(id) {
    return sources.get(id) ? sources.get(id).label : id;
  }

  // Who said it to whom: "Oleg, 29, … · The Guardian", or for words a source relays from
  // another's interview, "Oleg, 29, … to The Guardian, as quoted by Chingkheinganbi Mayengbam".
  function attribution(speaker, source, via) {
    const caption = el("figcaption");
    const who = told("span", personLabel(speaker));
    if (!via) {
      caption.append(who, " · ", told("span", sourceLabel(source)));
      return caption;
    }
    return sayInto(caption, "popup.relayed", { speaker: who, to: told("span", sources.get(via) ? sources.get(via).name : via), source: told("span", sourceLabel(source)) });
  }

  // <figure><blockquote>words</blockquote><figcaption>speaker, role · source</figcaption></figure>,
  // then each other source's wording of the same words as a figure of its own, then a button
  // that copies a link to the quote.
  function quoteFigure(index) {
    const quote = data.quotes[index];
    const entry = el("div", null, "quote-entry");
    entry.dataset.quote = quoteLink(data, quote);
    const figure = el("figure", null, "quote");
    figure.append(told("blockquote", quote.text), attribution(quote.speaker, quote.source, quote.via));
    entry.append(figure);
    for (const wording of quote.also || []) {
      const other = el("figure", null, "quote wording");
      other.append(sayInto(el("p", null, "wording-kicker"), "popup.sameWords", { source: told("span", sourceLabel(wording.source)) }));
      other.append(told("blockquote", wording.text), attribution(quote.speaker, wording.source, wording.via));
      entry.append(other);
    }
    if (quote.also) entry.classList.add("quote-wordings");
    entry.append(view.links.copyButton({ quote: quoteLink(data, quote) }, say("link.quote", { speaker: personLabel(quote.speaker) })));
    return entry;
  }

  function appendQuotes(box, indexes) {
    for (const index of indexes) box.append(quoteFigure(index));
  }

  function sourcesLine(ids) {
    return sayInto(el("p", null, "sources"), "popup.sources", { sources: told("span", ids.map(sourceLabel).join("; ")) });
  }

  // "Inferred: why", in words, wherever the style shows an inference.
  function inferredLine(label, reason) {
    const line = el("p", null, "inferred");
    line.append(el("strong", label + ": "), told("span", reason));
    return line;
  }

  // Where the sources disagree: each version with its source.
  function accountsBlock(accounts) {
    const box = el("div", null, "accounts");
    box.append(el("p", say("popup.sourcesDiffer"), "accounts-head"));
    const list = el("ul");
    for (const account of accounts) {
      const item = el("li");
      const source = el("strong");
      source.append(told("span", sourceLabel(account.source)), ": ");
      item.append(source, told("span", account.says));
      list.append(item);
    }
    box.append(list);
    return box;
  }

  // What the editor chose for one leg, and for a journey's start on its first leg.
  function legInferences(journey, leg) {
    const lines = [];
    if (leg.number === 1 && journey.start_inferred) lines.push(inferredLine(say("popup.startInferred"), journey.start_inferred));
    if (leg.inferred) lines.push(inferredLine(say("popup.legInferred"), leg.inferred));
    const to = places.get(leg.to).properties;
    if (to.inferred) lines.push(inferredLine(say("popup.placeInferred", { name: to.name }), to.inferred));
    return lines;
  }

  // "Moscow → Orenburg · by plane · that night" for a leg: the places' names and its `when:`
  // from places.yaml, the mode in the page's words.
  function legWords(leg, item) {
    item.append(told("span", places.get(leg.from).properties.name + " → " + places.get(leg.to).properties.name), " · " + say("mode." + leg.mode));
    if (leg.when) item.append(" · ", told("span", leg.when));
    return item;
  }

  // A journey's legs in order, each with what was inferred about it.
  function legList(journey) {
    const list = el("ol", null, "legs");
    for (const leg of journey.legs) {
      const item = legWords(leg, el("li"));
      item.append(...legInferences(journey, leg));
      list.append(item);
    }
    return list;
  }

  // A popup's frame: its kicker, its heading and, for a view an address can name, a button
  // that copies the address.
  function popupBox(title, kicker, link) {
    const box = el("div", null, "route-popup");
    if (kicker) box.append(told("p", kicker, "kicker"));
    box.append(told("h2", title));
    if (link) box.append(view.links.copyButton(link, title));
    return box;
  }

  function journeyKicker(journey) {
    if (journey.person) return personLabel(journey.person);
    return groups.get(journey.group) ? groups.get(journey.group).name : null;
  }

  // A leg's popup (a click on a line), or with no leg the whole journey's (chosen in the panel).
  function journeyPopup(journey, leg) {
    const link = leg ? { journey: journey.id, leg: leg.number } : { journey: journey.id };
    const box = popupBox(journey.name, journeyKicker(journey), link);
    if (leg) {
      box.append(sayInto(el("p", null, "leg"), "popup.leg", { number: leg.number, count: journey.legs.length, leg: legWords(leg, el("span")) }));
      if (leg.note) box.append(told("p", leg.note, "note"));
      box.append(...legInferences(journey, leg));
    } else {
      box.append(legList(journey));
    }
    if (journey.summary) box.append(told("p", journey.summary));
    if (journey.accounts) box.append(accountsBlock(journey.accounts));
    const group = groups.get(journey.group);
    if (group && group.note) box.append(told("p", group.note));
    if (group && group.accounts && !journey.accounts) box.append(accountsBlock(group.accounts));
    box.append(sourcesLine(journey.sources));
    appendQuotes(box, journey.quotes);
    if (group) appendQuotes(box, group.quotes);
    return box;
  }

  // A list of journeys, each a button that shows that journey on the map.
  function journeyLinks(journeys, className) {
    const list = el("ul", null, className);
    for (const journey of journeys) {
      const link = told("button", journey.name, "link");
      link.type = "button";
      link.addEventListener("click", () => view.selectJourney(journey.id, link));
      const item = el("li");
      item.append(link);
      list.append(item);
    }
    return list;
  }

  // A group of routes' popup (chosen in the panel): its note, each route, its quotes.
  function groupPopup(group, routes) {
    const box = popupBox(group.name, say("panel.groups"), { group: group.id });
    if (group.note) box.append(told("p", group.note));
    if (group.accounts) box.append(accountsBlock(group.accounts));
    const list = el("ul", null, "legs");
    for (const journey of routes) list.append(told("li", journey.name));
    box.append(list, sourcesLine(group.sources));
    appendQuotes(box, group.quotes);
    return box;
  }

  // A place's popup; the journeys through it are buttons that show those journeys.
  function placePopup(feature) {
    const p = feature.properties;
    const box = popupBox(p.name, placeKind(p), { place: p.id });
    box.append(...placeDetails(feature));
    return box;
  }

  // What a place's popup and its panel entry say: note, accounts, sources, what was inferred,
  // the journeys through it, its quotes.
  function placeDetails(feature) {
    const p = feature.properties;
    const parts = [];
    if (p.note) parts.push(told("p", p.note));
    if (p.also_called) {
      const line = el("p", null, "also-called");
      line.append(el("strong", say("popup.alsoCalled") + ": "), told("span", p.also_called.join(", ")));
      parts.push(line);
    }
    if (p.accounts) parts.push(accountsBlock(p.accounts));
    if (p.sources) parts.push(sourcesLine(p.sources));
    if (p.inferred) parts.push(inferredLine(say("popup.inferred"), p.inferred));
    if (p.area) {
      const line = el("p", null, "inferred");
      line.append(el("strong", say("popup.approximate") + ": "), document.createTextNode(say("popup.approximateWhy")));
      parts.push(line);
    }
    const through = view.journeysThrough(p.id);
    if (through.length) parts.push(el("p", say("popup.journeysHere")), journeyLinks(through, "journeys"));
    parts.push(...p.quotes.map(quoteFigure));
    return parts;
  }

  // What a place is and in which country: "Border crossing · Russia" (the country's name in the
  // page's language, from CLDR: routemap/language.py).
  function placeKind(p) {
    return styles.markers[p.role].label + " · " + (data.countries[p.country] || p.country);
  }

  // Where things overlap under a click: "3 routes here", each a button with its swatch that
  // opens its own popup. `choices` are { name, colour, pick }. Past CHOICES_SHOWN (on a big
  // map's overview hundreds of routes cross under a click) the rest come with "Show all", which
  // adds them and takes the keyboard's focus to the first added.
  function choicePopup(title, choices) {
    const box = el("div", null, "route-popup");
    box.append(el("h2", title));
    const list = el("ul", null, "route-choices");
    const add = (some) => {
      for (const choice of some) {
        const button = el("button", null, "link");
        button.type = "button";
        const swatch = el("span", null, "swatch");
        swatch.style.background = choice.colour;
        button.append(swatch, told("span", choice.name));
        button.addEventListener("click", choice.pick);
        const item = el("li");
        item.append(button);
        list.append(item);
      }
    };
    add(choices.slice(0, CHOICES_SHOWN));
    box.append(list);
    if (choices.length > CHOICES_SHOWN) {
      const more = el("button", say("popup.showAll", { n: choices.length }), "link show-all");
      more.type = "button";
      more.addEventListener("click", () => {
        more.hidden = true; // (not removed: Leaflet takes a click on a node out of the page for a click on the map)
        add(choices.slice(CHOICES_SHOWN));
        if (view.map._popup) view.map._popup.update(); // (which puts the content in again: then the focus)
        list.children[CHOICES_SHOWN].querySelector("button").focus();
      });
      box.append(more);
    }
    return box;
  }

  return { choicePopup, placeKind, personLabel, sourceLabel, quoteFigure, appendQuotes, sourcesLine, inferredLine, accountsBlock, legInferences, legList, journeyLinks, journeyPopup, groupPopup, placePopup, placeDetails };
}
