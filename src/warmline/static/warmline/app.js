/* Small behaviours of the shell. Pages work without it; it only smooths edges. */
(function () {
  "use strict";

  // A page that shows a secret once (a new API token) was the answer to a
  // POST; make its history entry a plain GET so reloading cannot post again.
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-forget-post]")) {
      history.replaceState(null, "", window.location.href);
    }
  });

  // When an HTMX request fails (no permission, gone, server error), say so
  // instead of silently leaving the page as it was.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var text = status === 403 ? "You are not allowed to do that."
      : status === 404 ? "That no longer exists. Reload the page to see the current state."
      : "Something went wrong (" + status + "). Try again.";
    window.alert(text);
  });
})();

/* The referral board: drag a card onto another column to move it (the Move
   form on each card does the same without a mouse, and without JavaScript). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".ref-card[data-move]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.move);
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".stage-drop.drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  });
  document.addEventListener("dragover", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".stage-drop[data-stage]");
    if (!column || column.contains(dragged)) return;
    event.preventDefault();
    column.classList.add("drop-target");
  });
  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".stage-drop");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });
  document.addEventListener("drop", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".stage-drop[data-stage]");
    if (!column || column.contains(dragged)) return;
    event.preventDefault();
    var board = document.getElementById("board");
    if (column.dataset.kind !== "open") {
      // Winning needs a value and a date, losing a reason: finish on the referral's page.
      window.location = dragged.dataset.detail + "?move=" + column.dataset.stageId + "#move";
      return;
    }
    window.htmx.ajax("POST", dragged.dataset.move, {
      target: "#board", swap: "outerHTML",
      values: { stage: column.dataset.stage, version: dragged.dataset.version, from: "board",
                filters: board ? board.dataset.filters : "" }
    });
  });

  // The move form asks for a value and date only when winning, a reason only when losing.
  function showFieldsFor(form) {
    var select = form.querySelector("select[name=stage]");
    var option = select && select.options[select.selectedIndex];
    var kind = option ? option.dataset.kind : "open";
    form.classList.remove("kind-open", "kind-won", "kind-lost");
    form.classList.add("kind-" + kind);
  }
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-stage-kinds]");
    if (form) showFieldsFor(form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-stage-kinds]").forEach(showFieldsFor);
  });
})();
