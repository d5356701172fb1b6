/* The search box's index and ranking: journeys, people, places, groups of routes and quotes,
 * found by any of their words or a place's other names (`also_called`), forgiving a letter or
 * two wrong ("Bakku") and the usual other spellings (Saint/St./St, accents, ё, Cyrillic or
 * Greek for Latin: "Олег" finds Oleg). What choosing a result does is map.js's. */

const SEARCH_KIND_ORDER = ["journey", "person", "place", "group", "quote"];

/* Greek and Cyrillic letters spelled in Latin (language.search_letters, in the data block):
 * a Map, so no letter is looked up through an object's prototype. */
let SEARCH_LETTERS = new Map();

/* Text as the search compares it: no accents, lower case, Greek and Cyrillic in Latin letters,
 * punctuation as spaces, and "Saint", "Sankt" and "St." all as "st". */
function foldText(text) {
  return String(text || "")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\u0370-\u052f]/g, (letter) => (SEARCH_LETTERS.has(letter) ? SEARCH_LETTERS.get(letter) : letter))
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .replace(/\b(saint|sankt|st)\b/g, "st")
    .trim();
}

/* Letters to change, add, drop or swap to turn a into b, stopping once past `most`. */
function editDistance(a, b, most) {
  if (Math.abs(a.length - b.length) > most) return most + 1;
  let before = null;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let cost = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cost = Math.min(cost, before[j - 2] + 1);
      next.push(cost);
      best = Math.min(best, cost);
    }
    if (best > most) return most + 1;
    before = row;
    row = next;
  }
  return row[b.length];
}

/* How well one typed word matches one word of an entry: 0 the same word, 1 its start, 2 inside
 * it, 3 a letter or two off; null no match. */
function wordMatch(term, word) {
  if (word === term) return 0;
  if (word.startsWith(term)) return 1;
  if (term.length >= 3 && word.includes(term)) return 2;
  const most = term.length >= 8 ? 2 : term.length >= 4 ? 1 : 0;
  if (!most) return null;
  if (editDistance(term, word, most) <= most) return 3;
  // The start of a longer word, a letter off, only for longer words typed ("Lobanovsk…").
  if (term.length >= 6 && word.length > term.length && editDistance(term, word.slice(0, term.length), most) <= most) return 3;
  return null;
}

function searchIndex(view, words) {
  const { data, people, places, groups } = view;
  SEARCH_LETTERS = new Map(Object.entries(data.searchLetters || {}));
  const entries = [];
  const add = (kind, id, title, detail, name, more) => {
    const nameWords = foldText(name).split(" ").filter(Boolean);
    const otherWords = foldText(more.filter(Boolean).join(" ")).split(" ").filter(Boolean);
    entries.push({ kind, id, title, detail, nameWords, words: [...new Set([...nameWords, ...otherWords])] });
  };
  const quoteWords = (indexes) => indexes.map((i) => data.quotes[i].text);
  for (const journey of data.journeys) {
    if (journey.group) continue;
    const legs = journey.legs.flatMap((leg) => [places[leg.from].properties.name, places[leg.to].properties.name, leg.note, leg.when]);
    add("journey", journey.id, journey.name, say("search.journey"), journey.name + " " + (people[journey.person] ? people[journey.person].name : ""), [words.personLabel(journey.person), journey.summary, ...legs]);
  }
  // A person with a journey is found as that journey; the others (quoted only) as themselves.
  const travelled = new Set(data.journeys.map((j) => j.person));
  for (const person of data.people) {
    if (travelled.has(person.id)) continue;
    const quoted = data.quotes.filter((q) => q.speaker === person.id).map((q) => q.text);
    add("person", person.id, person.name, say("search.person") + (person.role ? " · " + person.role : ""), person.name, [person.role, ...quoted]);
  }
  for (const feature of data.places.features) {
    const p = feature.properties;
    const through = (view.placeJourneys[p.id] || []).flatMap((j) => [j.name, words.personLabel(j.person)]);
    add("place", p.id, p.name, words.placeKind(p), [p.name, ...(p.also_called || [])].join(" "), [p.country, data.countries[p.country], p.note, p.inferred, ...through, ...quoteWords(p.quotes)]);
  }
  for (const group of data.groups) {
    const routes = data.journeys.filter((j) => j.group === group.id).map((j) => j.name);
    add("group", group.id, group.name, say("panel.groups"), group.name, [group.note, ...routes, ...quoteWords(group.quotes)]);
  }
  data.quotes.forEach((quote, index) => {
    const speaker = people[quote.speaker] ? people[quote.speaker].name : "";
    const text = quote.text.length > 70 ? quote.text.slice(0, 68) + "…" : quote.text;
    add("quote", index, "“" + text + "”", say("search.quote", { speaker }), "", [quote.text, speaker, ...(quote.also || []).map((w) => w.text)]);
  });

  // Entries that match every typed word: those whose name holds every word first, and of those
  // the ones whose whole name was typed ("Baku" before "Tatayana, from Irkutsk to Baku"); then
  // by kind (journeys before people, places, groups and quotes), closeness and title.
  return function search(query) {
    const terms = foldText(query).split(" ").filter(Boolean);
    if (!terms.length) return [];
    let scored = [];
    for (const entry of entries) {
      let total = 0;
      let inName = 0;
      const bestOf = [];
      for (const term of terms) {
        let best = null;
        for (const word of entry.words) {
          const match = wordMatch(term, word);
          if (match !== null && (best === null || match < best)) best = match;
          if (best === 0) break;
        }
        if (best === null) {
          total = null;
          break;
        }
        total += best;
        bestOf.push(best);
        if (entry.nameWords.some((word) => wordMatch(term, word) !== null)) inName += 1;
      }
      if (total === null) continue;
      const fuzzy = bestOf.some((match) => match === 3);
      const named = inName === terms.length ? 0 : 1;
      const whole = named === 0 && entry.nameWords.length && entry.nameWords.every((word) => terms.some((term) => wordMatch(term, word) !== null)) ? 0 : 1;
      scored.push([named, whole, SEARCH_KIND_ORDER.indexOf(entry.kind), total, entry, fuzzy]);
    }
    // Misspellings are forgiven only when nothing is spelt as typed.
    if (scored.some((s) => !s[5])) scored = scored.filter((s) => !s[5]);
    scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3] || a[4].title.localeCompare(b[4].title));
    return scored.map((s) => s[4]);
  };
}
