/* Coverage maps: planners (areas, gaps, hotspots) and public (village shares, what is here).
 * Colours, the view and the API URLs come from the maps' style document (layers/styles.js);
 * the layers' data URLs from the page (data-* attributes). */
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  if (!el || !window.L) { return; }
  var S = window.HromadaStyles;
  var map = L.map(el);
  el.coverageMap = map; // coverage-layers.js adds its layers to it
  if (el.dataset.basemap) { L.tileLayer(el.dataset.basemap, { maxZoom: 19 }).addTo(map); }

  /** Leaflet options of registry layer `id` (its look `variant` when named); null if hidden. */
  function layerStyle(doc, id, variant, type, properties) {
    var legend = S.legend(doc, id);
    return legend ? S.leaflet(S.variant(legend, variant), type || legend.geometry_type, properties) : null;
  }

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

  function planners(doc) {
    areasAsTiles();
    var gaps = layerStyle(doc, "coverage-gaps", "planning", "Polygon");
    if (gaps) {
      getJSON(el.dataset.gaps).then(function (data) {
        L.geoJSON(data, { style: gaps }).addTo(map);
      }).catch(function () {});
    }
    var reach = layerStyle(doc, "wifi-hotspots", "reach", "Polygon");
    getJSON(el.dataset.hotspots).then(function (data) {
      L.geoJSON(data, { pointToLayer: function (f, latlng) {
        return L.circle(latlng, Object.assign({}, reach, { radius: f.properties.radius_m }));
      } }).addTo(map);
    });
  }

  // The share of a place served with high-speed internet: the ramp of the H3 hexagons.
  function shareRamp(doc) {
    return S.variant(S.legend(doc, "coverage-hexagons")).ramp;
  }

  // Legend of the village colours: the share of households with served fixed broadband.
  function shareLegend(ramp) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "share-legend");
      var title = document.createElement("strong");
      title.textContent = el.dataset.labelLegend;
      div.appendChild(title);
      ramp.legend.forEach(function (row) {
        var line = document.createElement("div"), swatch = document.createElement("i");
        swatch.style.background = row.colour;
        line.appendChild(swatch);
        line.appendChild(document.createTextNode(" " + row.label));
        div.appendChild(line);
      });
      return div;
    };
    legend.addTo(map);
  }

  function residents(doc) {
    var answer = document.getElementById("coverage-answer");
    var labels = document.getElementById("technology-labels");
    var technologies = labels ? JSON.parse(labels.textContent) : {};
    var marker = null;
    var ramp = shareRamp(doc);
    shareLegend(ramp);
    getJSON(el.dataset.territory).then(function (data) {
      var outline = L.geoJSON(data, { interactive: false, style: layerStyle(doc, "territory", "outline") });
      outline.addTo(map);
      if (outline.getBounds().isValid()) { map.fitBounds(outline.getBounds()); }
    }).catch(function () {});
    Promise.all([getJSON(el.dataset.villages), getJSON(el.dataset.shares)]).then(function (res) {
      var shares = {};
      res[1].settlements.forEach(function (s) { shares[s.katottg] = s; });
      L.geoJSON(res[0], { style: function (f) {
        var s = shares[f.properties.katottg];
        var pct = s ? s.groups.fixed.served.households_pct : null;
        return Object.assign(layerStyle(doc, "settlements", "share"), { fillColor: S.rampColour(ramp, pct) });
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
        marker = L.circleMarker([lat, lon], S.marker(doc, "here")).addTo(map);
      }
      getJSON(S.api(doc, "coverage-at") + "?lat=" + lat + "&lon=" + lon).then(function (data) {
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
        getJSON(S.api(doc, "addresses") + "?limit=8&q=" + encodeURIComponent(q.value.trim())).then(function (data) {
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
  }

  if (el.dataset.public) {
    document.getElementById("address-search").addEventListener("submit", function (e) { e.preventDefault(); });
  }
  S.load().then(function (doc) {
    S.setView(map, doc);
    if (el.dataset.public) { residents(doc); } else { planners(doc); }
  });
})();
