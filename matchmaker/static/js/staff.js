// The back office: show the "why lost" field only for lost leads, confirm before removing,
// and send each change once (a double click would otherwise arrive as a conflicting change).
(function () {
  "use strict";

  function toggleLostReason() {
    document.querySelectorAll("[data-lost-toggle]").forEach(function (select) {
      var target = document.getElementById(select.getAttribute("data-lost-toggle"));
      if (!target) {
        return;
      }
      var update = function () {
        target.hidden = select.value !== "lost";
      };
      select.addEventListener("change", update);
      update();
    });
  }

  function guardSubmits() {
    document.querySelectorAll("main form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var question = form.getAttribute("data-confirm");
        if (form.hasAttribute("data-submitting") || (question && !window.confirm(question))) {
          event.preventDefault();
          return;
        }
        form.setAttribute("data-submitting", "");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    toggleLostReason();
    guardSubmits();
  });

  // Back to the page with the browser's back button: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-submitting]").forEach(function (form) {
        form.removeAttribute("data-submitting");
      });
    }
  });
})();
