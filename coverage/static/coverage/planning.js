/* The planners' page: the recompute button shows that it works and for how long (the
 * computation runs in the request; at size M it takes about ten seconds). */
(function () {
  "use strict";
  var form = document.getElementById("recompute-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var button = form.querySelector("button");
    var bar = form.querySelector(".recompute-progress");
    var status = form.querySelector(".recompute-status");
    var started = Date.now();
    button.disabled = true;
    bar.hidden = false;
    status.textContent = form.dataset.busy;
    setInterval(function () {
      status.textContent = form.dataset.busy + " " + Math.round((Date.now() - started) / 1000) + " s";
    }, 1000);
  });
})();
