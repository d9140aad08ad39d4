// Every form page: after a submit with problems, move focus to the summary that lists them,
// so keyboard and screen-reader users land on it.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus-on-load]");
    if (!summary) {
      return;
    }
    summary.focus();
    // A link in the summary puts the cursor in its field, with the field's question in view.
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) {
          return;
        }
        event.preventDefault();
        (field.closest("fieldset, .field") || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
    });
  });
})();
