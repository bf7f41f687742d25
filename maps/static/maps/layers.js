/*
 * Hromada GIS map layers: GeoJSON fetched from our own APIs, styled, labelled and given
 * popups as the page's layer specs say (maps/builder.py; styles turned into Leaflet's by
 * layers/static/layers/styles.js), and vector-tile layers drawn by
 * layers/static/layers/vector-layers.js from their TileJSON. Every text shown comes from
 * the spec or the registry, translated by Django; this file holds no user-facing strings.
 *
 * The map container carries data-layers-pending (layers still loading) and
 * data-layers-ready="true" once every layer has loaded, for tests and later scripts.
 */
(function () {
  "use strict";

  var messages = new WeakMap();

  function prepare(map, texts) {
    messages.set(map, texts || {});
    map.getContainer().dataset.layersPending = "0";
  }

  function paneFor(map, zIndex) {
    var name = "hromada-" + zIndex;
    if (!map.getPane(name)) {
      map.createPane(name).style.zIndex = String(zIndex);
    }
    return name;
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "";
  }

  function displayValue(props, field) {
    var value = props[field.key];
    if (isEmpty(value)) {
      return null;
    }
    if (field.choices && Object.prototype.hasOwnProperty.call(field.choices, value)) {
      return field.choices[value];
    }
    if (typeof value === "number") {
      return value.toLocaleString(document.documentElement.lang || "uk");
    }
    return String(value);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  // Built with textContent, never innerHTML: names come from imported data.
  function popupContent(props, spec) {
    var box = element("div", "hromada-popup");
    if (spec.title_field && !isEmpty(props[spec.title_field])) {
      box.appendChild(element("strong", "hromada-popup-title", props[spec.title_field]));
    }
    var list = element("dl");
    spec.popup.forEach(function (field) {
      var text = displayValue(props, field);
      if (text !== null) {
        list.appendChild(element("dt", null, field.label));
        list.appendChild(element("dd", null, text));
      }
    });
    box.appendChild(list);
    spec.notes.forEach(function (note) {
      if (props[note.key] === note.value) {
        box.appendChild(element("p", "hromada-popup-note", note.text));
      }
    });
    return box;
  }

  function labelText(props, spec) {
    var text = props[spec.label_field];
    return isEmpty(text) && spec.fallback_field ? props[spec.fallback_field] : text;
  }

  // The registry style made Leaflet's by the one helper every map shares (layers/styles.js).
  function featureStyle(props, spec, pane) {
    return Object.assign(HromadaStyles.leaflet(spec.style, spec.geometry_type, props), { pane: pane });
  }

  function pathStyle(spec, pane) {
    return function (feature) {
      return featureStyle(feature.properties || {}, spec, pane);
    };
  }

  function pointLayer(spec, pane) {
    return function (feature, latlng) {
      return L.circleMarker(latlng, featureStyle(feature.properties || {}, spec, pane));
    };
  }

  function decorate(spec, pane) {
    return function (feature, layer) {
      var props = feature.properties || {};
      if (spec.popup.length || spec.title_field) {
        layer.bindPopup(function () {
          return popupContent(props, spec);
        });
      }
      if (spec.label_field && !isEmpty(labelText(props, spec))) {
        layer.bindTooltip(String(labelText(props, spec)), {
          permanent: true,
          direction: "right",
          offset: [spec.radius + 2, 0],
          className: "hromada-label",
          pane: "tooltipPane",
        });
      }
    };
  }

  function setPending(map, delta) {
    var container = map.getContainer();
    var pending = Number(container.dataset.layersPending || 0) + delta;
    container.dataset.layersPending = String(pending);
    container.dataset.layersReady = pending === 0 ? "true" : "false";
  }

  function showError(map, spec) {
    var texts = messages.get(map) || {};
    var notice = L.control({ position: "bottomleft" });
    notice.onAdd = function () {
      return element("div", "hromada-map-error", (texts.load_error || "") + ": " + spec.name);
    };
    notice.addTo(map);
  }

  function load(map, layer, spec) {
    setPending(map, 1);
    fetch(spec.url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(spec.url + ": HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        layer.addData(data);
        if (spec.fit && layer.getLayers().length) {
          map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        }
        layer.fire("hromada:loaded");
      })
      .catch(function (error) {
        showError(map, spec);
        console.error(error);
      })
      .finally(function () {
        setPending(map, -1);
      });
  }

  function apiLayer(map, spec) {
    var pane = paneFor(map, spec.z_index);
    var layer = L.geoJSON(null, {
      pane: pane,
      style: pathStyle(spec, pane),
      pointToLayer: pointLayer(spec, pane),
      onEachFeature: decorate(spec, pane),
    });
    load(map, layer, spec);
    return layer;
  }

  // Every tile layer of a map shares one VectorGrid in one pane, above the GeoJSON areas
  // and below the GeoJSON facilities; spec.z_index orders the layers inside its tiles.
  var TILE_PANE_Z = 460;

  function tileLayer(map, spec) {
    setPending(map, 1);
    var layer = HromadaVectorLayers.member(map, spec.layer_id, spec.tilejson_url, {
      pane: paneFor(map, TILE_PANE_Z),
      zIndex: spec.z_index,
      onError: function () { showError(map, spec); },
    });
    layer.ready.finally(function () { setPending(map, -1); });
    return layer;
  }

  function legendRow(item) {
    if (!item.colour) {
      return element("div", "hromada-legend-layer", item.label);
    }
    var row = element("div", "hromada-legend-item");
    var swatch = element("span", "hromada-legend-swatch hromada-legend-" + (item.shape || "point"));
    swatch.style.backgroundColor = item.colour;
    row.appendChild(swatch);
    row.appendChild(document.createTextNode(item.label));
    return row;
  }

  // Rows of a layer that is switched off in the layer control are hidden with it.
  function followLayers(map, rows) {
    function toggle(visible) {
      return function (event) {
        rows.filter(function (row) { return row.layer === event.name; })
          .forEach(function (row) { row.node.hidden = !visible; });
      };
    }
    map.on("overlayadd", toggle(true));
    map.on("overlayremove", toggle(false));
  }

  function legend(map, spec) {
    var control = L.control({ position: spec.position });
    var rows = [];
    control.onAdd = function () {
      var box = element("div", "hromada-legend leaflet-bar");
      box.appendChild(element("strong", null, spec.title));
      spec.items.forEach(function (item) {
        var node = legendRow(item);
        node.hidden = item.hidden === true;
        rows.push({ layer: item.layer, node: node });
        box.appendChild(node);
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
    followLayers(map, rows);
    return control;
  }

  window.HromadaMaps = { prepare: prepare, apiLayer: apiLayer, tileLayer: tileLayer, legend: legend };
})();
