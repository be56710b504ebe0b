/* The adapter between Material's search box and the manual's own search worker (generator/site/search.py).
 *
 * Material reads its settings from the JSON of <script id="__config"> when its bundle starts; the entry
 * "search" is the URL of the worker its search box talks to. This script runs just before the bundle
 * (theme override: block scripts) and points that one entry at the manual's worker, whose URL it carries
 * in data-worker. Nothing of Material's templates is rewritten as text: if a new Material renames the
 * entry or the element, this script changes nothing, the box falls back to Material's own worker, and the
 * named browser tests of the search (tests/test_site_search.py) fail — the build does not. */
(function () {
  "use strict";
  var script = document.currentScript;
  var config = document.getElementById("__config");
  if (!script || !config) return;
  var settings;
  try {
    settings = JSON.parse(config.textContent);
  } catch (error) {
    return;
  }
  if (!settings || typeof settings.search !== "string") return;
  settings.search = script.getAttribute("data-worker");
  config.textContent = JSON.stringify(settings);
})();
