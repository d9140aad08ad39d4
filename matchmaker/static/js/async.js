// Forms marked data-async are sent with fetch where JavaScript runs; without it they post and
// redirect as usual. The server answers JSON: `message`, announced in the page's live region;
// `regions`, each replacing the element of the same id; and, after a change to a lead, its new
// `version` for the page's other forms; or `reload` when the whole page is out of date (the
// server keeps the message for the page shown again). Focus goes back to the control used (found again by its
// data-focus-key, or the form's data-focus-after), or to a field the server marked invalid.
(function () {
  "use strict";

  var SHOWN_FOR = 8000;  // milliseconds a confirmation stays on screen

  function announce(message, failed) {
    var live = document.querySelector("[data-live]");
    if (!live) {
      return;
    }
    live.classList.toggle("live-status-error", failed);
    live.textContent = "";
    // Written a moment later, so that the same words twice in a row are announced twice.
    window.setTimeout(function () {
      live.textContent = message;
    }, 50);
    if (!failed) {  // a confirmation goes after a while, not to hide what is below it
      window.setTimeout(function () {
        if (live.textContent === message) {
          live.textContent = "";
        }
      }, SHOWN_FOR);
    }
  }

  function replaceRegions(regions) {
    return Object.keys(regions || {}).map(function (id) {
      var old = document.getElementById(id);
      if (!old) {
        return null;
      }
      var template = document.createElement("template");
      template.innerHTML = regions[id];
      var fresh = template.content.firstElementChild;
      old.replaceWith(fresh);
      return fresh;
    }).filter(Boolean);
  }

  function refocus(key, replaced) {
    var target = null;
    replaced.some(function (region) {
      target = region.querySelector("[aria-invalid=true]");
      return target;
    });
    target = target || (key && document.querySelector("[data-focus-key='" + key + "']"));
    var lost = !document.activeElement || document.activeElement === document.body;
    if (!target && lost && replaced.length) {
      target = replaced[0].querySelector("[tabindex='-1']");  // e.g. the column a card left
    }
    if (target) {
      target.focus();
    }
  }

  function apply(answer, ok, key) {
    if (answer.reload) {
      window.location.reload();
      return;
    }
    if (answer.version !== undefined) {
      document.querySelectorAll("input[name=version]").forEach(function (input) {
        input.value = answer.version;
      });
    }
    refocus(key, replaceRegions(answer.regions));
    announce(answer.message, !ok);
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var key = (submitter && submitter.getAttribute("data-focus-key"))
      || form.getAttribute("data-focus-after");
    // Signed out, a CSRF token gone stale, no network: the browser posts the form itself.
    var plainly = function () {
      form.setAttribute("data-plain", "");
      form.requestSubmit(submitter);
    };
    form.setAttribute("data-submitting", "");
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      form.removeAttribute("data-submitting");
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        plainly();
        return;
      }
      response.json().then(function (answer) {
        apply(answer, response.ok, key);
      });
    }, function () {
      form.removeAttribute("data-submitting");
      plainly();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-async]") || form.hasAttribute("data-plain")) {
      return;
    }
    event.preventDefault();
    if (!form.hasAttribute("data-submitting")) {
      send(form, event.submitter);
    }
  });
})();
