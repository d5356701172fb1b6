/* Light and dark: the page follows the reader's system (`prefers-color-scheme`). The page's own
 * colours are map.css's (its dark block); for what is drawn on the map this file lays styles.py's
 * DARK_STYLES over the style table, and gives each journey its night colour, before anything is
 * drawn. When the system switches (at dusk, say) the page reloads where the reader was
 * (links.js keeps the view and the address names what is open). */

function followScheme(view) {
  const { styles, data } = view;
  const query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  const dark = Boolean(query && query.matches);
  view.dark = dark;
  if (dark) {
    const night = styles.dark;
    for (const [key, entry] of Object.entries(night)) {
      if (key === "colours") continue;
      if (typeof entry !== "object") styles[key] = entry;
      else mergeStyle(styles[key], entry);
    }
    const colours = new Map(Object.entries(night.colours));
    for (const journey of data.journeys) if (colours.has(journey.colour)) journey.colour = colours.get(journey.colour);
    // A big map's overview draws casings at night (its uncased colours are for light ground).
    view.renderer.options.casedOverview = true;
  }
  const root = document.documentElement.style;
  root.setProperty("--route-focus", styles.focus);
  root.setProperty("--route-leader", styles.leader.color);
  root.setProperty("--route-name-leader", styles.leader.nameColor);
  root.setProperty("--route-name-leader-weight", styles.leader.nameWeight);
  // The legend's key for a moved dot (map.css .spread-key) shows a place named for context.
  const context = styles.markers.context;
  root.setProperty("--route-context-fill", context.fillColor);
  root.setProperty("--route-context-ring", context.color);
  root.setProperty("--route-context-ring-weight", context.weight + "px");
  if (query) {
    const changed = () => {
      if (Boolean(query.matches) === dark) return;
      view.links.keepView();
      location.reload();
    };
    if (query.addEventListener) query.addEventListener("change", changed);
    else if (query.addListener) query.addListener(changed);
  }
  return { dark };
}

/* Lays `over` onto `style`, entry by entry, into nested tables (statuses → sold-out → color). */
function mergeStyle(style, over) {
  for (const [key, value] of Object.entries(over)) {
    if (value && typeof value === "object" && style[key] && typeof style[key] === "object") mergeStyle(style[key], value);
    else style[key] = value;
  }
}
