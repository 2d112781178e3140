// Optional enhancements; every page works without this file.
// 0. The browser's time zone, told to the server in cookie liaison_browser_tz (the default for times shown);
//    the header folds behind a Menu button on phones; the language list submits itself when changed.
// 1. The duty board's filter box filters rows as you type (the form still works by submitting it).
// 2. Time-zone pickers offer the browser's own zone.
// Texts come from the page (data-* attributes written in the page's language), numbers through Intl.
(function () {
  "use strict";

  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  function reportZone() {
    var zone = browserZone();
    if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) { return; }
    var secure = window.location.protocol === "https:" ? "; secure" : "";
    document.cookie = "liaison_browser_tz=" + zone + "; path=/; max-age=31536000; samesite=lax" + secure;
  }

  function foldingMenu(button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    button.hidden = false;
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var first = menu.querySelector("a, button, select");
        if (first) { first.focus(); }
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  function autoSubmit(select) {
    var form = select.form;
    if (!form) { return; }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.hidden = true; }
    select.addEventListener("change", function () { form.submit(); });
  }

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
      if (count) {
        var template = count.getAttribute("data-template") || "Showing {shown} of {total} members.";
        count.textContent = template.replace("{shown}", number(shown)).replace("{total}", number(rows.length));
      }
      if (empty) { empty.hidden = shown !== 0; }
    }
    input.addEventListener("input", apply);
  }

  function number(n) {
    try { return new Intl.NumberFormat(document.documentElement.lang || undefined).format(n); } catch (e) { return String(n); }
  }

  function offerBrowserZone(select) {
    var zone = browserZone();
    if (!zone) { return; }
    var label = (document.body.getAttribute("data-your-zone") || "{zone} (your time zone)").replace("{zone}", zone);
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) {
        select.options[i].textContent = label;
        return;
      }
    }
    var option = document.createElement("option");
    option.value = zone;
    option.textContent = label;
    select.appendChild(option);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("button.menu-toggle[aria-controls]"), foldingMenu);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), autoSubmit);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), filterBoard);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-browser-tz]"), offerBrowserZone);
  }

  reportZone();
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

  // "7 h", "2 h 5 min", "under 1 min" in the page's language: the words come from the page (data-hours,
  // data-minutes, data-under-minute on <body>), the digits from Intl.
  function unit(amount, name) {
    var template = document.body.getAttribute(name === "hour" ? "data-hours" : "data-minutes") ||
      (name === "hour" ? "{n} h" : "{n} min");
    var digits;
    try { digits = new Intl.NumberFormat(document.documentElement.lang || undefined).format(amount); } catch (e) { digits = String(amount); }
    return template.replace("{n}", digits);
  }

  function hoursText(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    if (s < 60) {
      return (document.body.getAttribute("data-under-minute") || "under {minute}").replace("{minute}", unit(1, "minute"));
    }
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    if (h >= 10 || (h && !m)) { return unit(h, "hour"); }
    return h ? unit(h, "hour") + " " + unit(m, "minute") : unit(m, "minute");
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
