/* The search box's index and ranking: journeys, people, places, groups of routes and quotes,
 * found by any of their words or a place's other names (`also_called`), forgiving a letter or
 * two wrong ("Bakku") and the usual other spellings (Saint/St./St, accents, ё, Cyrillic or
 * Greek for Latin: "Олег" finds Oleg). What choosing a result does is map.js's. */

const SEARCH_KIND_ORDER = ["journey", "person", "place", "group", "quote"];
const SEARCH_SHOWN = 8; // results listed under the box; the status counts them all

/* Greek and Cyrillic letters spelled in Latin (language.search_letters, in the data block):
 * a Map, so no letter is looked up through an object's prototype. */
let SEARCH_LETTERS = new Map();

/* Text as the search compares it: no accents, lower case, Greek and Cyrillic in Latin letters,
 * punctuation as spaces, and "Saint", "Sankt" and "St." all as "st". */
function foldText(text) {
  const plain = String(text || "");
  // (Text in plain ASCII, most of a big map's, has no accents and no Greek or Cyrillic.)
  const folded = /[^\x00-\x7f]/.test(plain)
    ? plain
        .normalize("NFD")
        .replace(/\p{M}/gu, "")
        .toLowerCase()
        .replace(/[\u0370-\u052f]/g, (letter) => (SEARCH_LETTERS.has(letter) ? SEARCH_LETTERS.get(letter) : letter))
        .replace(/[^\p{L}\p{N}]+/gu, " ")
    : plain.toLowerCase().replace(/[^a-z0-9]+/g, " ");
  return folded.replace(/\b(saint|sankt|st)\b/g, "st").trim();
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

/* What the search looks through, and how it looks. Each entry (a journey, a person, a place, a
 * group, a quote) keeps the numbers of its words; each word, the entries it is in (an inverted
 * index), so that a typed word is compared with each distinct word once, not once for every
 * entry holding it: a big map has hundreds of thousands of entries but few distinct words.
 * Texts are folded once each (a quote is a word list of its own entry and of its place's). On
 * a big map the index is made in steps between the reader's input (see ready()). */
const SEARCH_STEP_ENTRIES = 2000; // entries indexed between pauses, on a big map

function searchIndex(view, popups) {
  const { data, people, places, groups } = view;
  SEARCH_LETTERS = new Map(Object.entries(data.searchLetters || {}));
  const vocabulary = new Map(); // word -> its number
  const spelt = []; // number -> word
  const folded = new Map(); // text -> its words' numbers (texts repeat: "next week")
  const wordsOf = (text) => {
    if (text === null || text === undefined || text === "") return [];
    let found = folded.get(text);
    if (!found) {
      found = [];
      for (const word of foldText(text).split(" ")) {
        if (!word) continue;
        let number = vocabulary.get(word);
        if (number === undefined) {
          number = spelt.length;
          vocabulary.set(word, number);
          spelt.push(word);
        }
        found.push(number);
      }
      folded.set(text, found);
    }
    return found;
  };
  const entries = []; // { kind, id, title, detail, name: [word numbers] }
  const entryWords = []; // each entry's distinct word numbers
  const entryTexts = []; // each entry's texts, each as its words' numbers in order
  let seen = new Int32Array(1024).fill(-1); // the last entry each word was added to
  const add = (kind, id, title, detail, name, more) => {
    const number = entries.length;
    const nameWords = wordsOf(name);
    const all = [];
    const take = (list) => {
      for (const word of list) {
        if (word >= seen.length) {
          const grown = new Int32Array(Math.max(seen.length * 2, word + 1)).fill(-1);
          grown.set(seen);
          seen = grown;
        }
        if (seen[word] === number) continue;
        seen[word] = number;
        all.push(word);
      }
    };
    take(nameWords);
    const texts = [nameWords];
    for (const text of more) {
      const list = wordsOf(text);
      take(list);
      if (list.length > 1) texts.push(list);
    }
    entries.push({ kind, id, title, detail, name: nameWords });
    entryWords.push(all);
    entryTexts.push(texts);
  };

  // The entries to make, each a function, so that a big map's can be made in steps.
  const makers = [];
  const quoteTexts = (indexes) => indexes.map((i) => data.quotes[i].text);
  for (const journey of data.journeys) {
    if (journey.group) continue;
    makers.push(() => {
      const legs = [];
      for (const leg of journey.legs) legs.push(places.get(leg.from).properties.name, places.get(leg.to).properties.name, leg.note, leg.when);
      add("journey", journey.id, journey.name, say("search.journey"), journey.name + " " + (people.get(journey.person) ? people.get(journey.person).name : ""), [popups.personLabel(journey.person), journey.summary, ...legs]);
    });
  }
  // A person with a journey is found as that journey; the others (quoted only) as themselves.
  const travelled = new Set(data.journeys.map((j) => j.person));
  const said = new Map(); // what each person is quoted saying
  for (const quote of data.quotes) {
    if (travelled.has(quote.speaker)) continue;
    if (!said.has(quote.speaker)) said.set(quote.speaker, []);
    said.get(quote.speaker).push(quote.text);
  }
  for (const person of data.people) {
    if (travelled.has(person.id)) continue;
    makers.push(() => add("person", person.id, person.name, say("search.person") + (person.role ? " · " + person.role : ""), person.name, [person.role, ...(said.get(person.id) || [])]));
  }
  for (const feature of data.places.features) {
    makers.push(() => {
      const p = feature.properties;
      const through = view.journeysThrough(p.id).flatMap((j) => [j.name, popups.personLabel(j.person)]);
      add("place", p.id, p.name, popups.placeKind(p), [p.name, ...(p.also_called || [])].join(" "), [p.country, data.countries[p.country], p.note, p.inferred, ...through, ...quoteTexts(p.quotes)]);
    });
  }
  const members = new Map(); // each group's routes
  for (const journey of data.journeys) {
    if (!journey.group) continue;
    if (!members.has(journey.group)) members.set(journey.group, []);
    members.get(journey.group).push(journey.name);
  }
  for (const group of data.groups) {
    makers.push(() => add("group", group.id, group.name, say("panel.groups"), group.name, [group.note, ...(members.get(group.id) || []), ...quoteTexts(group.quotes)]));
  }
  data.quotes.forEach((quote, index) => {
    makers.push(() => {
      const speaker = people.get(quote.speaker) ? people.get(quote.speaker).name : "";
      const text = quote.text.length > 70 ? quote.text.slice(0, 68) + "…" : quote.text;
      add("quote", index, "“" + text + "”", say("search.quote", { speaker }), "", [quote.text, speaker, ...(quote.also || []).map((w) => w.text)]);
    });
  });

  // Each word's entries, all in one array: word w's are holders[starts[w]] .. holders[starts[w + 1] - 1].
  let starts = null;
  let holders = null;
  function finish() {
    starts = new Uint32Array(spelt.length + 1);
    for (const list of entryWords) for (const word of list) starts[word + 1]++;
    for (let w = 0; w < spelt.length; w++) starts[w + 1] += starts[w];
    holders = new Uint32Array(starts[spelt.length]);
    const filled = starts.slice(0, spelt.length);
    entryWords.forEach((list, entry) => {
      for (const word of list) holders[filled[word]++] = entry;
    });
  }
  const collator = new Intl.Collator();

  /* Entries that match every typed word: those whose name holds every word first, and of
   * those the ones whose whole name was typed ("Baku" before "Tatayana, from Irkutsk to
   * Baku"); then those with the typed words together, in order, in one of their texts (a
   * passage of a quote); then by kind (journeys before people, places, groups and quotes),
   * closeness and title. Misspellings are forgiven only when nothing is spelt as typed. The first
   * SEARCH_SHOWN are in that order, the rest after them (titles are compared only where they
   * decide which are shown: on a big map a word may find tens of thousands). */
  function search(query) {
    const terms = foldText(query).split(" ").filter(Boolean);
    if (!terms.length) return [];
    // For each typed word, how well each distinct word matches it (wordMatch), by word number.
    const matches = terms.map((term) => {
      const found = new Map();
      spelt.forEach((word, number) => {
        const match = wordMatch(term, word);
        if (match !== null) found.set(number, match);
      });
      return found;
    });
    // Each entry's best match for each typed word in turn; those matching every word go on.
    let total = null; // entry -> sum of best matches so far (entries still in the running)
    let fuzzy = null; // entries with a misspelt match
    for (const found of matches) {
      const best = new Map();
      for (const [word, match] of found) {
        for (let h = starts[word]; h < starts[word + 1]; h++) {
          const entry = holders[h];
          if (total && !total.has(entry)) continue;
          const before = best.get(entry);
          if (before === undefined || match < before) best.set(entry, match);
        }
      }
      const next = new Map();
      const nextFuzzy = new Set();
      for (const [entry, match] of best) {
        next.set(entry, (total ? total.get(entry) : 0) + match);
        if (match === 3 || (fuzzy && fuzzy.has(entry))) nextFuzzy.add(entry);
      }
      total = next;
      fuzzy = nextFuzzy;
    }
    let found = Array.from(total.keys());
    if (found.some((entry) => !fuzzy.has(entry))) found = found.filter((entry) => !fuzzy.has(entry));
    const kindOrder = (entry) => SEARCH_KIND_ORDER.indexOf(entries[entry].kind);
    // The typed words as words of the index, where each is one ("border queue"): a passage.
    const passage = terms.length > 1 && terms.every((term) => vocabulary.has(term)) ? terms.map((term) => vocabulary.get(term)) : null;
    const holdsPassage = (entry) =>
      passage !== null &&
      entryTexts[entry].some((text) => {
        for (let at = text.indexOf(passage[0]); at !== -1 && at + passage.length <= text.length; at = text.indexOf(passage[0], at + 1)) {
          if (passage.every((word, n) => text[at + n] === word)) return true;
        }
        return false;
      });
    // Named, whole, passage, kind and closeness in one number (each is small), lower first.
    const rank = new Map();
    for (const entry of found) {
      const name = entries[entry].name;
      const named = matches.every((m) => name.some((word) => m.has(word))) ? 0 : 1;
      const whole = named === 0 && name.length && name.every((word) => matches.some((m) => m.has(word))) ? 0 : 1;
      const together = holdsPassage(entry) ? 0 : 1;
      rank.set(entry, (((named * 2 + whole) * 2 + together) * SEARCH_KIND_ORDER.length + kindOrder(entry)) * 4 * terms.length + total.get(entry));
    }
    found.sort((a, b) => rank.get(a) - rank.get(b));
    // Within each run of equal rank that reaches into the shown ones, by title.
    for (let at = 0; at < Math.min(SEARCH_SHOWN, found.length); ) {
      let end = at;
      while (end < found.length && rank.get(found[end]) === rank.get(found[at])) end++;
      const run = found.slice(at, end);
      const byTitle = (a, b) => collator.compare(entries[a].title, entries[b].title) || a - b;
      const first = [];
      for (const entry of run) {
        // The SEARCH_SHOWN first of the run by title, kept in order as they are found.
        if (first.length === SEARCH_SHOWN && byTitle(entry, first[SEARCH_SHOWN - 1]) >= 0) continue;
        const after = first.findIndex((other) => byTitle(entry, other) < 0);
        first.splice(after === -1 ? first.length : after, 0, entry);
        if (first.length > SEARCH_SHOWN) first.pop();
      }
      const rest = run.filter((entry) => !first.includes(entry));
      found = [...found.slice(0, at), ...first, ...rest, ...found.slice(end)];
      at = end;
    }
    return found.map((entry) => entries[entry]);
  }

  /* The search, once the index is made: at once for a map of a few thousand entries; for a
   * bigger one in steps that each leave the page free to answer the reader. */
  let making = null;
  function ready() {
    if (!making) {
      making = (async () => {
        for (let from = 0; from < makers.length; from += SEARCH_STEP_ENTRIES) {
          for (const make of makers.slice(from, from + SEARCH_STEP_ENTRIES)) make();
          if (makers.length > SEARCH_STEP_ENTRIES) await nextTask();
        }
        finish();
        return search;
      })();
    }
    return making;
  }
  // A small map's index, made now: its search answers as the reader types, with no wait.
  if (makers.length <= SEARCH_STEP_ENTRIES) {
    for (const make of makers) make();
    finish();
    return { ready: () => Promise.resolve(search), search };
  }
  return { ready, search: null };
}
