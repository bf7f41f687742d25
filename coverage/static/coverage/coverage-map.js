/* Coverage maps on layers/map.js (MapLibre GL JS): planners (areas, gaps, hotspots) and
 * public (village shares, what is here). Colours, the view and the API URLs come from the
 * maps' style document; the layers' data URLs from the page (data-* attributes). */
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  if (!el || !window.HromadaMap) { return; }
  var S = window.HromadaStyles;
  var M = window.HromadaMap;
  var map = null;
  var EARTH_M = 6371008.8;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  /** A circle of `metres` around [lon, lat] as a GeoJSON ring (spherical, CRS84). */
  function ring(centre, metres) {
    var points = [], lat = centre[1] * Math.PI / 180;
    for (var i = 0; i <= 48; i++) {
      var angle = 2 * Math.PI * i / 48;
      points.push([centre[0] + metres * Math.sin(angle) / (EARTH_M * Math.cos(lat)) * 180 / Math.PI,
        centre[1] + metres * Math.cos(angle) / EARTH_M * 180 / Math.PI]);
    }
    return [points];
  }

  function planners() {
    getJSON(el.dataset.gaps).then(function (data) {
      M.draw(map, "gaps", data, M.paints(map, "layers", "coverage-gaps", "planning"));
    }).catch(function () {});
    getJSON(el.dataset.hotspots).then(function (data) {
      var reach = { type: "FeatureCollection", features: data.features.map(function (f) {
        return { type: "Feature", properties: f.properties,
          geometry: { type: "Polygon", coordinates: ring(f.geometry.coordinates, f.properties.radius_m) } };
      }) };
      M.draw(map, "hotspot-reach", reach, M.paints(map, "layers", "wifi-hotspots", "reach"));
    }).catch(function () {});
  }

  // The share of a place served with high-speed internet: the ramp of the H3 hexagons.
  function shareRamp(doc) {
    return S.variant(S.legend(doc, "coverage-hexagons")).ramp;
  }

  /**
   * "name / NN%" on every village (the FCC map's share of served homes): a symbol layer on
   * the village-shares source, laid out and painted as the style document's village
   * labels (language, font, halo, priority), which it replaces on this page. MapLibre's
   * collision detection keeps the labels from overlapping.
   */
  function shareLabels(property) {
    var names = map.getLayer("settlements-label") && map.getStyle().layers.filter(function (layer) {
      return layer.id === "settlements-label";
    })[0];
    if (!names) { return; }
    var value = ["get", property];
    var share = ["case", ["==", ["typeof", value], "number"],
      ["concat", ["to-string", ["round", value]], "%"], el.dataset.labelNoData];
    var layout = Object.assign({}, names.layout, {
      // Name over share, two short lines: on a 360 px phone all twelve find room.
      "text-field": ["concat", names.layout["text-field"], "\n", share], visibility: "visible",
    });
    map.addLayer({ id: "village-shares-label", type: "symbol", source: "village-shares",
      layout: layout, paint: names.paint,
      metadata: { "hromada:layer": "village-shares", "hromada:label": true } });
    map.setLayoutProperty("settlements-label", "visibility", "none");
    // The own-data basemap names the same villages: a bare name must not take the place
    // of a village's share when their labels collide.
    if (map.getLayer("basemap-place-names") &&
        (map.hromada.doc.metadata["hromada:basemap"] || {}).kind === "own") {
      map.setLayoutProperty("basemap-place-names", "visibility", "none");
    }
  }

  function residents(doc) {
    var answer = document.getElementById("coverage-answer");
    var labels = document.getElementById("technology-labels");
    var technologies = labels ? JSON.parse(labels.textContent) : {};
    var marker = null;
    var ramp = shareRamp(doc);
    // Villages filled by the share of their homes served (the hexagons' ramp, same property).
    villageShares.then(function (res) {
      var shares = {};
      res[1].settlements.forEach(function (s) { shares[s.katottg] = s; });
      res[0].features.forEach(function (f) {
        var s = shares[f.properties.katottg];
        f.properties[ramp.property] = s ? s.groups.fixed.served.households_pct : null;
      });
      M.draw(map, "village-shares", res[0], M.paints(map, "layers", "coverage-hexagons", ""),
        { before: "settlements-label" });
      shareLabels(ramp.property);
    }).catch(function () {});

    function show(lat, lon) {
        if (!marker) { marker = new maplibregl.Marker({ color: M.markerColour(map, "here") }); }
      marker.setLngLat([parseFloat(lon), parseFloat(lat)]).addTo(map);
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
    map.on("click", function (e) { show(e.lngLat.lat.toFixed(6), e.lngLat.lng.toFixed(6)); });
    el.coverageShow = show;

    var q = document.getElementById("address-q");
    var results = document.getElementById("address-results");
    var timer = null;
    function choose(f) {
      var c = f.geometry.coordinates;
      results.textContent = "";
      map.jumpTo({ center: c, zoom: M.STREET_ZOOM });
      show(c[1].toFixed(6), c[0].toFixed(6));
    }
    function lookup() {
      results.textContent = "";
      if (q.value.trim().length < 2) { return Promise.resolve([]); }
      return getJSON(S.api(doc, "addresses") + "?limit=8&q=" + encodeURIComponent(q.value.trim())).then(function (data) {
        var found = data.features.filter(function (f) { return f.geometry; });
        results.textContent = "";
        found.forEach(function (f) {
          var li = document.createElement("li"), b = document.createElement("button");
          b.type = "button";
          b.textContent = f.properties.label || f.properties.full || f.properties.house_number;
          b.addEventListener("click", function () { choose(f); });
          li.appendChild(b); results.appendChild(li);
        });
        return found;
      }).catch(function () { results.textContent = ""; return []; });
    }
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 250);
    });
    // Enter takes the first address found, as the maps' own search box does.
    document.getElementById("address-search").addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      lookup().then(function (found) { if (found[0]) { choose(found[0]); } });
    });
  }

  // Asked for at once, beside the style document and MapLibre's start, not after them.
  var villageShares = el.dataset.public
    ? Promise.all([getJSON(el.dataset.villages), getJSON(el.dataset.shares)]) : null;
  if (villageShares) { villageShares.catch(function () {}); }

  if (el.dataset.public) {  // until the map is there, Enter must not reload the page
    document.getElementById("address-search").addEventListener("submit", function (e) { e.preventDefault(); });
  }
  el.coverageMapReady = S.load().then(function (doc) {
    var ramp = shareRamp(doc);
    var options = el.dataset.public ? {
      // The page's own address box above the map is its search (as on the FCC map): a
      // second one inside the map would only cover the villages on a phone.
      layers: ["territory", "settlements"], popups: false, legendLayers: [], search: false,
      legendExtra: [{ title: el.dataset.labelLegend, rows: ramp.legend.map(function (row) {
        return { colour: row.colour, label: row.label, type: "Polygon" };
      }) }],
    } : { layers: ["territory", "settlements", "coverage-areas"], legendLayers: ["coverage-areas"] };
    return M.create(el, options).then(function (ready) {
      map = ready;
      el.coverageMap = map;  // coverage-layers.js adds its layers to it
      if (el.dataset.public) { residents(doc); } else { planners(); }
      return map;
    });
  });
})();
