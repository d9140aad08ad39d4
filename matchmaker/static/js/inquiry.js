// The inquiry form: count characters left, block a second submit (forms.js focuses errors).
(function () {
  "use strict";

  function countCharacters() {
    document.querySelectorAll("[data-count-for]").forEach(function (counter) {
      var field = document.getElementById(counter.getAttribute("data-count-for"));
      var max = parseInt(counter.getAttribute("data-max"), 10);
      var template = counter.getAttribute("data-template");
      if (!field || !max || !template) {
        return;
      }
      var update = function () {
        var left = max - field.value.length;
        counter.textContent = template.replace("{num}", left.toLocaleString(document.documentElement.lang));
        counter.classList.toggle("char-count-low", left < 200);
      };
      counter.hidden = false;
      field.addEventListener("input", update);
      update();
    });
  }

  function preventDoubleSubmit() {
    document.querySelectorAll("form[data-prevent-double-submit]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-submitting")) {
          event.preventDefault();
          return;
        }
        form.setAttribute("data-submitting", "true");
        var button = form.querySelector("button[type=submit][data-sending-label]");
        if (button) {
          button.setAttribute("data-label", button.textContent);
          button.textContent = button.getAttribute("data-sending-label");
          button.setAttribute("aria-disabled", "true");
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    countCharacters();
    preventDoubleSubmit();
  });

  // Coming back to the page with the browser's back button: let the form be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-submitting]").forEach(function (form) {
        form.removeAttribute("data-submitting");
        var button = form.querySelector("button[data-label]");
        if (button) {
          button.textContent = button.getAttribute("data-label");
          button.removeAttribute("aria-disabled");
        }
      });
    }
  });
})();
