/* Extra coverage layers on the map made by coverage-map.js (el.coverageMap):
 * planners: coverage challenges by status; public: shares by H3 hexagon and the
 * "no signal here" complaint form, which files a report through the reports API.
 * Styles and API URLs come from the maps' style document (layers/styles.js). */
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  if (!el || !el.coverageMap || !window.L) { return; }
  var map = el.coverageMap;
  var d = el.dataset;
  var S = window.HromadaStyles;
  var control = L.control.layers(null, null, { collapsed: el.clientWidth < 600 }).addTo(map);

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  function challenges(doc) {
    var legend = S.legend(doc, "coverage-challenges");
    if (!legend) { el.dataset.challengesReady = "error"; return; }  // not the visitor's layer
    var style = S.variant(legend, "planning");
    getJSON(d.challenges).then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, Object.assign(S.leaflet(style, "Point", f.properties),
            { className: "challenge challenge-" + f.properties.status }));
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.bindPopup(d.labelReport + " № " + p.report_number + ": " + (d["label" +
            p.status.charAt(0).toUpperCase() + p.status.slice(1)] || p.status));
        }
      }).addTo(map);
      control.addOverlay(layer, d.labelChallenges);
      el.dataset.challengesReady = "true";
    }).catch(function () { el.dataset.challengesReady = "error"; });
  }

  function hexagonLayer(doc) {
    var style = S.variant(S.legend(doc, "coverage-hexagons"));
    getJSON(d.hexagons).then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) {
          return Object.assign(S.leaflet(style, "Polygon", f.properties), { className: "hexagon" });
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(f.properties.served_pct.toFixed(0) + "% " + d.labelServed);
        }
      });
      control.addOverlay(layer, d.labelHexagons);
      el.dataset.hexagonsReady = "true";
    }).catch(function () { el.dataset.hexagonsReady = "error"; });
  }

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

  S.load().then(function (doc) {
    if (d.challenges) { challenges(doc); }
    if (d.hexagons) { hexagonLayer(doc); complaintForm(doc); }
  });
})();
