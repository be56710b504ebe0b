/*
 * Starts the manual's search the way staff type, and loads its index only when it is wanted.
 *
 * Loaded in <head> before Material's bundle (theme override main.html):
 *
 *   - Material reads the query on keyup. Pasted text, dictation and Chinese input methods that commit
 *     without a key release fire `input` / `compositionend` only, so on those the box gets a keyup of its
 *     own (while an IME is still composing, nothing is sent: the half-typed pinyin is no query).
 *   - The index (search/procedures_index.js) is not part of the page: Material fetches a stub holding its
 *     config, and the worker is told to load the index when the search box is first focused (clicked,
 *     tabbed to, or opened with a keyboard shortcut). Material creates the worker; `Worker` is wrapped
 *     here to keep hold of the manual's worker (also under the iframe shim of the offline variant).
 */
(function () {
  "use strict";

  var LOAD = 100;
  var INDEX = "search/procedures_index.js";
  var worker = null;
  var wanted = false;
  var asked = false;

  function indexURL() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(INDEX, new URL(base, location.href)).href;
  }

  function load() {
    wanted = true;
    if (!worker || asked) return;
    asked = true;
    worker.postMessage({ type: LOAD, data: indexURL() });
  }

  var Base = window.Worker;
  if (typeof Base === "function") {
    var Wrapped = function (url, options) {
      var instance = options === undefined ? new Base(url) : new Base(url, options);
      if (String(url).indexOf("search-worker") >= 0) {
        worker = instance;
        if (wanted) load();
      }
      return instance;
    };
    Wrapped.prototype = Base.prototype;
    window.Worker = Wrapped;
  }

  function isSearchBox(target) {
    return target && target.classList && target.classList.contains("md-search__input");
  }

  document.addEventListener("focusin", function (ev) {
    if (isSearchBox(ev.target)) load();
  }, true);

  function keyup(box) {
    box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }

  document.addEventListener("input", function (ev) {
    if (isSearchBox(ev.target) && !ev.isComposing) {
      load();
      keyup(ev.target);
    }
  }, true);

  document.addEventListener("compositionend", function (ev) {
    if (isSearchBox(ev.target)) {
      load();
      keyup(ev.target);
    }
  }, true);
})();
