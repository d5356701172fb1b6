/* The page's language: its own words (say, sayInto: one table per language, routemap/words/),
 * and the language of the text from places.yaml, which every element holding that text is marked
 * with (told, toldHtml) where it is not the page's. */

/* The page's own words (routemap/words/<lang>.json, chosen by `routes --lang`): say("panel.show"),
 * say("popup.routesHere", { n: 3 }). A plural entry's form follows the language's rules
 * (Intl.PluralRules); {name} is filled in from `fill`. Looked up in a Map: no entry is found
 * through an object's prototype. */
let PAGE_WORDS = new Map();
let PLURAL_RULES = null;

function useWords(words, lang) {
  PAGE_WORDS = new Map(Object.entries(words));
  PLURAL_RULES = new Intl.PluralRules(lang);
}

function say(key, fill) {
  let entry = PAGE_WORDS.get(key);
  if (entry === undefined) return key;
  if (typeof entry === "object") entry = entry[PLURAL_RULES.select(fill.n)] || entry.other;
  return entry.replace(/\{(\w+)\}/g, (whole, name) => (fill && Object.prototype.hasOwnProperty.call(fill, name) ? String(fill[name]) : whole));
}

/* An element holding text from places.yaml: marked with the language it is written in, where
 * that is not the page's (a Russian page quotes the articles in English). */
function told(tag, text, className) {
  const node = el(tag, text, className);
  if (CONTENT_LANG && CONTENT_LANG !== document.documentElement.lang) node.lang = CONTENT_LANG;
  // Text in another language, or on a right-to-left page, takes its own direction from its
  // letters: English on a Hebrew page keeps its full stop at its end, Hebrew on an English
  // page reads right to left.
  if (node.lang || document.documentElement.dir === "rtl") node.dir = "auto";
  return node;
}
let CONTENT_LANG = null;

/* The page's words for `key` with their {names} filled in, into `parent`: a value that is a
 * Node (text from places.yaml, marked by told) goes in as it is, the rest as text. */
function sayInto(parent, key, fill) {
  const template = say(key, Object.fromEntries(Object.entries(fill).filter(([, v]) => !(v instanceof Node))));
  for (const part of template.split(/(\{\w+\})/)) {
    const name = part.startsWith("{") ? part.slice(1, -1) : null;
    const value = name !== null && Object.prototype.hasOwnProperty.call(fill, name) ? fill[name] : null;
    parent.append(value instanceof Node ? value : part);
  }
  return parent;
}

/* HTML for text from places.yaml inside an HTML string (Leaflet's layer control takes HTML):
 * escaped, and marked with its language as told() marks an element. */
function toldHtml(text) {
  const lang = CONTENT_LANG && CONTENT_LANG !== document.documentElement.lang ? ' lang="' + escapeHtml(CONTENT_LANG) + '"' : "";
  return "<span" + lang + ">" + escapeHtml(text) + "</span>";
}
