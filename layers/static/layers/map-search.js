/*
 * The address search box of every public map (layers/map.js): the register's search
 * (the style document's "addresses" API, typo-tolerant, Latin or Cyrillic as the API
 * takes them) lists up to LIMIT addresses as buttons; choosing one (click, or Enter for
 * the first) flies the map to it at street level and calls `options.onSearch(feature)`.
 * Keyboard: Tab to the box, type, Enter or Tab to a result and Enter.
 */
(function () {
  "use strict";

  var LIMIT = 6;
  var WAIT_MS = 250;
  var counter = 0;

  function element(tag, className, text) {
    return window.HromadaMapControls.element(tag, className, text);
  }

  function text(name) { return window.HromadaMap.text(name); }

  function Search(doc, options) {
    this.url = (doc.metadata["hromada:api"] || {}).addresses;
    this.onSearch = options.onSearch;
  }

  Search.prototype.onAdd = function (map) {
    var control = this;
    var id = "hromada-search-" + (++counter);
    var form = element("form", "hromada-search");
    form.setAttribute("role", "search");
    var label = element("label", "visually-hidden", text("searchLabel"));
    label.htmlFor = id;
    var input = element("input", "hromada-search-input");
    input.id = id;
    input.type = "search";
    input.autocomplete = "off";
    input.placeholder = text("searchPlaceholder");
    var button = element("button", "hromada-search-button", text("search"));
    button.type = "submit";
    var results = element("ul", "hromada-search-results");
    results.setAttribute("aria-live", "polite");
    [label, input, button, results].forEach(function (node) { form.appendChild(node); });
    this.map = map;
    this.input = input;
    this.results = results;
    this.found = [];
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { control.search(input.value.trim()); }, WAIT_MS);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      control.search(input.value.trim()).then(function (features) {
        if (features[0]) { control.choose(features[0]); }
      });
    });
    this.form = form;
    return form;
  };

  Search.prototype.onRemove = function () { this.form.remove(); };

  /** A Promise of the located features matching `query` (listed as buttons). */
  Search.prototype.search = function (query) {
    var control = this;
    if (query.length < 2 || !this.url) {
      this.results.replaceChildren();
      return Promise.resolve([]);
    }
    var ticket = this.ticket = (this.ticket || 0) + 1;
    var url = this.url + "?limit=" + LIMIT + "&q=" + encodeURIComponent(query);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (data) {
        var features = (data.features || []).filter(function (f) { return f.geometry; });
        if (ticket === control.ticket) { control.list(features); }
        return features;
      })
      .catch(function () { return []; });
  };

  Search.prototype.list = function (features) {
    var control = this;
    this.results.replaceChildren();
    if (!features.length) {
      this.results.appendChild(element("li", "hromada-search-none", text("searchNone")));
    }
    features.forEach(function (feature) {
      var item = element("li");
      var choice = element("button", "hromada-search-result", feature.properties.label);
      choice.type = "button";
      choice.addEventListener("click", function (event) {
        // Not the map's click too: the button is gone from the control by the time
        // Leaflet asks whether a click was on a control (the report form's pin went there).
        L.DomEvent.stopPropagation(event);
        control.choose(feature);
      });
      item.appendChild(choice);
      control.results.appendChild(item);
    });
  };

  /** Fly to a found address at street level and tell the page. */
  Search.prototype.choose = function (feature) {
    var coordinates = feature.geometry.coordinates;
    this.results.replaceChildren();
    this.input.value = feature.properties.label;
    // Straight there, not a flight through wider zooms: a flight left protomaps-leaflet
    // tiles asked for on its way (of a zoom it came back to) undrawn.
    window.HromadaMap.jumpTo(this.map, coordinates, window.HromadaMap.STREET_ZOOM);
    this.map.getContainer().setAttribute("data-found", feature.properties.label);
    if (this.onSearch) { this.onSearch(feature); }
  };

  window.HromadaMapControls.Search = Search;
})();
