// Optional enhancements; every page works without this file.
// 1. The duty board's filter box filters rows as you type (the form still works by submitting it).
// 2. Time-zone pickers offer the browser's own zone.
(function () {
  "use strict";

  function filterBoard(input) {
    var table = document.querySelector(input.getAttribute("data-filter"));
    if (!table) { return; }
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    var count = document.getElementById("board-count");
    var empty = document.getElementById("board-empty");
    function apply() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var text = rows[i].getAttribute("data-text") || "";
        var match = terms.every(function (t) { return text.indexOf(t) !== -1; });
        rows[i].hidden = !match;
        if (match) { shown++; }
      }
      if (count) { count.textContent = "Showing " + shown + " of " + rows.length + " members."; }
      if (empty) { empty.hidden = shown !== 0; }
    }
    input.addEventListener("input", apply);
  }

  function offerBrowserZone(select) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) { return; }
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) {
        select.options[i].textContent = zone + " (your time zone)";
        return;
      }
    }
    var option = document.createElement("option");
    option.value = zone;
    option.textContent = zone + " (your time zone)";
    select.appendChild(option);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), filterBoard);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-browser-tz]"), offerBrowserZone);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
