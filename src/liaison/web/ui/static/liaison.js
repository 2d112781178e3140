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

// 3. Live SLA timers of the exchange: the server writes "escalates in 3:12" or "answer due in 7 h" and a
//    data-deadline; this counts down every second. The page's data-now (the server's clock when it rendered)
//    corrects a wrong clock on the phone. Without this file the text is right when the page loads.
(function () {
  "use strict";

  function clockText(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (r < 10 ? "0" : "") + r;
  }

  function hoursText(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    if (s < 60) { return "under 1 min"; }
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    if (h >= 10 || (h && !m)) { return h + " h"; }
    return h ? h + " h " + m + " min" : m + " min";
  }

  function startTimers() {
    var timers = document.querySelectorAll("[data-deadline]");
    if (!timers.length) { return; }
    var anchor = document.querySelector("[data-now]");
    var skew = 0;
    if (anchor) {
      var server = Date.parse(anchor.getAttribute("data-now"));
      if (!isNaN(server)) { skew = server - Date.now(); }
    }
    function tick() {
      var now = Date.now() + skew;
      for (var i = 0; i < timers.length; i++) {
        var t = timers[i];
        var deadline = Date.parse(t.getAttribute("data-deadline"));
        if (isNaN(deadline)) { continue; }
        var left = (deadline - now) / 1000;
        var text;
        if (left <= 0) {
          text = t.getAttribute("data-late") || "";
          t.classList.add("late");
        } else {
          var style = t.getAttribute("data-style");
          text = (t.getAttribute("data-prefix") || "") + (style === "clock" ? clockText(left) : hoursText(left));
        }
        if (t.textContent !== text) { t.textContent = text; }
      }
    }
    tick();
    window.setInterval(tick, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startTimers);
  } else {
    startTimers();
  }
}());
