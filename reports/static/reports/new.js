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
  var map = H.baseMap(element);
  var marker = null;
  var duplicatesChecked = false;

  function choose(latlng) {
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    duplicatesChecked = false;
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    status.textContent = element.dataset.chosen + ": " + latInput.value + ", " + lonInput.value;
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

  map.on("click", function (event) { choose(event.latlng); });
  if (latInput.value && lonInput.value) {
    choose(L.latLng(parseFloat(latInput.value), parseFloat(lonInput.value)));
  }
  document.getElementById("use-location").addEventListener("click", function () {
    H.locate(function (latlng) { choose(latlng); map.setView(latlng, 17); },
      function () { status.textContent = element.dataset.locateError; });
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
        report.summary + " (" + report.status_name + ", " + Math.round(report.distance_m) + " м)";
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
    if (duplicatesChecked || !category.value) { return; }
    event.preventDefault();
    var query = new URLSearchParams({ lat: latInput.value, lon: lonInput.value, category: category.value });
    H.api("reports-nearby")
      .then(function (url) { return fetch(url + "?" + query.toString()); })
      .then(function (response) { return response.ok ? response.json() : []; })
      .catch(function () { return []; })
      .then(function (reports) {
        duplicatesChecked = true;
        if (reports.length) { offer(reports); } else { form.submit(); }
      });
  });
  document.getElementById("send-anyway").addEventListener("click", function () {
    duplicatesChecked = true;
    form.submit();
  });
})();
