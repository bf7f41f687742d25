/* /map/: every public report, clustered, coloured by status, with filters.
 * The reports are grouped by supercluster (the clustering MapLibre did for this page
 * before, at the same radius): a cluster is a circle with its count, a click zooms to
 * where it splits; a single report is a circle in its status colour (the reports layer's
 * paint from the style document) whose click opens its popup. Colours all come from the
 * style document. */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var SOURCE = "report-points";
  var CLUSTER_RADIUS = 40;
  var element = document.getElementById("report-map");
  var settings = H.config(element);
  var map = null;
  var filters = document.getElementById("filters");
  var list = document.getElementById("report-list");

  /** The name in the page's language of a filter's value (a category code, a village's
   * KATOTTG): the filter's own option, which the server wrote with local_name; the
   * GeoJSON's Ukrainian name when the option is missing (an inactive category). */
  function localName(select, value, fallback) {
    var options = filters.querySelectorAll("select[name=" + select + "] option");
    for (var i = 0; i < options.length; i++) {
      if (value && options[i].value === value) return options[i].textContent;
    }
    return fallback || "";
  }

  function categoryName(properties) {
    return localName("category", properties.category_code, properties.category_name);
  }

  function villageName(properties) {
    return localName("settlement", properties.settlement_katottg, properties.settlement_name);
  }

  function popup(properties) {
    var box = document.createElement("div");
    var link = H.textElement("a", "№ " + properties.number);
    link.href = properties.url;
    box.appendChild(link);
    box.appendChild(H.textElement("div", categoryName(properties)));
    box.appendChild(H.textElement("div", settings.statusNames[properties.status] || properties.status));
    box.appendChild(H.textElement("p", properties.summary));
    box.appendChild(H.textElement("div", supporters(+properties.supporters || 0), "supporters"));
    return box;
  }

  /** "5 people said “me too”" in the page's language (its plural forms from the server). */
  function supporters(n) {
    var texts = settings.supportersText;
    var form = new Intl.PluralRules(document.documentElement.lang).select(n);
    return (texts[form] || texts.other).replace("{n}", n);
  }

  function listItem(properties) {
    var item = document.createElement("li");
    item.appendChild(H.textElement("span", "", "dot s-" + properties.status));
    var link = H.textElement("a", " № " + properties.number);
    link.href = properties.url;
    item.appendChild(document.createTextNode(" "));
    item.appendChild(link);
    var village = villageName(properties) ? " · " + villageName(properties) : "";
    item.appendChild(H.textElement("span", " " + categoryName(properties) + village + " — " +
      (settings.statusNames[properties.status] || properties.status)));
    // What the resident wrote and how long ago, as FixMyStreet lists reports: a list of
    // numbers alone could not be scanned. The text is the reporter's (any language).
    var details = H.textElement("div", "", "report-list-details");
    if (properties.summary) {
      var summary = H.textElement("span", shortened(properties.summary), "report-list-summary");
      summary.setAttribute("data-user-content", "");
      details.appendChild(summary);
      details.appendChild(document.createTextNode(" · "));
    }
    var when = H.textElement("time", age(properties.created_at), "report-list-age");
    when.setAttribute("datetime", properties.created_at);
    var created = new Date(properties.created_at);
    // A date that does not parse leaves the item without its tooltip, not the list empty
    // (DateTimeFormat throws where toLocaleString wrote "Invalid Date").
    when.title = isNaN(created) ? "" : formats().moment.format(created);
    details.appendChild(when);
    item.appendChild(details);
    return item;
  }

  var SUMMARY_CHARS = 90;

  function shortened(text) {
    return text.length > SUMMARY_CHARS ? text.slice(0, SUMMARY_CHARS).trim() + "…" : text;
  }

  // Largest unit first: "3 days ago", "2 months ago" in the page's language.
  var AGE_UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
    ["hour", 3600], ["minute", 60]];

  // Made once: a new Intl formatter per list item (two per report) cost a phone's main
  // thread ~60 ms while the map was being built (the phone bench's profile).
  var made = null;
  function formats() {
    var lang = document.documentElement.lang;
    if (!made) {
      made = { age: new Intl.RelativeTimeFormat(lang, { numeric: "auto" }),
        // As Date.toLocaleString(lang) writes it: the date and the time.
        moment: new Intl.DateTimeFormat(lang, { year: "numeric", month: "numeric", day: "numeric",
          hour: "numeric", minute: "numeric", second: "numeric" }) };
    }
    return made;
  }

  /** How long ago `iso` was, in the page's language ("3 дні тому", "yesterday"). */
  function age(iso) {
    var seconds = (Date.parse(iso) - Date.now()) / 1000;
    var format = formats().age;
    for (var i = 0; i < AGE_UNITS.length; i++) {
      if (Math.abs(seconds) >= AGE_UNITS[i][1]) {
        // Whole units passed (toward zero): 350 days are "11 months ago", not "12".
        return format.format(Math.trunc(seconds / AGE_UNITS[i][1]), AGE_UNITS[i][0]);
      }
    }
    return format.format(0, "minute");
  }

  /** The cluster circles: the "report-cluster" marker's paint, grown with the count. */
  function clusterParts() {
    var circle = HromadaMap.paints(map, "marker", "report-cluster")[0];
    var radius = circle.paint["circle-radius"];
    var paint = Object.assign({}, circle.paint, {
      "circle-radius": ["step", ["get", "point_count"], radius, 10, radius * 1.3, 50, radius * 1.6],
    });
    return { parts: [{ id: "circle", type: "circle", paint: paint }], countColour: circle.paint["circle-stroke-color"] };
  }

  /** Village names step out of the clusters' way: off the area's centre (where the
   * village's reports cluster) and farther than a cluster circle's radius. Set before
   * the tiles are drawn (the label rules are made from the page's style). */
  function labelsBesideClusters() {
    map.hromada.style.layers.forEach(function (layer) {
      if (layer.type !== "symbol" || !(layer.metadata || {})["hromada:label"]) return;
      var anchors = (layer.layout || {})["text-variable-anchor"];
      if (!anchors || anchors.indexOf("center") < 0) return;  // point labels are beside already
      layer.layout["text-variable-anchor"] = ["top", "bottom", "left", "right", "center"];
      // em: clear of a 14 px circle from the desktop's whole-territory view (zoom 9.5)
      // in; nearer at a phone's (8.7), where a far label would leave the map's edge.
      layer.layout["text-radial-offset"] = ["step", ["zoom"], 0.6, 9, 1.6];
    });
  }

  var index = null;  // the reports' supercluster index
  var counts = null;  // the clusters' counts (DOM labels over their circles)

  /** The reports and clusters of the view, drawn again (after a move or new data). */
  function drawView() {
    if (!index) { return; }
    var view = HromadaMap.view(map);
    var features = index.getClusters(HromadaMap.bbox(map), Math.floor(view.zoom));
    var data = { type: "FeatureCollection", features: features };
    var created = !map.hromada.drawn[SOURCE];
    HromadaMap.draw(map, SOURCE, data, HromadaMap.paints(map, "layers", "reports"),
      { filter: ["!", ["has", "point_count"]], layer: "reports", interactive: true });
    var clusters = clusterParts();
    var drawn = HromadaMap.draw(map, SOURCE + "-cluster", data, clusters.parts,
      { filter: ["has", "point_count"], layer: "reports", interactive: true });
    if (created) {
      map.hromada.drawn[SOURCE].parts.circle.on("click", openReport);
      drawn.parts.circle.on("click", zoomIntoCluster);
      counts = L.layerGroup();
      drawn.group.addLayer(counts);
    }
    counts.clearLayers();
    features.filter(function (f) { return f.properties.cluster; }).forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var size = 2 * HromadaPaint.pathStyle("circle", clusters.parts[0].paint, feature.properties, view.zoom).radius;
      counts.addLayer(L.marker([c[1], c[0]], { interactive: false, keyboard: false, icon: L.divIcon({
        className: "report-cluster-count", html: "", iconSize: [size, size],
      }) }));
    });
    var markers = counts.getLayers();  // the counts set as text, never as HTML
    features.filter(function (f) { return f.properties.cluster; }).forEach(function (feature, i) {
      var node = markers[i].getElement();
      node.textContent = feature.properties.point_count_abbreviated;
      node.style.setProperty("--count", clusters.countColour);
    });
  }

  function zoomIntoCluster(event) {
    var feature = event.layer.feature;
    var zoom = index.getClusterExpansionZoom(feature.properties.cluster_id);
    HromadaMap.jumpTo(map, feature.geometry.coordinates, zoom, true);
  }

  function openReport(event) {
    var feature = event.layer.feature;
    L.DomEvent.stopPropagation(event);
    HromadaMapControls.openPopup(map, feature.geometry.coordinates, popup(feature.properties),
      { maxWidth: "280px", offset: 8 });
  }

  function show(data) {
    index = new Supercluster({ radius: CLUSTER_RADIUS, maxZoom: 17, extent: 512 });
    index.load(data.features || []);
    drawView();
    document.getElementById("report-count").textContent = String((data.features || []).length);
    listSoon(data.features || []);
  }

  // The list is written when the page's main thread is first free (at the latest after
  // LIST_WAIT_MS), not in the task that hands the reports to the map: on a slow phone
  // writing it (its DOM and dates) held the map's own loading back (that task took
  // 205 ms, 26 ms without the list, in the phone bench's timeline). The first list also
  // waits for the map's first tiles to be drawn (at most FIRST_LIST_MS): waiting only for
  // a free moment, its 84 ms (most of it the first date formatter's locale data) still
  // fell inside the map's loading on the bench's phone. The newest reports win if the
  // view changes before it is written.
  var LIST_WAIT_MS = 1500;
  var FIRST_LIST_MS = 5000;
  var mapDrawn;
  var drawn = new Promise(function (resolve) {
    mapDrawn = resolve;
    window.setTimeout(resolve, FIRST_LIST_MS);
  });
  var listed = 0;
  function listSoon(features) {
    var ticket = ++listed;
    function write() {
      if (ticket !== listed) { return; }
      var items = document.createDocumentFragment();
      features.forEach(function (feature) { items.appendChild(listItem(feature.properties)); });
      list.replaceChildren(items);
    }
    drawn.then(function () {
      if (window.requestIdleCallback) {
        window.requestIdleCallback(write, { timeout: LIST_WAIT_MS });
      } else {
        window.setTimeout(write, 0);
      }
    });
  }

  // Only the reports in view: the request is limited to the map's bounding box and made
  // again when the map moves (the newest answer wins).
  var asked = 0;
  function fetchReports(doc, bbox) {
    var query = new URLSearchParams(new FormData(filters));
    Array.from(query.keys()).forEach(function (key) { if (!query.get(key)) { query.delete(key); } });
    query.set("bbox", bbox);
    var ticket = ++asked;
    return fetch(HromadaStyles.api(doc, "reports") + "?" + query.toString())
      .then(function (response) { return response.json(); })
      .then(function (data) { return ticket === asked ? data : null; });
  }

  function load() {
    var size = map.getSize();
    if (!size.x || !size.y) { return; }  // a map not laid out yet has no view to ask for
    drawView();  // the clusters of the new view at once, from the reports in hand
    fetchReports(map.hromada.doc, HromadaMap.bbox(map).join(","))
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* no signal: the reports in hand stay drawn */ });
  }

  // The first view is the whole territory, inside which every report lies: its reports
  // are asked for (by the territory's bounds) as soon as the style document is in, while
  // the map client and the tiles are still on their way, and drawn with the map's first tiles
  // (not after them, a chain of round trips on a slow line).
  var first = HromadaStyles.load().then(function (doc) {
    return fetchReports(doc, doc.metadata["hromada:bounds"].join(","));
  });

  filters.addEventListener("change", function () { if (map) { load(); } });
  H.baseMap(element, { popups: false, styled: function (styled) {
    map = styled;
    labelsBesideClusters();
    first.then(function (data) { if (data) { show(data); } });
  } }).then(function (ready) {
    mapDrawn();
    document.getElementById("locate-me").addEventListener("click", function () {
      ready.hromada.geolocate.trigger();
    });
    ready.on("moveend", load);
  });
})();
