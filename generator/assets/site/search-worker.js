/*
 * The manual's search worker. It replaces Material for MkDocs' lunr worker and speaks the same
 * messages (SETUP 0 → READY 1, QUERY 2 → RESULT 3), so Material's search box, result list,
 * keyboard handling and page highlighting stay as they are.
 *
 * Why a worker of its own: Material segments a Chinese query greedily against its index and never
 * tries the slice that ends at the last character, so every query lost its last character
 * (满意率 was searched as 满意); and "24小时" was one term the index never held. Here:
 *
 *   1. A query that stands verbatim in any entry is searched as it is (24小时, 5-8分钟, WY-GL-11).
 *   2. Otherwise it is split at spaces and punctuation, and each part that is not verbatim anywhere
 *      is cut into the manual's own words (config.procgen.words, cut at build time by jieba), so a
 *      question such as "回访要在几天内做" becomes 回访 … ; question words are dropped.
 *   3. An entry matches a term when the term is a substring of its title or text (case and
 *      full-width/half-width folded). Entries are ranked by how many terms they hold, then by a
 *      BM25-like score in which a title match counts most, times the entry's boost.
 *   4. Results are grouped by page as Material expects; titles and a snippet around the first match
 *      come back as escaped HTML with <mark>; "terms" says which terms each entry holds, so the
 *      opened page highlights them (?h=…).
 *
 * No library, no request: it works in a worker and in Material's iframe shim (file://).
 */
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;

var index = null;

/* Fold case and full-width forms (Ａ４ → a4, ２４ → 24, ideographic space → space) without
 * changing the length, so positions in the folded text are positions in the original. */
function fold(value) {
  var out = value.replace(/[\uff01-\uff5e\u3000]/g, function (c) {
    return c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0);
  });
  var lower = out.toLowerCase();
  return lower.length === out.length ? lower : out;
}

function escapeHTML(value) {
  return value.replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

var SEPARATORS = /[\s,;!?:"'()\[\]{}<>，。；：、！？（）《》“”‘’【】「」『』…]+/;
var HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
var TRIM = /^[\s,;!?:"'()\[\]{}<>，。；：、！？（）《》“”‘’【】「」『』…*+~^]+|[\s,;!?:"'()\[\]{}<>，。；：、！？（）《》“”‘’【】「」『』…*+~^]+$/g;

function setup(data) {
  var docs = data.docs || [];
  var extra = (data.config && data.config.procgen) || {};
  var words = new Set();
  (extra.words || []).forEach(function (w) { words.add(fold(w)); });
  var stop = new Set((extra.stop || []).map(fold));
  var longest = 1;
  words.forEach(function (w) { if (w.length > longest) longest = w.length; });
  var entries = docs.map(function (doc) {
    var title = doc.title || "";
    var text = doc.text || "";
    return {
      doc: doc,
      page: doc.location.split("#")[0],
      title: title,
      text: text,
      ftitle: fold(title),
      ftext: fold(text),
      boost: typeof doc.boost === "number" ? doc.boost : 1
    };
  });
  var total = 0;
  entries.forEach(function (e) { total += e.ftext.length; });
  var articles = new Map();
  entries.forEach(function (e) {
    if (e.doc.location.indexOf("#") < 0 && !articles.has(e.page)) articles.set(e.page, e);
  });
  index = {
    entries: entries,
    articles: articles,
    words: words,
    stop: stop,
    longest: longest,
    avg: entries.length ? total / entries.length : 1
  };
}

function occurs(term) {
  var entries = index.entries;
  for (var i = 0; i < entries.length; i++)
    if (entries[i].ftext.indexOf(term) >= 0 || entries[i].ftitle.indexOf(term) >= 0) return true;
  return false;
}

/* Cut a part that is not verbatim anywhere into the fewest words of the vocabulary, covering as
 * many of its characters as possible; runs of digits and Latin letters stay whole (24, a4).
 * Neighbouring pieces that stand together verbatim somewhere are joined again (24 + 小时 → 24小时). */
function cut(part) {
  var pieces = piecesOf(part);
  var words = [];
  for (var i = 0; i < pieces.length;) {
    var j = i + 1;
    while (j < pieces.length && occurs(part.slice(pieces[i][0], pieces[j][1]))) j++;
    words.push(part.slice(pieces[i][0], pieces[j - 1][1]));
    i = j;
  }
  return words;
}

/* [start, end) of each word of the cheapest cut: a word costs 1, a character left over 10. */
function piecesOf(part) {
  var n = part.length;
  var best = new Array(n + 1);
  best[0] = { cost: 0, words: [] };
  for (var i = 0; i < n; i++) {
    if (!best[i]) continue;
    var base = best[i];
    var step = function (j, word) {
      var cost = base.cost + (word ? 1 : 10);
      if (!best[j] || cost < best[j].cost)
        best[j] = { cost: cost, words: word ? base.words.concat([[i, j]]) : base.words };
    };
    if (!HAN.test(part[i])) {
      var j = i;
      while (j < n && !HAN.test(part[j])) j++;
      step(j, true);
      continue;
    }
    step(i + 1, false);
    for (var k = Math.min(n, i + index.longest); k > i + 1; k--)
      if (index.words.has(part.slice(i, k))) step(k, true);
  }
  return best[n].words;
}

/* The terms of a query, folded; see the header. */
function terms(query) {
  var whole = fold(query).replace(TRIM, "").replace(/\s+/g, " ");
  if (!whole) return [];
  if (occurs(whole)) return [whole];
  var found = [];
  whole.split(SEPARATORS).forEach(function (part) {
    part = part.replace(TRIM, "");
    if (!part) return;
    if (occurs(part)) {
      found.push(part);
      return;
    }
    var words = HAN.test(part) ? cut(part) : [part];
    words.forEach(function (w) { if (!index.stop.has(w)) found.push(w); });
  });
  var unique = [];
  found.forEach(function (t) { if (t && unique.indexOf(t) < 0) unique.push(t); });
  return unique;
}

function count(haystack, needle) {
  var n = 0;
  for (var at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) n++;
  return n;
}

/* Every occurrence of every term as [start, end) ranges, merged. */
function ranges(folded, list) {
  var found = [];
  list.forEach(function (t) {
    for (var at = folded.indexOf(t); at >= 0; at = folded.indexOf(t, at + t.length))
      found.push([at, at + t.length]);
  });
  found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  var merged = [];
  found.forEach(function (r) {
    var last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  });
  return merged;
}

function mark(original, folded, list, from, to) {
  var out = "";
  var at = from;
  ranges(folded.slice(from, to), list).forEach(function (r) {
    out += escapeHTML(original.slice(at, from + r[0]));
    out += "<mark>" + escapeHTML(original.slice(from + r[0], from + r[1])) + "</mark>";
    at = from + r[1];
  });
  return out + escapeHTML(original.slice(at, to));
}

var BEFORE = 24, LENGTH = 110;

/* A readable piece of an entry's text around its first match. */
function snippet(entry, list) {
  var text = entry.text, folded = entry.ftext;
  var first = -1;
  list.forEach(function (t) {
    var at = folded.indexOf(t);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  });
  var start = first < 0 ? 0 : Math.max(0, first - BEFORE);
  var end = Math.min(text.length, start + LENGTH);
  if (end - start < LENGTH) start = Math.max(0, end - LENGTH);
  var html = mark(text, folded, list, start, end);
  return (start > 0 ? "…" : "") + html + (end < text.length ? "…" : "");
}

var K1 = 1.2, B = 0.5, TITLE = 4;

function search(query) {
  if (!index) return { items: [] };
  var list = terms(query);
  if (!list.length) return { items: [] };
  var entries = index.entries;
  var df = list.map(function (t) {
    var n = 0;
    for (var i = 0; i < entries.length; i++)
      if (entries[i].ftext.indexOf(t) >= 0 || entries[i].ftitle.indexOf(t) >= 0) n++;
    return n;
  });
  var idf = df.map(function (n) { return Math.log(1 + (entries.length - n + 0.5) / (n + 0.5)); });
  var hits = [];
  for (var i = 0; i < entries.length; i++) {
    var e = entries[i];
    var matched = 0, score = 0, held = {};
    for (var t = 0; t < list.length; t++) {
      var inTitle = e.ftitle.indexOf(list[t]) >= 0;
      var tf = count(e.ftext, list[t]);
      if (!inTitle && !tf) continue;
      matched++;
      held[list[t]] = true;
      var body = tf ? tf * (K1 + 1) / (tf + K1 * (1 - B + B * e.ftext.length / index.avg)) : 0;
      var head = inTitle ? TITLE * (e.ftitle === list[t] ? 2 : 1) : 0;
      score += idf[t] * (head + body) * Math.sqrt(list[t].length);
    }
    if (!matched) continue;
    hits.push({ entry: e, matched: matched, score: score * e.boost, held: held });
  }
  hits.sort(function (a, b) { return b.matched - a.matched || b.score - a.score; });
  /* Scores as Material shows them: entries holding every term first. */
  var groups = new Map();
  hits.forEach(function (h, rank) {
    var e = h.entry;
    var termsHeld = {};
    list.forEach(function (t) { termsHeld[t] = !!h.held[t]; });
    var item = {
      location: e.doc.location,
      title: mark(e.title, e.ftitle, list, 0, e.title.length),
      text: snippet(e, list),
      score: h.matched * 1000 + h.score,
      terms: termsHeld
    };
    if (!groups.has(e.page)) groups.set(e.page, []);
    groups.get(e.page).push(item);
  });
  var items = [];
  groups.forEach(function (group, page) {
    var hasArticle = group.some(function (item) { return item.location.indexOf("#") < 0; });
    if (!hasArticle) {
      var article = index.articles.get(page);
      /* The page's own link highlights what its best section holds (Material builds ?h= from terms). */
      if (article)
        group.push({ location: article.doc.location, title: escapeHTML(article.title), text: "", score: 0, terms: group[0].terms });
      else
        return;
    }
    items.push(group);
  });
  return { items: items };
}

function handler(message) {
  switch (message.type) {
    case SETUP:
      setup(message.data);
      return { type: READY };
    case QUERY:
      try {
        return { type: RESULT, data: search(message.data) };
      } catch (err) {
        console.warn("search failed:", message.data, err);
        return { type: RESULT, data: { items: [] } };
      }
    default:
      throw new TypeError("Invalid message type");
  }
}

/* Exposed for the tests, which call it directly on the built index. */
self.procgenSearch = { setup: setup, search: search, terms: terms };

addEventListener("message", function (ev) {
  postMessage(handler(ev.data));
});
