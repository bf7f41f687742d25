/* The public coverage map's "no signal here" complaint form (on the map made by
 * coverage-map.js, el.coverageMap), which files a report through the reports API. The
 * map's switched layers (the public shares by H3 hexagon, the planners' coverage
 * challenges) are coverage-map.js's: their switches are made with the map.
 * Styles and API URLs come from the maps' style document (layers/styles.js). */
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  if (!el || !el.coverageMapReady) { return; }
  var map = null;
  var d = el.dataset;
  var S = window.HromadaStyles;

  function answers(form) {
    var out = {};
    form.querySelectorAll(".complaint-question").forEach(function (fs) {
      var code = fs.dataset.code;
      var inputs = fs.querySelectorAll("input");
      if (fs.dataset.datatype === "multivaluelist") {
        var keys = [];
        inputs.forEach(function (i) { if (i.checked) { keys.push(i.value); } });
        if (keys.length) { out[code] = keys; }
      } else {
        inputs.forEach(function (i) {
          if ((i.type === "radio" && i.checked) || (i.type === "text" && i.value.trim())) {
            out[code] = i.value.trim();
          }
        });
      }
    });
    return out;
  }

  function complaintForm(doc) {
    var answer = document.getElementById("coverage-answer");
    var form = answer && answer.querySelector(".complaint-form");
    if (!form) { return; }
    var result = answer.querySelector(".complaint-result");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = new FormData();
      body.append("category", answer.dataset.complaintCategory);
      body.append("description", answer.dataset.description);
      body.append("lat", answer.dataset.lat);
      body.append("lon", answer.dataset.lon);
      body.append("answers", JSON.stringify(answers(form)));
      fetch(S.api(doc, "reports"), { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (b) { return [r.ok, b]; }); })
        .then(function (res) {
          result.textContent = res[0] ? answer.dataset.thanks + " № " + res[1].number
            : (res[1].error && res[1].error.message) || "";
          result.className = "complaint-result " + (res[0] ? "ok" : "error");
          if (res[0]) { form.hidden = true; }
        });
    });
    map.on("click", function () { form.hidden = false; result.textContent = ""; });
  }

  Promise.all([S.load(), el.coverageMapReady]).then(function (res) {
    map = res[1];
    if (d.hexagons) { complaintForm(res[0]); }
  });
})();
