/* mkdocs-platform: the catalog's filter box, sortable tables, and showing the collapsed schema
   or hidden tab a link points into. Reads text already on the page, writes nothing but the
   `hidden`, `open` and `checked` properties and the order of table rows: no text from a spec
   is ever parsed as HTML. */
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

  function sortBy(table, header) {
    var index = Array.prototype.indexOf.call(header.parentNode.children, header);
    var numeric = header.dataset.sort === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].dataset.value || "";
      var y = b.cells[index].dataset.value || "";
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
  }

  function setUpSorting(table) {
    if (table.dataset.mpReady) {
      return;
    }
    table.dataset.mpReady = "1";
    table.querySelectorAll("th[data-sort]").forEach(function (header) {
      var button = header.querySelector("button") || header;
      button.addEventListener("click", function () {
        sortBy(table, header);
      });
    });
  }

  // Selects the content tab that holds `block` (tabs are radio inputs before their blocks).
  function selectTab(block) {
    var content = block.parentElement;
    var set = content && content.parentElement;
    if (!set || !set.classList.contains("tabbed-set")) {
      return false;
    }
    var index = Array.prototype.indexOf.call(content.children, block);
    var inputs = Array.prototype.filter.call(set.children, function (child) {
      return child.tagName === "INPUT";
    });
    if (index < 0 || !inputs[index] || inputs[index].checked) {
      return false;
    }
    inputs[index].checked = true;
    return true;
  }

  // A schema or example shown once is linked from its repeats; it may sit in a collapsed
  // property or an unselected tab.
  function reveal() {
    var id = window.location.hash.slice(1);
    var target = null;
    try {
      target = id && document.getElementById(decodeURIComponent(id));
    } catch (error) {
      return;
    }
    if (!target) {
      return;
    }
    var closed = false;
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) {
        node.open = true;
        closed = true;
      } else if (node.classList.contains("tabbed-block") && selectTab(node)) {
        closed = true;
      }
    }
    if (closed) {
      target.scrollIntoView();
    }
  }

  function init() {
    document.querySelectorAll("input.mp-filter").forEach(setUp);
    document.querySelectorAll(".mp-sortable table").forEach(setUpSorting);
    reveal();
  }

  window.addEventListener("hashchange", reveal);

  // mkdocs-material's instant navigation swaps pages without reloading scripts.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
