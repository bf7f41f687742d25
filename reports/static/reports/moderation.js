/* /moderation/<number>/: the report's map, the public text of the chosen state, and the
 * keyboard shortcuts (j/k next/previous, q queue, 1–6 a state, d duplicate, h hide, v verify,
 * Ctrl+Enter save). */
(function () {
  "use strict";
  var H = window.HromadaReports;
  var element = document.getElementById("mod-map");
  var place = [parseFloat(element.dataset.lon), parseFloat(element.dataset.lat)];
  H.baseMap(element, { center: place, zoom: 16, legend: false, search: false }).then(function (map) {
    HromadaMap.domMarker(map, place, H.statusPin(element.dataset.status));
  });

  var form = document.getElementById("transition-form");
  var note = form ? form.elements.note : null;
  var texts = form ? JSON.parse(form.dataset.texts || "{}") : {};
  var offered = "";

  // Choosing a state puts its template in the text, unless the moderator wrote their own.
  function choose(radio) {
    radio.checked = true;
    if (note && (note.value === "" || note.value === offered)) {
      offered = texts[radio.value] || "";
      note.value = offered;
    }
  }
  if (form) {
    form.querySelectorAll("label.choice").forEach(function (label, index) {
      var radio = label.querySelector("input");
      label.querySelector("kbd").textContent = String(index + 1);
      radio.addEventListener("change", function () { choose(radio); });
    });
  }

  function focusForm(id) {
    var target = document.getElementById(id);
    if (!target) { return; }
    var field = target.querySelector("input[type=text], textarea");
    target.scrollIntoView({ block: "center" });
    if (field) { field.focus(); }
  }

  function typing(event) {
    var tag = event.target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var link = document.querySelector('a[data-key="' + event.key + '"]');
    if (link) { window.location.href = link.href; return; }
    if (/^[1-9]$/.test(event.key) && form) {
      var radios = form.querySelectorAll("input[type=radio]");
      var radio = radios[parseInt(event.key, 10) - 1];
      if (radio) { choose(radio); note.focus(); event.preventDefault(); }
      return;
    }
    var forms = { d: "duplicate-form", h: "hide-form", v: "verify-form" };
    if (forms[event.key]) { event.preventDefault(); focusForm(forms[event.key]); }
  });
})();
