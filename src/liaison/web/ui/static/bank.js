// The information bank's pages, progressively enhanced: everything works without this file.
(function () {
  "use strict";

  // Screening upload: while a long file is screened, show that the work is under way and keep the button from being
  // pressed twice (the page answers when every name is screened).
  var form = document.getElementById("screen-form");
  if (form) {
    form.addEventListener("submit", function () {
      var progress = document.getElementById("screen-progress");
      var button = form.querySelector("button[type=submit]");
      if (progress) { progress.hidden = false; }
      if (button) {
        button.setAttribute("aria-disabled", "true");
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  }

  // Screening results: a box to select every hit shown (not those folded away), shift-click to select a range, and
  // the number selected beside the bulk decision buttons.
  var results = document.getElementById("results");
  if (!results) { return; }
  var boxes = Array.prototype.slice.call(results.querySelectorAll("input.pick-box"));
  var all = results.querySelector("input.pick-all");
  var count = document.getElementById("bulk-count");
  var bar = results.querySelector(".bulk-bar");
  var lang = document.documentElement.lang || undefined;
  var last = null;

  function shown(box) {
    var folded = box.closest("details");
    return !folded || folded.open;
  }

  function update() {
    var picked = boxes.filter(function (b) { return b.checked; }).length;
    var visible = boxes.filter(shown);
    if (count) { count.textContent = picked ? picked.toLocaleString(lang) : ""; }
    if (bar) { bar.toggleAttribute("data-idle", picked === 0); }
    if (all) {
      var on = visible.filter(function (b) { return b.checked; }).length;
      all.checked = on > 0 && on === visible.length;
      all.indeterminate = on > 0 && on < visible.length;
    }
  }

  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.filter(shown).forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  boxes.forEach(function (box) {
    box.addEventListener("click", function (event) {
      if (event.shiftKey && last && last !== box) {
        var a = boxes.indexOf(last), b = boxes.indexOf(box);
        boxes.slice(Math.min(a, b), Math.max(a, b) + 1).filter(shown).forEach(function (x) { x.checked = box.checked; });
      }
      last = box;
    });
    box.addEventListener("change", update);
  });
  update();
})();
