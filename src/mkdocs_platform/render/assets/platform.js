/* mkdocs-platform: the catalog's filter box. Reads text already on the page, writes nothing
   but the `hidden` property: no text from a spec is ever parsed as HTML. */
(function () {
  "use strict";

  function setUp(input) {
    if (input.dataset.mpReady) {
      return;
    }
    input.dataset.mpReady = "1";
    input.hidden = false;
    var root = input.closest(".mp-catalog") || document;
    var counter = root.querySelector(".mp-filter-count");
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      root.querySelectorAll("tr.mp-catalog-row").forEach(function (row) {
        var match = query === "" || row.textContent.toLowerCase().indexOf(query) !== -1;
        row.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      root.querySelectorAll(".mp-group").forEach(function (group) {
        group.hidden = !group.querySelector("tr.mp-catalog-row:not([hidden])");
      });
      if (counter) {
        counter.textContent = query === "" ? "" : shown + " shown";
      }
    });
  }

  function init() {
    document.querySelectorAll("input.mp-filter").forEach(setUp);
  }

  // mkdocs-material's instant navigation swaps pages without reloading scripts.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
