// The back office: confirm before removing, and send each change once (a double click would
// otherwise arrive as a conflicting change). Forms sent by async.js guard themselves.
(function () {
  "use strict";

  // On the document, so that forms a page's script shows again are guarded too.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("main form[method=post]:not([data-async])")) {
      return;
    }
    var question = form.getAttribute("data-confirm");
    if (form.hasAttribute("data-submitting") || (question && !window.confirm(question))) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "");
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
