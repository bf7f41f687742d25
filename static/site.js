// The header's menu button on narrow screens (templates/core/_header.html). Without
// JavaScript the links simply stay visible; with it, phones fold them behind the button.
(function () {
  "use strict";
  function setUp() {
    var header = document.querySelector("[data-nav]");
    if (!header) return;
    var button = header.querySelector(".nav-toggle");
    var nav = header.querySelector(".site-nav");
    if (!button || !nav) return;
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("nav-open", open);
    }
    button.hidden = false;
    header.classList.add("nav-foldable");
    setOpen(false);
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("nav-open")) {
        setOpen(false);
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
