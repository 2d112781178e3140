// The information bank's pages, progressively enhanced: everything works without this file.
// Screening upload: while a long file is screened, show that the work is under way and keep the button from being
// pressed twice (the page answers when every name is screened).
(function () {
  "use strict";
  var form = document.getElementById("screen-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var progress = document.getElementById("screen-progress");
    var button = form.querySelector("button[type=submit]");
    if (progress) { progress.hidden = false; }
    if (button) {
      button.setAttribute("aria-disabled", "true");
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });
})();
