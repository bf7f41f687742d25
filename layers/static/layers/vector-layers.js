/*
 * ONLY for the folium landing page (maps/builder.py) until it moves to layers/map.js.
 * Hromada GIS vector-tile layers for any Leaflet page: reads a layer's TileJSON
 * (/tiles/{ids}.json), draws its tiles with Leaflet.VectorGrid and explains them with
 * popups and a legend built from the registry's legends in the maps' style document
 * (layers/styles.js: HromadaStyles, which also turns their styles into Leaflet's).
 * Needs leaflet.js, vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js and
 * layers/styles.js first.
 * Every user-facing text comes from the server (titles, labels, choices) or the caller's
 * `messages`; text is set with textContent, never innerHTML.
 *
 *   HromadaVectorLayers.layers(map, ["coverage-areas", "wifi-hotspots"], { legend: true })
 *     .then(function (result) { ... result.legends ... });  // on the map at once, or
 *   var layer = HromadaVectorLayers.member(map, "addresses", tilejsonUrl,
 *     { zIndex: 460, onError: function (error) { ... } });  // for a layer control
 * (without a TileJSON URL, the style document's is used).
 *
 * Every registry layer of a page shares one VectorGrid (see TileSet below).
 */
(function () {
  "use strict";

  // VectorGrid 1.3.0 calls L.DomEvent.fakeStop, gone since Leaflet 1.8, and its clicks
  // carry no latlng (Leaflet.VectorGrid #274, #281, fixed upstream by #288, unreleased).
  if (L.Canvas && L.Canvas.Tile && !L.DomEvent.fakeStop) {
    L.Canvas.Tile.include({
      _onClick: function (e) {
        var point = this._map.mouseEventToLayerPoint(e).subtract(this.getOffset());
        var clicked = null;
        for (var id in this._layers) {
          var candidate = this._layers[id];
          if (candidate.options.interactive && candidate._containsPoint(point) &&
              !this._map._draggableMoved(candidate)) {
            clicked = candidate;
          }
        }
        if (clicked) {
          L.DomEvent.stop(e);
          clicked.fire(e.type, { latlng: this._map.mouseEventToLatLng(e), originalEvent: e }, true);
        } else if (e.type === "click") {
          passThrough(this._container, e);
        }
      },
    });
  }

  // A tile canvas covers its whole tile: a click on none of its features goes on to what
  // lies beneath (a village's SVG outline, a GeoJSON marker) instead of stopping here.
  function passThrough(canvas, e) {
    canvas.style.pointerEvents = "none";
    var below = document.elementFromPoint(e.clientX, e.clientY);
    canvas.style.pointerEvents = "auto";
    if (below && below !== canvas && below.tagName !== "CANVAS") {
      L.DomEvent.stop(e);
      below.dispatchEvent(new MouseEvent(e.type, e));
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "";
  }

  function displayValue(value, field) {
    if (isEmpty(value)) { return null; }
    if (field.choices && Object.prototype.hasOwnProperty.call(field.choices, value)) {
      return field.choices[value];
    }
    if (typeof value === "number") {
      return value.toLocaleString(document.documentElement.lang || "uk");
    }
    return String(value);
  }

  /** A popup's content: the first popup field as its title, the others as rows. */
  function popupContent(properties, legend) {
    var box = element("div", "hromada-popup");
    var fields = legend.popup || [];
    var title = fields.length ? displayValue(properties[fields[0].name], fields[0]) : null;
    box.appendChild(element("strong", "hromada-popup-title", title || legend.title));
    var list = element("dl");
    fields.slice(1).forEach(function (field) {
      var text = displayValue(properties[field.name], field);
      if (text !== null) {
        list.appendChild(element("dt", null, field.title));
        list.appendChild(element("dd", null, text));
      }
    });
    box.appendChild(list);
    return box;
  }

  /** A VectorGrid style function for one layer, from the registry's LayerStyle. */
  function styleFor(legend) {
    return function (properties) {
      return HromadaStyles.leaflet(legend.style || {}, legend.geometry_type, properties);
    };
  }

  function featureId(feature) {
    return feature.id || (feature.properties && feature.properties.id);
  }

  // The MVT layer a feature came from, kept on its properties by the style function (a
  // VectorGrid feature does not know its layer). Not enumerable: never shown in popups.
  var LAYER = "_hromadaLayer";

  function tagged(id, style) {
    return function (properties, zoom) {
      if (!Object.prototype.hasOwnProperty.call(properties, LAYER)) {
        Object.defineProperty(properties, LAYER, { value: id });
      }
      return style(properties, zoom);
    };
  }

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
        return response.json();
      });
  }

  /**
   * One VectorGrid for several registry layers, so that one canvas per tile holds them
   * all (stacked canvases would hide the lower layers' features from clicks) and one
   * request per tile brings every visible layer: /tiles/{visible ids}/{z}/{x}/{y}.pbf.
   */
  function TileSet(map, options) {
    this.map = map;
    this.options = options || {};
    this.order = [];
    this.visible = {};
    this.legends = {};
    this.template = null;
    this.grid = null;
  }

  // The grid is built once every TileJSON asked for has answered: one first set of tile
  // requests, not one per layer. The legend (style, popup fields) comes from the style
  // document; the TileJSON gives the tile URL, the attribution and the layer's bounds.
  TileSet.prototype.add = function (id, tilejsonUrl, zIndex) {
    var set = this;
    this.order.push({ id: id, z: zIndex || 0 });
    this.order.sort(function (a, b) { return a.z - b.z; });
    this.pending = (this.pending || 0) + 1;
    var layerLegend = null;
    return HromadaStyles.load().then(function (doc) {
      var url = tilejsonUrl || HromadaStyles.tilejson(doc, id);
      layerLegend = HromadaStyles.legend(doc, id);
      if (!url || !layerLegend) { throw new Error("no layer " + id + " in the style document"); }
      return fetchJSON(url);
    }).then(function (tilejson) {
      set.legends[id] = layerLegend;
      set.template = set.template || { url: tilejson.tiles[0], id: id,
        attribution: tilejson.attribution };
      return tilejson;
    }).finally(function () {
      set.pending -= 1;
      set.refresh();
    });
  };

  TileSet.prototype.show = function (id, visible) {
    this.visible[id] = visible;
    this.refresh();
  };

  TileSet.prototype.ids = function () {
    var set = this;
    return this.order.map(function (entry) { return entry.id; }).filter(function (id) {
      return set.visible[id] && set.legends[id];
    });
  };

  // The URL names the layers shown at the tile's zoom only ({hromadaLayers} is filled
  // per tile by L.Util.template, which calls function values with the tile's data).
  TileSet.prototype.url = function (ids) {
    var legends = this.legends;
    this.layersAt = function (data) {
      return ids.filter(function (id) {
        return legends[id].min_zoom <= data.z && data.z <= legends[id].max_zoom;
      }).map(encodeURIComponent).join(",");
    };
    return this.template.url.replace("/" + this.template.id + "/{z}/", "/{hromadaLayers}/{z}/")
      + "#" + ids.join(",");
  };

  TileSet.prototype.refresh = function () {
    if (this.pending || !this.template) { return; }
    var ids = this.ids();
    if (!ids.length) {
      if (this.grid) { this.map.removeLayer(this.grid); }
      return;
    }
    if (!this.grid) { this.grid = this.build(); }
    var set = this;
    ids.forEach(function (id) {
      set.grid.options.vectorTileLayerStyles[id] = tagged(id, styleFor(set.legends[id]));
    });
    this.grid.options.minZoom = Math.min.apply(null, ids.map(function (id) {
      return set.legends[id].min_zoom;
    }));
    var url = this.url(ids);
    this.grid.options.hromadaLayers = this.layersAt;
    if (this.grid._url !== url) { this.grid.setUrl(url, !this.map.hasLayer(this.grid)); }
    if (!this.map.hasLayer(this.grid)) { this.grid.addTo(this.map); }
  };

  TileSet.prototype.build = function () {
    var set = this;
    var grid = L.vectorGrid.protobuf(this.url(this.ids()), {
      rendererFactory: L.canvas.tile,
      vectorTileLayerStyles: {},
      interactive: true,
      getFeatureId: featureId,
      pane: this.options.pane || "overlayPane",
      attribution: this.template.attribution,
      fetchOptions: { credentials: "same-origin" },
    });
    grid.on("click", function (event) {
      var feature = event.layer || event.propagatedFrom;
      var properties = (feature && feature.properties) || {};
      var legend = set.legends[properties[LAYER]];
      if (!legend || !event.latlng) { return; }
      L.popup().setLatLng(event.latlng).setContent(popupContent(properties, legend))
        .openOn(set.map);
    });
    return grid;
  };

  /**
   * A layer for a layer control: switching it on or off shows or hides registry layer
   * `id` in the shared TileSet of `map`. `layer.ready` resolves to the TileJSON (null
   * when it could not be read; options.onError is called then).
   */
  function tileSetOf(map, options) {
    if (!map._hromadaTileSet) { map._hromadaTileSet = new TileSet(map, options); }
    return map._hromadaTileSet;
  }

  var SetMember = L.Layer.extend({
    initialize: function (set, id) { this._set = set; this._id = id; },
    onAdd: function () { this._set.show(this._id, true); },
    onRemove: function () { this._set.show(this._id, false); },
  });

  function member(map, id, tilejsonUrl, options) {
    options = options || {};
    var set = tileSetOf(map, options);
    var layer = new SetMember(set, id);
    layer.ready = set.add(id, tilejsonUrl, options.zIndex).catch(function (error) {
      console.error(error);
      if (options.onError) { options.onError(error); }
      return null;
    });
    return layer;
  }

  /**
   * Add the registry layers `ids` to `map` as vector tiles at once (no layer control);
   * with options.legend a legend control explains them. Returns a Promise of {legends, tilejsons}.
   */
  function layers(map, ids, options) {
    options = options || {};
    var members = ids.map(function (id, index) {
      return member(map, id, null, L.extend({}, options, { zIndex: index })).addTo(map);
    });
    return Promise.all(members.map(function (m) { return m.ready; })).then(function (docs) {
      var tilejsons = docs.filter(Boolean);
      var set = tileSetOf(map, options);
      var legends = ids.map(function (id) { return set.legends[id]; }).filter(Boolean);
      if (options.legend && legends.length) {
        legendControl(map, legends, options).addTo(map);
      }
      return { legends: legends, tilejsons: tilejsons };
    });
  }

  function swatch(colour, type) {
    var shape = /Point/.test(type || "") ? "point" : /LineString/.test(type || "") ? "line" : "area";
    var mark = element("span", "hromada-legend-swatch hromada-legend-" + shape);
    mark.style.backgroundColor = colour;
    return mark;
  }

  function legendRow(colour, text, type) {
    var row = element("div", "hromada-legend-item");
    row.appendChild(swatch(colour, type));
    row.appendChild(document.createTextNode(text));
    return row;
  }

  /** The rows of one layer's legend: its title, then one row per colour class. */
  function legendRows(legend) {
    var style = legend.style || {};
    var labels = style.category_labels || {};
    var values = Object.keys(style.categories || {});
    var rows = [];
    if (style.ramp) {
      rows.push(element("div", "hromada-legend-layer", legend.title));
      style.ramp.legend.forEach(function (step) {
        rows.push(legendRow(step.colour, step.label, legend.geometry_type));
      });
      return rows;
    }
    if (!style.colour_by || !values.length) {
      var colour = /Polygon/.test(legend.geometry_type || "") ? style.fill_colour : style.colour;
      return [legendRow(colour, legend.title, legend.geometry_type)];
    }
    rows.push(element("div", "hromada-legend-layer", legend.title));
    values.forEach(function (value) {
      rows.push(legendRow(style.categories[value], labels[value] || value, legend.geometry_type));
    });
    return rows;
  }

  /** A legend control of the given registry legends, drawn by the same rules as the tiles. */
  function legendControl(map, legends, options) {
    options = options || {};
    var control = L.control({ position: options.position || "bottomright" });
    control.onAdd = function () {
      var box = element("div", "hromada-legend leaflet-bar");
      if (options.title) { box.appendChild(element("strong", null, options.title)); }
      legends.forEach(function (legend) {
        legendRows(legend).forEach(function (row) { box.appendChild(row); });
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  window.HromadaVectorLayers = {
    member: member,
    layers: layers,
    legendControl: legendControl,
    legendRows: legendRows,
    popupContent: popupContent,
    styleFor: styleFor,
  };
})();
