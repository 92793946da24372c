/* The import's start button: one press only (the server also starts an import once). */
(function () {
  "use strict";
  document.querySelectorAll("form button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
}());
