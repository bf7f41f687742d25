/* Coverage maps on layers/map.js (Leaflet): planners (areas, gaps, hotspots) and
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

  // Providers' names in the page's language ({stored: shown}; empty on Ukrainian pages):
  // the tiles and the APIs keep the stored name for both languages.
  var providerNames = (function () {
    var node = document.getElementById("provider-names");
    return node ? JSON.parse(node.textContent) : {};
  })();

  function providerName(name) {
    return providerNames[name] || name;
  }

  /** A feature's properties with its provider named in the page's language. */
  function localProperties(props) {
    if (!props.provider_name || !providerNames[props.provider_name]) { return props; }
    return Object.assign({}, props, { provider_name: providerName(props.provider_name) });
  }

  /** Every hit of a click, topmost first: the page's data (drawn over the tiles), then
   * the registry layers' tiles, as {layer: registry id, source, properties}. */
  function hits(latlng) {
    var data = M.dataAt(map, latlng).map(function (hit) {
      return { layer: hit.layer, source: hit.id, properties: hit.properties };
    });
    var tiles = HromadaMapControls.featuresAt(map, latlng).map(function (hit) {
      return { layer: (hit.layer.metadata || {})["hromada:layer"], source: hit.layer.source, properties: hit.properties };
    });
    return data.concat(tiles);
  }

  /** A village's popup: its share served, the households without fixed broadband and the
   * link to its figures on this page (the village panel). */
  function villagePopup(lngLat, props) {
    var box = HromadaMapControls.element("div", "hromada-popup");
    box.appendChild(HromadaMapControls.element("strong", "hromada-popup-title", props.village_name));
    var share = typeof props.served_pct === "number" ? Math.round(props.served_pct) + "%" : el.dataset.labelNoData;
    box.appendChild(HromadaMapControls.element("p", null, el.dataset.labelShares + ": " + share));
    var link = HromadaMapControls.element("a", "village-link", el.dataset.labelVillage);
    link.href = el.dataset.villageUrl + encodeURIComponent(props.katottg) + "#village";
    box.appendChild(link);
    HromadaMapControls.openPopup(map, lngLat, box);
  }

  /** The planners' popups: the topmost registry feature (gaps, areas, hotspots…) by the
   * style document's popup fields; else the village under the click with its link. */
  function plannerPopups(doc) {
    var legends = {};
    (doc.metadata["hromada:legends"] || []).forEach(function (legend) { legends[legend.id] = legend; });
    map.on("click", function (event) {
      if (el.drawing) { return; }  // a click places a vertex of the shape drawn (planning-draw.js)
      var lngLat = [event.latlng.lng, event.latlng.lat];
      var found = hits(event.latlng);
      if (found.some(function (f) { return f.source === "challenges"; })) { return; }
      // A village under the finger wins over the gaps and areas that cover it.
      var village = found.filter(function (f) { return f.source === "village-shares"; })[0];
      if (village) { villagePopup(lngLat, village.properties); return; }
      var feature = found.filter(function (f) {
        return legends[f.layer] && f.source === f.layer && f.layer !== "settlements" && f.layer !== "territory";
      })[0];
      if (feature) {
        HromadaMapControls.openPopup(map, lngLat, el.popupContent(feature));
        return;
      }
    });
    /** The popup of a drawn registry feature ({layer: registry id, properties}), in the
     * page's language (also for tests). */
    el.popupContent = function (feature) {
      return HromadaMapControls.popupContent(localProperties(feature.properties), legends[feature.layer]);
    };
  }

  /** The suggested Free Wi-Fi sites of the page's form: their reach and centres. */
  function suggestedSites() {
    var node = document.getElementById("wifi-sites-data");
    if (!node) { return; }
    var data = JSON.parse(node.textContent);
    var reach = { type: "FeatureCollection", features: data.sites.map(function (s, i) {
      return { type: "Feature", properties: { rank: i + 1, name: s.name, households_added: s.households_added },
        geometry: { type: "Polygon", coordinates: ring([s.lon, s.lat], data.radius_m) } };
    }) };
    M.draw(map, "wifi-suggested", reach, M.paints(map, "layers", "coverage-areas", "wifi-suggested"));
    var centres = { type: "FeatureCollection", features: data.sites.map(function (s, i) {
      return { type: "Feature", properties: { rank: String(i + 1) },
        geometry: { type: "Point", coordinates: [s.lon, s.lat] } };
    }) };
    M.draw(map, "wifi-suggested-centres", centres, M.paints(map, "marker", "wifi-suggested"));
    // Their rank on the marker, in the look of the village labels, always shown.
    HromadaMapLabels.draw(map, "wifi-suggested-rank", centres.features, { look: "settlements-label",
      anchors: ["center"], overlap: true, text: function (props) { return props.rank; } });
    el.dataset.sitesReady = String(data.sites.length);
  }

  /** Draw the gap of one choice ("group-tier") in place of the one drawn. */
  function showGap(key) {
    var parts = key.split("-");
    el.dataset.gapReady = "loading";
    return getJSON(el.dataset.gaps + "?group=" + encodeURIComponent(parts[0]) +
      "&tier=" + encodeURIComponent(parts[1])).then(function (data) {
      // Drawn as the registry layer itself, so that its popup and legend apply.
      M.draw(map, "coverage-gaps", data, M.paints(map, "layers", "coverage-gaps", "planning"),
        { layer: "coverage-gaps" });
      el.dataset.gap = key;
      el.dataset.gapReady = key;
    }).catch(function () { el.dataset.gapReady = "error"; });
  }

  /**
   * The gap switch (like the FCC map's technology and speed filters): a choice redraws the
   * gap, swaps the figures and keeps itself in the address (?gap=…) so that the link shares
   * it; without scripts the form's button asks the server for the same page.
   */
  function gapSwitch() {
    var form = document.getElementById("gap-switch");
    var data = document.getElementById("gap-choices");
    if (!form || !data) { return; }
    var choices = {};
    JSON.parse(data.textContent).forEach(function (c) { choices[c.key] = c; });
    form.querySelector(".gap-show").hidden = true;
    form.addEventListener("change", function (event) {
      var key = event.target.value;
      if (!choices[key]) { return; }
      document.querySelectorAll("#gap-figures [data-figure]").forEach(function (dd) {
        dd.textContent = choices[key].shown[dd.dataset.figure];
      });
      var url = new URL(window.location.href);
      url.searchParams.set("gap", key);
      url.hash = "gaps";
      window.history.replaceState(null, "", url.toString());
      showGap(key);
    });
  }

  function planners(doc) {
    showGap(el.dataset.gap || "any-served");
    gapSwitch();
    getJSON(el.dataset.hotspots).then(function (data) {
      var reach = { type: "FeatureCollection", features: data.features.map(function (f) {
        return { type: "Feature", properties: f.properties,
          geometry: { type: "Polygon", coordinates: ring(f.geometry.coordinates, f.properties.radius_m) } };
      }) };
      M.draw(map, "hotspot-reach", reach, M.paints(map, "layers", "coverage-areas", "wifi-reach"));
    }).catch(function () {});
    suggestedSites();
    plannerPopups(doc);
  }

  // The share of a place served with high-speed internet: the ramp of the H3 hexagons.
  function shareRamp(doc) {
    return S.variant(S.legend(doc, "coverage-hexagons")).ramp;
  }

  /**
   * "name / NN%" on every village (the FCC map's share of served homes), in the look of
   * the style document's village labels, which they replace on this page; placed clear
   * of each other (layers/map-labels.js).
   */
  function shareLabels(features, property) {
    HromadaMapLabels.draw(map, "village-shares-label", features, { look: "settlements-label",
      anchors: ["center", "top", "bottom", "left", "right"],
      text: function (props) {
        var value = props[property];
        var share = typeof value === "number" ? Math.round(value) + "%" : el.dataset.labelNoData;
        // Name over share, two short lines: on a 360 px phone all twelve find room.
        return (props.village_name || props.name_uk) + "\n" + share;
      } });
  }

  /** Show or hide the villages' bare names, which the share labels replace, and the
   * basemap's place names (the same villages, which the page's labels, placed apart from
   * the tiles', would meet). Set before the tiles are drawn. */
  function villageNames(visible) {
    map.hromada.style.layers.forEach(function (layer) {
      if (layer.id === "settlements-label" || layer.id === "basemap-place-names") {
        layer.layout = Object.assign({}, layer.layout, { visibility: visible ? "visible" : "none" });
      }
    });
    [map.hromada.vector, map.hromada.labels].forEach(function (layer) {
      if (layer) { layer.clearLayout(); layer.rerenderTiles(); }
    });
  }

  /** Villages filled by the share of their homes served by fixed broadband (the hexagons'
   * ramp, same property), labelled "name: NN%". */
  function villageShares(doc, look) {
    var ramp = shareRamp(doc);
    var english = document.documentElement.lang === "en";
    // The public page asked for its data at once (sharesPrefetch); the planners' page now.
    (sharesPrefetch || Promise.all([getJSON(el.dataset.villages), getJSON(el.dataset.shares)]))
      .then(function (res) {
      var shares = {};
      res[1].settlements.forEach(function (s) { shares[s.katottg] = s; });
      res[0].features.forEach(function (f) {
        var s = shares[f.properties.katottg];
        f.properties[ramp.property] = s ? s.groups.fixed.served.households_pct : null;
        f.properties.village_name = s ? (english ? s.name_en || s.name_uk : s.name_uk) : "";
      });
      M.draw(map, "village-shares", res[0], M.paints(map, "layers", "coverage-hexagons", look));
      shareLabels(res[0].features, ramp.property);
      el.dataset.sharesReady = "true";
    }).catch(function () {
      villageNames(true);  // no shares: the villages keep their names
      el.dataset.sharesReady = "error";
    });
  }

  function residents(doc) {
    var answer = document.getElementById("coverage-answer");
    var labels = document.getElementById("technology-labels");
    var technologies = labels ? JSON.parse(labels.textContent) : {};
    var marker = null;

    /** What is available at (lat, lon), under the name of the place (`label`: the address
     * chosen in the search; "Here" for a tap on the map), brought into view: on a phone
     * the answer is below the map, where it went unseen. */
    function show(lat, lon, label) {
      if (!marker) {
        marker = M.pin(map, [parseFloat(lon), parseFloat(lat)], "here", function (at) {
          show(at[1].toFixed(6), at[0].toFixed(6));
        });
      }
      marker.setLatLng([parseFloat(lat), parseFloat(lon)]);
      getJSON(S.api(doc, "coverage-at") + "?lat=" + lat + "&lon=" + lon).then(function (data) {
        answer.hidden = false;
        answer.dataset.lat = lat; answer.dataset.lon = lon;
        var place = answer.querySelector(".place");
        place.textContent = label || place.dataset.here;
        answer.querySelector(".tier").textContent = answer.dataset[data.tier];
        var list = answer.querySelector(".offers");
        list.textContent = "";
        if (!data.offers.length) {
          var none = document.createElement("li"); none.textContent = answer.dataset.none; list.appendChild(none);
        }
        data.offers.forEach(function (o) {
          var li = document.createElement("li");
          li.textContent = providerName(o.provider) + " — " + (technologies[o.technology] || o.technology) + ", " +
            o.down_mbps + "/" + o.up_mbps + " " + answer.dataset.mbps + " · " + answer.dataset[o.tier];
          list.appendChild(li);
        });
        answer.querySelector(".complaint-result").textContent = "";
        answer.scrollIntoView({ block: "nearest" });
      });
    }
    map.on("click", function (e) { show(e.latlng.lat.toFixed(6), e.latlng.lng.toFixed(6)); });
    el.coverageShow = show;

    var q = document.getElementById("address-q");
    var results = document.getElementById("address-results");
    var timer = null;
    function addressLabel(f) { return f.properties.label || f.properties.full || f.properties.house_number; }
    function choose(f) {
      var c = f.geometry.coordinates;
      var label = addressLabel(f);
      clearTimeout(timer);  // a lookup still waiting would list the results again
      results.textContent = "";
      q.value = label;  // the address answered for, not the words typed
      M.jumpTo(map, c, M.STREET_ZOOM);
      show(c[1].toFixed(6), c[0].toFixed(6), label);
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
          b.textContent = addressLabel(f);
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

  // The public map's shares by H3 hexagon start hidden: their GeoJSON (the largest of
  // the page) is fetched only when the visitor switches them on, not on every visit over
  // a rural line. The switch is made with the map's controls (the view is fitted clear of
  // it; added after the first frame, it made the map refit and ask for a second set of
  // tiles).
  function hexagonSwitch(made) {
    var loading = null, shown = false;
    function load() {
      // Drawn once the map is loaded (the switch is there from before its style is in),
      // as the switch is then: it may have been switched off again meanwhile.
      loading = loading || Promise.all([getJSON(el.dataset.hexagons), el.coverageMapReady]).then(function (res) {
        var data = res[0];
        M.draw(made, "hexagons", data, M.paints(made, "layers", "coverage-hexagons", ""),
          { layer: "hexagons", hidden: !shown });
        el.dataset.hexagonsLoaded = "true";
      }).catch(function () { loading = null; el.dataset.hexagonsLoaded = "error"; });
      return loading;
    }
    M.addControl(made, new HromadaMapControls.Toggles([{ id: "hexagons", title: el.dataset.labelHexagons }],
      { hidden: ["hexagons"], onToggle: function (id, on) { shown = on; if (on) { load(); } } },
      M.isPhone(el)), "topleft");
    el.dataset.hexagonsReady = "true";
  }

  // The planners' coverage challenges by status, under the village names (a symbol never
  // hides a name); their switch is made with the map's controls (see hexagonSwitch), and
  // taken away again if they cannot be read.
  function challengeSwitch(made) {
    if (!S.legend(made.hromada.doc, "coverage-challenges")) { el.dataset.challengesReady = "error"; return; }
    var shown = true;
    var toggle = new HromadaMapControls.Toggles([{ id: "challenges", title: el.dataset.labelChallenges }],
      { onToggle: function (id, on) { shown = on; } });
    var control = M.addControl(made, toggle, "topleft");
    Promise.all([getJSON(el.dataset.challenges), el.coverageMapReady]).then(function (res) {
      var drawn = M.draw(made, "challenges", res[0], M.paints(made, "layers", "coverage-challenges", "planning"),
        { layer: "challenges", hidden: !shown, interactive: true });
      drawn.parts.circle.on("click", function (event) {
        L.DomEvent.stopPropagation(event);  // the challenge's popup, not the map's
        challengePopup(made, event);
      });
      el.dataset.challengesReady = "true";
    }).catch(function () { control.remove(); el.dataset.challengesReady = "error"; });
  }

  function challengePopup(made, event) {
    var d = el.dataset, p = event.layer.feature.properties;
    var text = d.labelReport + " № " + p.report_number + ": " +
      (d["label" + p.status.charAt(0).toUpperCase() + p.status.slice(1)] || p.status);
    HromadaMapControls.openPopup(made, [event.latlng.lng, event.latlng.lat],
      HromadaMapControls.element("p", "hromada-popup", text), { maxWidth: "240px" });
  }

  // Asked for at once, beside the style document and the map client, not after them.
  var sharesPrefetch = el.dataset.public
    ? Promise.all([getJSON(el.dataset.villages), getJSON(el.dataset.shares)]) : null;
  if (sharesPrefetch) { sharesPrefetch.catch(function () {}); }

  if (el.dataset.public) {  // until the map is there, Enter must not reload the page
    document.getElementById("address-search").addEventListener("submit", function (e) { e.preventDefault(); });
  }
  el.coverageMapReady = S.load().then(function (doc) {
    var ramp = shareRamp(doc);
    var options = el.dataset.public ? {
      // The page's own address box above the map is its search (as on the FCC map): a
      // second one inside the map would only cover the villages on a phone.
      layers: ["territory", "settlements"], popups: false, legendLayers: [], search: false,
      // The villages' names are hidden for their shares before the tiles are drawn, and
      // the shares (asked for at once) drawn as soon as they are in.
      styled: function (styled) { map = styled; villageNames(false); villageShares(doc, ""); },
      controls: el.dataset.hexagons ? hexagonSwitch : null,
      legendExtra: [{ title: el.dataset.labelLegend, rows: ramp.legend.map(function (row) {
        return { colour: row.colour, label: row.label, type: "Polygon" };
      }) }],
    } : {
      layers: ["territory", "settlements", "coverage-areas"], popups: false,
      controls: el.dataset.challenges ? challengeSwitch : null,
      // As on the public page: the names hidden for the shares before the tiles are drawn.
      styled: function (styled) { map = styled; villageNames(false); villageShares(doc, "planning"); },
      legendLayers: ["coverage-gaps", "coverage-areas", "wifi-hotspots", "coverage-challenges"],
      legendExtra: [{ title: el.dataset.labelShares, rows: ramp.legend.map(function (row) {
        return { colour: row.colour, label: row.label, type: "Polygon" };
      }) }].concat(document.getElementById("wifi-sites-data") ? [{ title: el.dataset.labelSuggested,
        rows: [{ colour: ((doc.metadata["hromada:markers"] || {})["wifi-suggested"] || {}).colour,
          label: el.dataset.labelSuggestedRow, type: "Polygon" }] }] : []),
    };
    return M.create(el, options).then(function (ready) {
      map = ready;
      el.coverageMap = map;  // coverage-layers.js adds its layers to it
      if (el.dataset.public) { residents(doc); } else { planners(doc); }
      return map;
    });
  });
})();
