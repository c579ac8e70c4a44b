/* The reading switch (Chinese / side by side / English) and the theme toggle.
   Reading needs none of this: without it every original stays folded under its turn. */
(function () {
  "use strict";
  var root = document.documentElement;
  var MODES = ["zh", "both", "en"];
  function stored(key, allowed, fallback) {
    try {
      var value = window.localStorage.getItem(key);
      return allowed.indexOf(value) >= 0 ? value : fallback;
    } catch (e) { return fallback; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  root.setAttribute("data-reading", stored("archive.reading", MODES, "zh"));
  root.setAttribute("data-theme", stored("archive.theme", ["light", "dark"], "auto"));

  function applyReading(mode) {
    root.setAttribute("data-reading", mode);
    var unfold = mode !== "zh";
    document.querySelectorAll("details.original").forEach(function (details) {
      details.open = unfold;
    });
    document.querySelectorAll("[data-reading-mode]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-reading-mode") === mode));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // On a phone the contents sit between the header and the text: folded, one line.
    var contents = document.querySelector(".sidebar-toc details");
    if (contents && !window.matchMedia("(min-width: 64rem)").matches) { contents.open = false; }
    var switcher = document.querySelector(".reading-switch");
    if (switcher && document.querySelector("details.original")) {
      switcher.hidden = false;
      switcher.addEventListener("click", function (event) {
        var button = event.target.closest("[data-reading-mode]");
        if (!button) { return; }
        var mode = button.getAttribute("data-reading-mode");
        store("archive.reading", mode);
        applyReading(mode);
      });
      applyReading(root.getAttribute("data-reading"));
    }
    var toggle = document.querySelector("[data-theme-toggle]");
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var dark = root.getAttribute("data-theme") === "dark" ||
          (root.getAttribute("data-theme") === "auto" &&
           window.matchMedia("(prefers-color-scheme: dark)").matches);
        var theme = dark ? "light" : "dark";
        root.setAttribute("data-theme", theme);
        store("archive.theme", theme);
      });
    }
  });
})();
