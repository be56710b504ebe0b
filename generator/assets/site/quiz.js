/* The role quiz (/roles/<id>/quiz/): each answer is checked as soon as it is given, in the browser,
   with no server: right or wrong, the correct answer and the clause it comes from. */
(function () {
  "use strict";
  function normal(text) {
    // Full-width and half-width forms alike, no spaces, no closing full stop: "３天内。" = "3天内".
    return (text || "").normalize("NFKC").replace(/\s+/g, "").replace(/[。.]$/, "");
  }
  function setup() {
    var form = document.getElementById("pm-quiz");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var done = form.querySelector(".pm-quiz-done");
    var right = form.querySelector(".pm-quiz-right");
    function score() {
      done.textContent = form.querySelectorAll(".pm-q.pm-q-answered").length;
      right.textContent = form.querySelectorAll(".pm-q.pm-q-right").length;
    }
    function answer(q, given) {
      if (q.classList.contains("pm-q-answered")) return;
      var ok = normal(given) === normal(q.getAttribute("data-answer"));
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
      if (q.getAttribute("data-kind") === "choice") {
        q.querySelectorAll("input[type=radio]").forEach(function (radio) {
          radio.addEventListener("change", function () { answer(q, radio.value); });
        });
      } else {
        var input = q.querySelector(".pm-q-input");
        q.querySelector(".pm-q-check").addEventListener("click", function () { if (input.value.trim()) answer(q, input.value); });
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter") { event.preventDefault(); if (input.value.trim()) answer(q, input.value); }
        });
      }
    });
    form.addEventListener("reset", function () {
      form.querySelectorAll(".pm-q").forEach(function (q) {
        q.classList.remove("pm-q-answered", "pm-q-right", "pm-q-wrong");
        q.querySelectorAll("input, button").forEach(function (el) { el.disabled = false; });
        q.querySelector(".pm-q-feedback").hidden = true;
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
