// Optional enhancements; every page works without this file.
// 0. The browser's time zone, told to the server in cookie liaison_browser_tz (the default for times shown);
//    the header folds behind a Menu button on phones; the language list submits itself when changed.
// 1. Time-zone pickers offer the browser's own zone.
// Texts come from the page (data-* attributes written in the page's language). The duty board's filter and sorting
// live in directory.js, the exchange's live timers in exchange.js.
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
    Array.prototype.forEach.call(document.querySelectorAll("select[data-browser-tz]"), offerBrowserZone);
  }

  reportZone();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
