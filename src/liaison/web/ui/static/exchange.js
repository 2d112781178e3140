// The exchange pages' enhancements; every page works without this file.
// 1. Live timers: the server writes "escalates in 3:12" or "answer due in 7 hr" with data-countdown (the deadline)
//    and data-template (the translated sentence, "{time}" where the time goes); this counts down every second.
//    The page's data-now (the server's clock when it rendered) corrects a wrong clock on the phone.
// 2. Composing: a warning as soon as the text's language is none of an addressee's working languages (the server
//    says the same when the form is sent, so it holds without this file).
(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";

  function unitFormat(unit) {
    try {
      // Latin digits, as the server writes them (Babel), so the text does not change script on the first tick.
      return new Intl.NumberFormat(lang + "-u-nu-latn", { style: "unit", unit: unit, unitDisplay: "short" });
    } catch (e) {
      return { format: function (n) { return n + " " + (unit === "hour" ? "h" : "min"); } };
    }
  }

  function clockText(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (r < 10 ? "0" : "") + r;
  }

  function hoursText(seconds, under, hours, minutes) {
    var s = Math.max(0, Math.floor(seconds));
    if (s < 60) { return under; }
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    if (h >= 10 || (h && !m)) { return hours.format(h); }
    return h ? hours.format(h) + " " + minutes.format(m) : minutes.format(m);
  }

  function startTimers() {
    var timers = document.querySelectorAll("[data-countdown]");
    if (!timers.length) { return; }
    var hours = unitFormat("hour"), minutes = unitFormat("minute");
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
        var deadline = Date.parse(t.getAttribute("data-countdown"));
        if (isNaN(deadline)) { continue; }
        var left = (deadline - now) / 1000;
        var text;
        if (left <= 0) {
          text = t.getAttribute("data-late") || "";
          t.classList.add("late");
        } else {
          var time = t.getAttribute("data-style") === "clock"
            ? clockText(left)
            : hoursText(left, t.getAttribute("data-under") || "", hours, minutes);
          text = (t.getAttribute("data-template") || "{time}").replace("{time}", time);
        }
        if (t.textContent !== text) { t.textContent = text; }
      }
    }
    tick();
    window.setInterval(tick, 1000);
  }

  function languageCheck(form) {
    var select = form.querySelector("select[name=language]");
    var warning = form.querySelector(".language-warning");
    var typed = form.querySelector("input[name=to_text]");
    if (!select || !warning) { return; }
    var boxes = form.querySelectorAll("input[name=to][data-languages]");
    var byCode = {};
    for (var i = 0; i < boxes.length; i++) { byCode[boxes[i].value] = boxes[i]; }
    var items = warning.querySelectorAll("li[data-member]");
    var confirm = warning.querySelector("input[name=language_ok]");

    function chosen() {
      var codes = {};
      for (var i = 0; i < boxes.length; i++) { if (boxes[i].checked) { codes[boxes[i].value] = true; } }
      if (typed) {
        typed.value.toUpperCase().split(/[\s,;]+/).forEach(function (c) { if (c) { codes[c] = true; } });
      }
      return codes;
    }

    function base(code) { return (code || "").toLowerCase().split(/[-_]/)[0]; }

    function apply() {
      var language = base(select.value);
      var codes = chosen();
      var missing = 0;
      for (var i = 0; i < items.length; i++) {
        var code = items[i].getAttribute("data-member");
        var box = byCode[code];
        var spoken = box ? box.getAttribute("data-languages").split(" ").filter(Boolean) : [];
        var miss = !!codes[code] && language !== "" && spoken.length > 0 && spoken.map(base).indexOf(language) === -1;
        items[i].hidden = !miss;
        if (miss) { missing++; }
      }
      warning.hidden = missing === 0;
      if (missing === 0 && confirm) { confirm.checked = false; }
    }

    select.addEventListener("change", apply);
    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "to") { apply(); }
    });
    if (typed) { typed.addEventListener("input", apply); }
    apply();
  }

  function init() {
    startTimers();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-language-check]"), languageCheck);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
