/* The filter box of the index pages: as you type, hide the entries of this page that
   do not match. Without it the box still works: it filters all entries on the server. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filter-list]").forEach(function (input) {
      var list = document.querySelector(input.getAttribute("data-filter-list"));
      if (!list) { return; }
      var empty = list.parentNode.querySelector(".filter-empty");
      input.addEventListener("input", function () {
        var wanted = input.value.trim().toLowerCase();
        var shown = 0;
        list.querySelectorAll("li").forEach(function (item) {
          var match = !wanted || item.textContent.toLowerCase().indexOf(wanted) >= 0;
          item.hidden = !match;
          if (match) { shown += 1; }
        });
        if (empty) { empty.hidden = shown > 0; }
      });
    });
  });
})();
