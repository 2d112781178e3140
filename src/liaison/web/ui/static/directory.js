// The duty board, enhanced; every page works without this file (the filter is a GET form, the column headers
// are links that sort on the server).
// 1. The filter box hides non-matching rows as you type.
// 2. A column header sorts the rows in place (no page load) and keeps aria-sort, the address and the filter
//    form's sort in step.
(function () {
  "use strict";

  function filterBoard(input) {
    var table = document.querySelector(input.getAttribute("data-board-filter"));
    if (!table || !table.tBodies[0]) { return; }
    var rows = table.tBodies[0].rows;
    var count = document.getElementById("board-count");
    var empty = document.getElementById("board-empty");
    var template = input.getAttribute("data-count") || "";
    function apply() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var text = rows[i].getAttribute("data-text") || "";
        var match = terms.every(function (t) { return text.indexOf(t) !== -1; });
        rows[i].hidden = !match;
        if (match) { shown++; }
      }
      if (count && template) { count.textContent = template.replace("{shown}", String(shown)); }
      if (empty) { empty.hidden = shown !== 0; }
    }
    input.addEventListener("input", apply);
  }

  // "~" marks a missing value (nobody on duty, no languages): it sorts last, as on the server.
  function compare(a, b, key) {
    var x = a.getAttribute("data-sort-" + key) || "~";
    var y = b.getAttribute("data-sort-" + key) || "~";
    if (key === "status") { return Number(x) - Number(y); }
    if (x === "~" || y === "~") { return x === y ? 0 : (x === "~" ? 1 : -1); }
    if (key === "until" || key === "member") { return x < y ? -1 : (x > y ? 1 : 0); }
    return x.localeCompare(y, document.documentElement.lang || undefined);
  }

  function sortable(table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var headers = table.querySelectorAll("th[data-sort-key]");
    function sortBy(key, descending) {
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var order = compare(a, b, key) || compare(a, b, "member");
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      Array.prototype.forEach.call(headers, function (th) {
        var link = th.querySelector("a[data-sort]");
        var column = th.getAttribute("data-sort-key");
        var url = new URL(link.href, window.location.href);
        if (column === key) {
          th.setAttribute("aria-sort", descending ? "descending" : "ascending");
          url.searchParams.set("sort", descending ? column : "-" + column);
        } else {
          th.removeAttribute("aria-sort");
          url.searchParams.set("sort", column);
        }
        link.href = url.pathname + url.search;
      });
      var here = new URL(window.location.href);
      here.searchParams.set("sort", (descending ? "-" : "") + key);
      window.history.replaceState(null, "", here.pathname + here.search + here.hash);
      var hidden = document.querySelector(".board-filter input[name=sort]");
      if (!hidden) {
        hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "sort";
        var form = document.querySelector(".board-filter");
        if (form) { form.appendChild(hidden); }
      }
      hidden.value = (descending ? "-" : "") + key;
    }
    Array.prototype.forEach.call(headers, function (th) {
      var link = th.querySelector("a[data-sort]");
      if (!link) { return; }
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
        event.preventDefault();
        var key = link.getAttribute("data-sort");
        sortBy(key, th.getAttribute("aria-sort") === "ascending");
        link.focus();
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-board-filter]"), filterBoard);
    Array.prototype.forEach.call(document.querySelectorAll("table.duty-board"), sortable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
