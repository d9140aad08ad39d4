// The pipeline board: drag a card onto another column to move its lead there. The drop fills in
// the card's own "Move" form and sends it (async.js), so mouse, keyboard and no script share one
// path; a drop on "lost" opens that form instead, to ask why.
(function () {
  "use strict";

  var dragged = null;

  function columnOf(event) {
    return event.target.closest ? event.target.closest("[data-column]") : null;
  }

  function highlight(column) {
    document.querySelectorAll("[data-column].is-target").forEach(function (other) {
      if (other !== column) {
        other.classList.remove("is-target");
      }
    });
    if (column) {
      column.classList.add("is-target");
    }
  }

  function move(card, status) {
    var form = card.querySelector("form[data-async]");
    form.elements.status.value = status;
    if (status !== "lost") {
      form.requestSubmit();
      return;
    }
    card.querySelector("details").open = true;
    window.setTimeout(function () {  // once the drag is over, which moves the focus itself
      form.elements.lost_reason_code.focus();
    }, 0);
    var prompt = document.querySelector("[data-board]").getAttribute("data-lost-prompt");
    var code = card.querySelector(".card-title a").textContent;
    document.querySelector("[data-live]").textContent = prompt.replace("{code}", code);
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest("[data-card]") : null;
    if (!card) {
      return;
    }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("is-dragged");
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event);
    if (dragged && column) {
      event.preventDefault();  // a drop is welcome here
      event.dataTransfer.dropEffect = "move";
      highlight(column);
    }
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event);
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    var status = column.getAttribute("data-column");
    if (dragged.getAttribute("data-status") !== status) {
      move(dragged, status);
    }
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("is-dragged");
    }
    dragged = null;
    highlight(null);
  });
})();
