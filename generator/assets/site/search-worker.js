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
 *   5. Staff words are expanded with the company vocabulary (config.procgen.synonyms), question words
 *      (config.procgen.questions) ask for a kind of fact the entries carry (facts), a form's or role's
 *      page ranks below the clauses unless the query names it (names), up to three clauses per page
 *      stay unfolded, and a query that finds nothing is offered the nearest words and titles.
 *   6. The index is loaded when the search box is first focused (LOAD, from search-start.js).
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
  var manual = new Set(words);
  var synonyms = new Map();
  Object.keys(extra.synonyms || {}).forEach(function (word) {
    synonyms.set(fold(word), extra.synonyms[word].map(fold));
    words.add(fold(word));
  });
  var questions = Object.keys(extra.questions || {}).map(function (word) {
    return { word: fold(word), kinds: extra.questions[word] };
  });
  questions.sort(function (a, b) { return b.word.length - a.word.length; });
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
      boost: typeof doc.boost === "number" ? doc.boost : 1,
      facts: doc.facts || {},
      names: (doc.names || []).map(fold)
    };
  });
  var longest = 1;
  words.forEach(function (w) { if (w.length > longest) longest = w.length; });
  var total = 0;
  entries.forEach(function (e) { total += e.ftext.length; });
  var articles = new Map();
  entries.forEach(function (e) {
    if (e.doc.location.indexOf("#") < 0 && !articles.has(e.page)) articles.set(e.page, e);
  });
  /* What a query with no result may be pointed to: the vocabulary's words and terms, the pages' titles. */
  var suggestions = [], seen = new Set();
  var offer = function (text) {
    var f = fold(text);
    if (f.length >= 2 && !seen.has(f)) { seen.add(f); suggestions.push({ text: text, fold: f }); }
  };
  Object.keys(extra.synonyms || {}).forEach(function (word) { offer(word); extra.synonyms[word].forEach(offer); });
  articles.forEach(function (e) { offer(e.title.replace(/^[A-Z]+(-[A-Z]+)*(-\d+)+\s+/, "")); });
  index = {
    entries: entries,
    articles: articles,
    words: words,
    stop: stop,
    manual: manual,
    synonyms: synonyms,
    questions: questions,
    cues: extra.cues || {},
    suggestions: suggestions,
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

/* What a query asks: its terms, each with the manual's terms the company vocabulary maps it to
 * ({term, alts: [term, …expansions]}), the kinds of fact its question words ask for, and the query as a
 * whole (folded, trimmed). Question words are recognised longest first (保存多久 before 多久). */
function analyse(query) {
  var whole = fold(query).replace(TRIM, "").replace(/\s+/g, " ");
  var result = { groups: [], asks: {}, whole: whole };
  if (!whole) return result;
  if (occurs(whole)) {
    result.groups.push(groupOf(whole, []));
    return result;
  }
  var rest = whole;
  index.questions.forEach(function (q) {
    if (rest.indexOf(q.word) < 0) return;
    q.kinds.forEach(function (kind) { result.asks[kind] = true; });
    rest = rest.split(q.word).join(" ");
  });
  var found = [];
  rest.split(SEPARATORS).forEach(function (part) {
    part = part.replace(TRIM, "");
    /* A single character left between question words (会议记录几天发 → 发) stands everywhere: no term. */
    if (!part || (part.length === 1 && HAN.test(part))) return;
    if (occurs(part) || index.synonyms.has(part)) {
      /* Verbatim somewhere, maybe by chance (投诉后 in "…的投诉后24小时内"): its words count too, for less. */
      var within = HAN.test(part) && !index.synonyms.has(part) ? cut(part).filter(function (w) {
        return w !== part && w.length > 1 && !index.stop.has(w);
      }) : [];
      found.push({ term: part, within: within });
      return;
    }
    var words = HAN.test(part) ? cut(part) : [part];
    words.forEach(function (w) { if (!index.stop.has(w)) found.push({ term: w, within: [] }); });
  });
  found.forEach(function (t) {
    if (t.term && !result.groups.some(function (g) { return g.term === t.term; })) result.groups.push(groupOf(t.term, t.within));
  });
  return result;
}

/* A term with the other words that count for it, and their weights: the term as typed 1; the manual's
 * terms the vocabulary maps it to, and the words of a verbatim part, EXPANSION; a staff word that is not
 * one of the manual's words (司机, which stands only inside 公司机关) counts least, below its expansions. */
function groupOf(term, within) {
  var alts = [term], weights = [1];
  var expansions = index.synonyms.get(term) || [];
  if (expansions.length && !index.manual.has(term)) weights[0] = EXPANSION / 2;
  expansions.concat(within || []).forEach(function (a) {
    if (alts.indexOf(a) < 0) { alts.push(a); weights.push(EXPANSION); }
  });
  return { term: term, alts: alts, weights: weights };
}

/* The words a query is searched by, folded: its terms and their expansions (what results highlight). */
function terms(query) {
  var list = [];
  analyse(query).groups.forEach(function (g) {
    g.alts.forEach(function (a) { if (list.indexOf(a) < 0) list.push(a); });
  });
  return list;
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
/* An expansion from the company's vocabulary counts for less than the word as typed, so a clause
 * using the manual's own term the query names ranks above one reached through a staff word. */
var EXPANSION = 0.5;
/* Up to this many clauses of one page are shown; the rest fold under Material's "more" line. */
var SHOWN = 3;

function idfOf(term) {
  var entries = index.entries, n = 0;
  for (var i = 0; i < entries.length; i++)
    if (entries[i].ftext.indexOf(term) >= 0 || entries[i].ftitle.indexOf(term) >= 0) n++;
  return Math.log(1 + (entries.length - n + 0.5) / (n + 0.5));
}

/* Whether the query names a page that has names (a form or a role): it is one of them, holds one of three
 * characters or more (物管员干什么), or ends one (签到表 names 会议签到表, JL-11-03 names WY-JL-11-03).
 * 总裁办公会 does not name 总裁, nor 满意率 the 满意率调查表, nor 回访 the 回访记录表. */
function named(entry, whole) {
  return entry.names.some(function (name) {
    return whole === name || (name.length >= 3 && whole.indexOf(name) >= 0) ||
      (whole.length >= 3 && name.slice(-whole.length) === whole);
  });
}

/* Every entry holding a term of the query, best first: most terms held; then a clause before a form's or
 * role's page the query does not name; then, for a question, an entry stating the kind of fact asked for;
 * then a page the query names; then the BM25-like score. */
function rank(query) {
  var analysis = analyse(query);
  var groups = analysis.groups;
  if (!groups.length) return { analysis: analysis, hits: [] };
  var idf = {};
  groups.forEach(function (g) { g.alts.forEach(function (a) { if (!(a in idf)) idf[a] = idfOf(a); }); });
  var asked = Object.keys(analysis.asks);
  var hits = [];
  var entries = index.entries;
  for (var i = 0; i < entries.length; i++) {
    var e = entries[i];
    var matched = 0, score = 0, held = {};
    for (var g = 0; g < groups.length; g++) {
      var best = 0, found = false;
      for (var k = 0; k < groups[g].alts.length; k++) {
        var t = groups[g].alts[k], weight = groups[g].weights[k];
        var inTitle = e.ftitle.indexOf(t) >= 0;
        var tf = count(e.ftext, t);
        if (!inTitle && !tf) continue;
        found = true;
        held[t] = true;
        var body = tf ? tf * (K1 + 1) / (tf + K1 * (1 - B + B * e.ftext.length / index.avg)) : 0;
        var head = inTitle ? TITLE * (e.ftitle === t ? 2 : 1) : 0;
        var value = idf[t] * (head + body) * Math.sqrt(t.length) * weight;
        if (value > best) best = value;
      }
      if (found) { matched++; score += best; }
    }
    if (!matched) continue;
    var tier = e.names.length ? (named(e, analysis.whole) ? 2 : 0) : 1;
    var answers = asked.filter(function (kind) {
      return e.facts[kind] || (index.cues[kind] || []).some(function (c) { return e.ftext.indexOf(c) >= 0; });
    });
    hits.push({ entry: e, matched: matched, tier: tier, answers: answers, score: score * e.boost, held: held });
  }
  hits.sort(function (a, b) {
    return b.matched - a.matched || (b.tier > 0) - (a.tier > 0) ||
      (b.answers.length > 0) - (a.answers.length > 0) || b.tier - a.tier || b.score - a.score;
  });
  return { analysis: analysis, hits: hits };
}

/* The facts that answer the question, as the page prints them, before the snippet. */
function answerOf(hit) {
  var facts = [];
  hit.answers.forEach(function (kind) {
    (hit.entry.facts[kind] || []).forEach(function (f) { if (facts.indexOf(f) < 0) facts.push(f); });
  });
  return facts.length ? "<b>" + escapeHTML(facts.join("；")) + "</b> " : "";
}

function itemOf(hit, list, display) {
  var e = hit.entry;
  var termsHeld = {};
  list.forEach(function (t) { termsHeld[t] = !!hit.held[t]; });
  return {
    location: e.doc.location,
    title: mark(e.title, e.ftitle, list, 0, e.title.length),
    text: answerOf(hit) + snippet(e, list),
    score: display,
    terms: termsHeld
  };
}

/* Results grouped by page as Material shows them. Material folds every section scoring below the group's
 * first under "more": the page's best SHOWN clauses get the first one's score, the rest less. */
function grouped(hits, list) {
  var pages = new Map();
  hits.forEach(function (h) {
    if (!pages.has(h.entry.page)) pages.set(h.entry.page, []);
    pages.get(h.entry.page).push(h);
  });
  var items = [];
  pages.forEach(function (pageHits, page) {
    var top = pageHits[0].matched * 1000 + pageHits[0].score;
    var sections = 0;
    var group = pageHits.map(function (h, i) {
      var isArticle = h.entry.doc.location.indexOf("#") < 0;
      var shown = isArticle || sections < SHOWN;
      if (!isArticle) sections++;
      return itemOf(h, list, shown ? top : top - 1 - i);
    });
    var hasArticle = group.some(function (item) { return item.location.indexOf("#") < 0; });
    if (!hasArticle) {
      var article = index.articles.get(page);
      /* The page's own link highlights what its best section holds (Material builds ?h= from terms). */
      if (!article) return;
      group.push({ location: article.doc.location, title: escapeHTML(article.title), text: "", score: top, terms: group[0].terms });
    }
    items.push(group);
  });
  return items;
}

/* How near a word or title is to the query: character pairs and characters they share. */
function nearness(query, candidate) {
  if (!candidate || candidate === query) return 0;
  var pairs = function (s) {
    var out = new Set();
    for (var i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
    return out;
  };
  var cp = pairs(candidate), both = 0, chars = 0;
  pairs(query).forEach(function (p) { if (cp.has(p)) both++; });
  new Set(query).forEach(function (c) { if (HAN.test(c) && candidate.indexOf(c) >= 0) chars++; });
  return (2 * both + 0.5 * chars) / (query.length + candidate.length);
}

var SUGGESTIONS = 5;

/* No entry holds the query: the nearest vocabulary words, terms and page titles that do find something,
 * each shown as a result ("试试：…") leading to where it answers, instead of a dead end. */
function suggest(analysis) {
  var query = analysis.whole;
  var scored = [];
  index.suggestions.forEach(function (c) {
    var n = nearness(query, c.fold);
    if (n > 0) scored.push({ c: c, n: n });
  });
  scored.sort(function (a, b) { return b.n - a.n || a.c.text.length - b.c.text.length; });
  var items = [], pages = new Set();
  for (var i = 0; i < scored.length && items.length < SUGGESTIONS; i++) {
    var c = scored[i].c;
    var found = rank(c.text);
    if (!found.hits.length) continue;
    var best = found.hits[0];
    if (pages.has(best.entry.page)) continue;
    pages.add(best.entry.page);
    var section = itemOf(best, terms(c.text), 1);
    var article = index.articles.get(best.entry.page);
    var head = {
      location: article ? article.doc.location : best.entry.doc.location,
      title: "试试：<mark>" + escapeHTML(c.text) + "</mark>" + (article ? " · " + escapeHTML(article.title) : ""),
      text: "",
      score: 1,
      terms: section.terms
    };
    items.push(section.location === head.location ? [head] : [head, section]);
  }
  return items;
}

function search(query) {
  if (!index) return { items: [] };
  var found = rank(query);
  if (!found.hits.length) return { items: found.analysis.whole ? suggest(found.analysis) : [] };
  return { items: grouped(found.hits, terms(query)) };
}

/* The index arrives in two steps: Material sends SETUP with a stub (its config only) when the page
 * loads; search-start.js sends LOAD with the address of the index script when the search box is first
 * focused. READY goes back once both came, and only then does Material send queries. */
var LOAD = 100;
var setupSeen = false, loaded = null, loading = false;

function ready() {
  if (index || !setupSeen || !loaded) return;
  setup(loaded);
  postMessage({ type: READY });
}

self.procgenIndex = function (data) {
  loaded = data;
  ready();
};

function handler(message) {
  switch (message.type) {
    case SETUP:
      setupSeen = true;
      if (message.data && message.data.docs && message.data.docs.length) loaded = message.data;
      ready();
      return;
    case LOAD:
      if (loading || loaded) return;
      loading = true;
      try {
        /* In a worker importScripts loads synchronously; in the iframe shim (file://) it returns a promise. */
        Promise.resolve(importScripts(message.data)).catch(function (err) {
          console.warn("search index not loaded:", err);
        });
      } catch (err) {
        console.warn("search index not loaded:", err);
      }
      return;
    case QUERY:
      try {
        postMessage({ type: RESULT, data: search(message.data) });
      } catch (err) {
        console.warn("search failed:", message.data, err);
        postMessage({ type: RESULT, data: { items: [] } });
      }
      return;
    default:
      throw new TypeError("Invalid message type");
  }
}

/* Exposed for the tests, which call it directly on the built index. */
self.procgenSearch = { setup: setup, search: search, terms: terms, analyse: analyse };

addEventListener("message", function (ev) {
  handler(ev.data);
});
