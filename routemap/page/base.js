/* What every part of the page shares: how text reaches the page, lookups by id, sizes, pacing.
 *
 * The page's script is these files joined in the order render.PAGE_SCRIPTS gives (base, then
 * language, data, drawing, labels, popups, search, panel, controls, keyboard, basemap, and
 * map.js, which puts them together). Every text from places.yaml reaches the page through textContent or a text
 * node, never innerHTML: whatever characters it holds, the reader sees it as text. The one
 * Leaflet API that takes HTML (the layer control's labels) gets it through escapeHtml.
 */
"use strict";

const LABEL_ALL_UP_TO = 30; // up to this many places, each is named on the map outright
const MAX_LAYER_ENTRIES = 40; // more journeys than this: the layer control switches them by kind
const DENSE_FROM = 300; // more places than this: smaller markers
const CHOICES_SHOWN = 30; // where more routes or places than this lie under a click, the rest wait for "Show all"
const PANEL_BATCH = 200; // journeys to a part of the panel's list, written when first opened
const PHONE_WIDTH = 900; // below this (a phone, a tablet upright, a narrow embed) the panel folds away above the map (see map.css)
const later = window.requestIdleCallback || ((work) => setTimeout(work, 16)); // after painting

/* Lets the browser paint and answer the reader before the next step of setting up the page:
 * no step of it is a long task (Lighthouse's total blocking time). scheduler.yield where the
 * browser has it: the page's next step comes before other queued work, and without the 4 ms a
 * nested setTimeout waits. */
function nextTask() {
  if (window.scheduler && typeof window.scheduler.yield === "function") return window.scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/* A pause between steps that yields only once STEP_MS have passed since the last: steps that
 * are quick run on in one task, and no run of them blocks the page for long. */
const STEP_MS = 8;
function pacer() {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < STEP_MS) return;
    await nextTask();
    since = performance.now();
  };
}

/* Readers who ask for less motion get jumps instead of flights. */
function reducedMotion() {
  return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/* Lookups by id are Maps: an id such as "constructor" finds only itself, and a big map's tens of
 * thousands of ids go in without being made property names (which a browser interns, one by
 * one: a tenth of a second at 50,000 journeys). */
function byId(entries) {
  return new Map(entries);
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
}

function latLng(coordinates) {
  return L.latLng(coordinates[1], coordinates[0]);
}
