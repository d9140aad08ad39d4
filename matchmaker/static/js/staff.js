// The back office: show the "why lost" field only for lost leads; confirm before removing.
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

  function confirmBeforeSubmit() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    toggleLostReason();
    confirmBeforeSubmit();
  });
})();
