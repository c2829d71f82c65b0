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
