/* Coverage maps: planners (areas, gaps, hotspots) and public (village shares, what is here). */
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  if (!el || !window.L) { return; }
  var map = L.map(el).setView([48.80, 32.72], 11);
  el.coverageMap = map; // coverage-layers.js adds its layers to it
  if (el.dataset.basemap) { L.tileLayer(el.dataset.basemap, { maxZoom: 19 }).addTo(map); }
  var colours = { fibre: "#1a9850", dsl: "#fee08b", cable: "#91cf60", fixed_wireless: "#66bd63",
    "3g": "#fdae61", "4g": "#74add1", "5g": "#4575b4", wifi: "#9e0142" };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  // Coverage areas come as vector tiles of the registry layer (popups and legend from the
  // registry, layers/static/layers/vector-layers.js), fitted to the layer's TileJSON bounds.
  function areasAsTiles() {
    HromadaVectorLayers.layers(map, ["coverage-areas"], { legend: true }).then(function (result) {
      var box = result.tilejsons.length && result.tilejsons[0].bounds;
      if (box && box[0] > -180) {  // an empty layer has the whole world as bounds
        map.fitBounds([[box[1], box[0]], [box[3], box[2]]]);
      }
    });
  }

  function planners() {
    if (window.HromadaVectorLayers && el.dataset.areasLayer) { areasAsTiles(); } else {
      getJSON(el.dataset.areas).then(function (data) {
        var areas = L.geoJSON(data, { style: function (f) {
          return { color: colours[f.properties.technology] || "#3388ff", weight: 1, fillOpacity: 0.15 };
        }, onEachFeature: function (f, layer) {
          var p = f.properties;
          layer.bindPopup(p.provider_name + ": " + p.technology + " " + p.down_mbps + "/" + p.up_mbps);
        } }).addTo(map);
        if (areas.getBounds().isValid()) { map.fitBounds(areas.getBounds()); }
      });
    }
    getJSON(el.dataset.gaps).then(function (data) {
      L.geoJSON(data, { style: { color: "#d73027", weight: 0, fillOpacity: 0.3 } }).addTo(map);
    }).catch(function () {});
    getJSON(el.dataset.hotspots).then(function (data) {
      L.geoJSON(data, { pointToLayer: function (f, latlng) {
        return L.circle(latlng, { radius: f.properties.radius_m, color: "#9e0142" });
      } }).addTo(map);
    });
  }

  function shareColour(pct) {
    if (pct === null || pct === undefined) { return "#bbbbbb"; }
    return pct >= 80 ? "#1a9850" : pct >= 50 ? "#91cf60" : pct >= 20 ? "#fee08b" : "#d73027";
  }

  // Legend of the village colours: the share of households with served fixed broadband.
  function shareLegend() {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "share-legend");
      var title = document.createElement("strong");
      title.textContent = el.dataset.labelLegend;
      div.appendChild(title);
      [[80, "≥ 80%"], [50, "50–80%"], [20, "20–50%"], [0, "< 20%"], [null, el.dataset.labelNoData]]
        .forEach(function (row) {
          var line = document.createElement("div"), swatch = document.createElement("i");
          swatch.style.background = shareColour(row[0]);
          line.appendChild(swatch);
          line.appendChild(document.createTextNode(" " + row[1]));
          div.appendChild(line);
        });
      return div;
    };
    legend.addTo(map);
  }

  function residents() {
    var answer = document.getElementById("coverage-answer");
    var labels = document.getElementById("technology-labels");
    var technologies = labels ? JSON.parse(labels.textContent) : {};
    var marker = null;
    shareLegend();
    getJSON(el.dataset.territory).then(function (data) {
      var outline = L.geoJSON(data, { interactive: false, style: { color: "#333", weight: 2, fill: false } });
      outline.addTo(map);
      if (outline.getBounds().isValid()) { map.fitBounds(outline.getBounds()); }
    }).catch(function () {});
    Promise.all([getJSON(el.dataset.villages), getJSON(el.dataset.shares)]).then(function (res) {
      var shares = {};
      res[1].settlements.forEach(function (s) { shares[s.katottg] = s; });
      L.geoJSON(res[0], { style: function (f) {
        var s = shares[f.properties.katottg];
        var pct = s ? s.groups.fixed.served.households_pct : null;
        return { color: "#555", weight: 1, fillColor: shareColour(pct), fillOpacity: 0.5 };
      }, onEachFeature: function (f, l) {
        var s = shares[f.properties.katottg];
        var pct = s ? s.groups.fixed.served.households_pct : null;
        l.bindTooltip(f.properties.name_uk + (pct === null ? "" : ": " + pct.toFixed(0) + "%"),
          { permanent: true, direction: "right", className: "village-share-label" });
      } }).addTo(map);
    }).catch(function () {});

    function show(lat, lon) {
      // A circle marker: Leaflet's default icon images are not among our static files.
      if (marker) { marker.setLatLng([lat, lon]); } else {
        marker = L.circleMarker([lat, lon], { radius: 8, color: "#003f8a", weight: 3, fillColor: "#ffd500", fillOpacity: 1 }).addTo(map);
      }
      getJSON("/api/v1/coverage/at/?lat=" + lat + "&lon=" + lon).then(function (data) {
        answer.hidden = false;
        answer.dataset.lat = lat; answer.dataset.lon = lon;
        answer.querySelector(".tier").textContent = answer.dataset[data.tier];
        var list = answer.querySelector(".offers");
        list.textContent = "";
        if (!data.offers.length) {
          var none = document.createElement("li"); none.textContent = answer.dataset.none; list.appendChild(none);
        }
        data.offers.forEach(function (o) {
          var li = document.createElement("li");
          li.textContent = o.provider + " — " + (technologies[o.technology] || o.technology) + ", " +
            o.down_mbps + "/" + o.up_mbps + " " + answer.dataset.mbps + " (" + answer.dataset[o.tier] + ")";
          list.appendChild(li);
        });
        answer.querySelector(".complaint-result").textContent = "";
      });
    }
    map.on("click", function (e) { show(e.latlng.lat.toFixed(6), e.latlng.lng.toFixed(6)); });

    var q = document.getElementById("address-q");
    var results = document.getElementById("address-results");
    var timer = null;
    q.addEventListener("input", function () {
      clearTimeout(timer);
      if (q.value.trim().length < 2) { results.textContent = ""; return; }
      timer = setTimeout(function () {
        getJSON("/api/v1/addresses/?limit=8&q=" + encodeURIComponent(q.value.trim())).then(function (data) {
          results.textContent = "";
          data.features.forEach(function (f) {
            if (!f.geometry) { return; }
            var li = document.createElement("li"), b = document.createElement("button");
            b.type = "button";
            b.textContent = f.properties.label || f.properties.full || f.properties.house_number;
            b.addEventListener("click", function () {
              var c = f.geometry.coordinates;
              map.setView([c[1], c[0]], 16);
              show(c[1].toFixed(6), c[0].toFixed(6));
            });
            li.appendChild(b); results.appendChild(li);
          });
        }).catch(function () { results.textContent = ""; });
      }, 250);
    });
    document.getElementById("address-search").addEventListener("submit", function (e) { e.preventDefault(); });
  }

  if (el.dataset.public) { residents(); } else { planners(); }
})();
