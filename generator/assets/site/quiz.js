/* The role quiz (/roles/<id>/quiz/), in the browser with no server: choose an option or write an answer,
   then press 核对; the result (right or wrong, the correct answer in the company's own words, the clause) is
   announced to screen readers. Arrow keys move through the options without answering.

   Whether a written answer is right is decided as generator/answers.py decides it: the page ships that
   module's table (data-fold on the form: regular expressions in order, Chinese numerals) and each question
   its accepted canonical forms (data-accept); canonical() below applies the table and nothing else. */
(function () {
  "use strict";

  function numeral(run, table) {
    // 一 -> 1, 十一 -> 11, 二十 -> 20, 一百零五 -> 105; 一二 (not one number) digit by digit.
    var total = 0, current = null, i, c;
    for (i = 0; i < run.length; i++) {
      c = run.charAt(i);
      if (Object.prototype.hasOwnProperty.call(table.digits, c)) {
        if (current !== null && current !== 0 && c !== "零" && c !== "〇") {
          return run.split("").map(function (d) {
            return Object.prototype.hasOwnProperty.call(table.digits, d) ? String(table.digits[d]) : d;
          }).join("");
        }
        current = table.digits[c];
      } else {
        total += (current === null ? 1 : current) * table.units[c];
        current = null;
      }
    }
    return String(total + (current || 0));
  }

  function fold(text, rules) {
    rules.forEach(function (rule) { text = text.replace(new RegExp(rule[0], "g"), rule[1]); });
    return text;
  }

  function canonical(text, table, letters) {
    var out = (text || "").normalize("NFKC");
    out = out.replace(new RegExp(table.numerals, "g"), function (run) { return numeral(run, table); });
    out = fold(out, table.folds);
    if (letters) {
      var folded = fold(out.toUpperCase(), table.letters);
      if (folded && folded.split("").every(function (c) { return table.raci.indexOf(c) >= 0; })) {
        return table.raci.split("").filter(function (c) { return folded.indexOf(c) >= 0; }).join("");
      }
    }
    return out;
  }

  if (typeof module !== "undefined" && module.exports) {  // node, for the test that compares with Python
    module.exports = { canonical: canonical };
    return;
  }
  window.pmQuizCanonical = canonical;

  function setup() {
    var form = document.getElementById("pm-quiz");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var table = JSON.parse(form.getAttribute("data-fold"));
    var done = form.querySelector(".pm-quiz-done");
    var right = form.querySelector(".pm-quiz-right");
    function score() {
      done.textContent = form.querySelectorAll(".pm-q.pm-q-answered").length;
      right.textContent = form.querySelectorAll(".pm-q.pm-q-right").length;
    }
    function verdict(q, given) {
      if (q.getAttribute("data-kind") === "choice") return given === q.getAttribute("data-answer");
      var forms = JSON.parse(q.getAttribute("data-accept"));
      return forms.indexOf(canonical(given, table, q.getAttribute("data-letters") === "1")) >= 0;
    }
    function answer(q, given) {
      if (q.classList.contains("pm-q-answered")) return;
      var ok = verdict(q, given);
      q.classList.add("pm-q-answered", ok ? "pm-q-right" : "pm-q-wrong");
      q.querySelectorAll("input, button").forEach(function (el) { el.disabled = true; });
      q.querySelectorAll("input[type=radio]").forEach(function (radio) {
        if (radio.value === q.getAttribute("data-answer")) radio.parentNode.classList.add("pm-q-correct");
        else if (radio.checked) radio.parentNode.classList.add("pm-q-chosen-wrong");
      });
      var feedback = q.querySelector(".pm-q-feedback");
      feedback.querySelector(".pm-q-verdict").textContent = ok ? "✔ 回答正确。" : "✘ 回答错误。";
      feedback.hidden = false;
      score();
    }
    form.querySelectorAll(".pm-q").forEach(function (q) {
      var check = q.querySelector(".pm-q-check");
      var hint = q.querySelector(".pm-q-hint");
      if (q.getAttribute("data-kind") === "choice") {
        check.addEventListener("click", function () {
          var chosen = q.querySelector("input[type=radio]:checked");
          if (chosen) { hint.textContent = ""; answer(q, chosen.value); } else hint.textContent = "请先选择一个选项。";
        });
      } else {
        var input = q.querySelector(".pm-q-input");
        var go = function () {
          if (input.value.trim()) { hint.textContent = ""; answer(q, input.value); } else hint.textContent = "请先填写答案。";
        };
        check.addEventListener("click", go);
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter") { event.preventDefault(); go(); }
        });
      }
    });
    form.addEventListener("reset", function () {
      form.querySelectorAll(".pm-q").forEach(function (q) {
        q.classList.remove("pm-q-answered", "pm-q-right", "pm-q-wrong");
        q.querySelectorAll("input, button").forEach(function (el) { el.disabled = false; });
        q.querySelector(".pm-q-feedback").hidden = true;
        q.querySelector(".pm-q-hint").textContent = "";
        q.querySelectorAll(".pm-q-correct, .pm-q-chosen-wrong").forEach(function (label) {
          label.classList.remove("pm-q-correct", "pm-q-chosen-wrong");
        });
      });
      setTimeout(score, 0);
    });
    score();
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setup);  // Material's instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
