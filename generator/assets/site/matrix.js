/* The company-wide responsibility matrix (/matrix/): pick a role, see only its R/A/C/I rows.
   The choice is kept in the address (#role=<id>), so a role page can link straight to its view. */
(function () {
  "use strict";
  function setup() {
    var select = document.getElementById("pm-matrix-role");
    if (!select || select.dataset.ready) return;
    select.dataset.ready = "1";
    var table = document.querySelector("table.pm-matrix");
    var count = document.getElementById("pm-matrix-count");
    function apply(role) {
      var shown = 0;
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var on = !role || (" " + tr.getAttribute("data-roles") + " ").indexOf(" " + role + " ") >= 0;
        tr.hidden = !on;
        if (on) shown++;
      });
      table.querySelectorAll("[data-role]").forEach(function (th) {
        th.classList.toggle("pm-matrix-current", th.getAttribute("data-role") === role);
      });
      if (count) count.textContent = role ? "共 " + shown + " 项活动" : "";
    }
    select.addEventListener("change", function () {
      history.replaceState(null, "", select.value ? "#role=" + select.value : location.pathname + location.search);
      apply(select.value);
    });
    var match = /(?:^|#)role=([a-z0-9-]+)/.exec(location.hash);
    if (match) select.value = match[1];
    apply(select.value);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
