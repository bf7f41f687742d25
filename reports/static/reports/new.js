/* /reports/new/: choose the place, show the category's questions, offer duplicates. */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var form = document.getElementById("report-form");
  var element = document.getElementById("pick-map");
  var status = document.getElementById("place-status");
  var latInput = form.elements.lat;
  var lonInput = form.elements.lon;
  var category = form.elements.category;
  var address = document.getElementById("place-address");
  var marker = null;
  var duplicatesChecked = false;
  var mapReady = H.baseMap(element, {
    popups: false,
    onSearch: function (feature) { choose(feature.geometry.coordinates); },
    // Tiles missed without signal are expected there (reports/offline.js says which).
    quietError: function (event) {
      return Boolean(window.HromadaOffline && window.HromadaOffline.quietError(event));
    },
  });
  H.mapReady = mapReady;

  // Without signal the offline part keeps the report as a draft (reports/offline.js).
  function send() {
    if (window.HromadaOffline && window.HromadaOffline.intercept()) { return; }
    form.submit();
  }

  // The nearest address ("near вул. Шевченка, 12, Дмитрівка"): the register's reverse
  // geocoding; nothing within its reach leaves the line empty.
  function describe(lon, lat) {
    var query = "?or_none=true&lat=" + lat + "&lon=" + lon;
    address.textContent = "";
    if (navigator.onLine === false) { return; }  // no signal: the server checks on sending
    H.api("address-reverse")
      .then(function (url) { return fetch(url + query); })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (feature) {
        if (!feature || lat !== latInput.value || lon !== lonInput.value) { return; }
        var p = feature.properties;
        var street = p.label.indexOf(p.settlement_name_uk + ", ") === 0
          ? p.label.slice(p.settlement_name_uk.length + 2) : p.label;
        address.textContent = HromadaMap.text("near") + " " + street + ", " + p.settlement_name_uk;
      })
      .catch(function () { /* the address is a help, not a requirement */ });
  }

  /** Put the pin at [lon, lat], fill the form's fields and say where that is. */
  function choose(lngLat) {
    latInput.value = lngLat[1].toFixed(6);
    lonInput.value = lngLat[0].toFixed(6);
    duplicatesChecked = false;
    mapReady.then(function (map) { pin(map).setLngLat(lngLat); });
    status.textContent = element.dataset.chosen + ": " + latInput.value + ", " + lonInput.value;
    describe(lonInput.value, latInput.value);
    if (navigator.onLine === false) { return; }  // the place is checked again on sending
    var query = "?lat=" + latInput.value + "&lon=" + lonInput.value;
    H.api("locate")
      .then(function (url) { return fetch(url + query); })
      .then(function (response) { return response.json(); })
      .then(function (place) {
        if (!place.in_territory) {
          status.replaceChildren(H.textElement("span", element.dataset.outside, "error"));
        } else if (place.settlement || place.nearest) {
          var village = (place.settlement || place.nearest).name_uk;
          status.textContent = element.dataset.chosen + ": " + village;
        }
      })
      .catch(function () { /* the server checks the place again on sending */ });
  }

  // The pin: drawn in the DOM and CSS (no image to load); drag it to correct.
  function pin(map) {
    if (!marker) {
      var centre = map.getCenter();
      marker = HromadaMap.pin(map, [centre.lng, centre.lat], "located", choose, "report-choice");
    }
    return { setLngLat: function (lngLat) { marker.setLatLng([lngLat[1], lngLat[0]]); return marker; } };
  }

  // A tap places the pin and zooms to street level, where the next tap can be exact.
  mapReady.then(function (map) {
    map.on("click", function (event) {
      choose([event.latlng.lng, event.latlng.lat]);
      if (map.getZoom() < HromadaMap.STREET_ZOOM + HromadaMap.ZOOM_OFFSET) {
        map.setView(event.latlng, HromadaMap.STREET_ZOOM + HromadaMap.ZOOM_OFFSET);
      }
    });
    if (latInput.value && lonInput.value) {
      var at = [parseFloat(lonInput.value), parseFloat(latInput.value)];
      choose(at);
      HromadaMap.jumpTo(map, at, HromadaMap.STREET_ZOOM);
    }
  });
  document.getElementById("use-location").addEventListener("click", function () {
    H.locate(function (lngLat) {
      choose(lngLat);
      mapReady.then(function (map) { HromadaMap.jumpTo(map, lngLat, HromadaMap.STREET_ZOOM); });
    }, function () { status.textContent = element.dataset.locateError; });
  });

  function showQuestions() {
    document.querySelectorAll("fieldset.questions").forEach(function (fieldset) {
      var active = fieldset.dataset.category === category.value;
      fieldset.hidden = !active;
      fieldset.disabled = !active;
    });
    duplicatesChecked = false;
  }
  category.addEventListener("change", showQuestions);
  showQuestions();

  var nearby = document.getElementById("nearby");
  var nearbyList = document.getElementById("nearby-list");
  var template = document.getElementById("nearby-item");

  function meToo(number, button) {
    var url = H.config(element).supportUrl.replace("__number__", encodeURIComponent(number));
    fetch(url, { method: "POST" })
      .then(function (response) { return response.json(); })
      .then(function () {
        button.disabled = true;
        document.getElementById("me-too-done").hidden = false;
      });
  }

  function offer(reports) {
    nearbyList.replaceChildren();
    reports.forEach(function (report) {
      var item = template.content.cloneNode(true);
      var link = item.querySelector(".nearby-link");
      link.textContent = "№ " + report.number;
      link.href = report.url;
      item.querySelector(".nearby-meta").textContent =
        report.summary + " (" + report.status_name + ", " + Math.round(report.distance_m) + " " + HromadaMap.text("metres") + ")";
      var button = item.querySelector(".me-too");
      button.addEventListener("click", function () { meToo(report.number, button); });
      nearbyList.appendChild(item);
    });
    nearby.hidden = false;
    nearby.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  form.addEventListener("submit", function (event) {
    if (!latInput.value || !lonInput.value) {
      event.preventDefault();
      status.replaceChildren(H.textElement("span", element.dataset.needPlace, "error"));
      element.scrollIntoView({ behavior: "smooth" });
      return;
    }
    if (!navigator.onLine && window.HromadaOffline) {
      event.preventDefault();
      send();
      return;
    }
    if (duplicatesChecked || !category.value) { return; }
    event.preventDefault();
    var query = new URLSearchParams({ lat: latInput.value, lon: lonInput.value, category: category.value });
    H.api("reports-nearby")
      .then(function (url) { return fetch(url + "?" + query.toString()); })
      .then(function (response) { return response.ok ? response.json() : []; })
      .catch(function () { return []; })
      .then(function (reports) {
        duplicatesChecked = true;
        if (reports.length) { offer(reports); } else { send(); }
      });
  });
  document.getElementById("send-anyway").addEventListener("click", function () {
    duplicatesChecked = true;
    send();
  });
})();
