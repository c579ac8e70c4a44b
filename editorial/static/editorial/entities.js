// Autocomplete for the comma-separated entity lists of the episode form: suggests
// names already in the archive for the name being typed (after the last comma),
// and keeps the order the editor writes.
(function () {
  "use strict";
  function setup(input) {
    var list = document.createElement("ul");
    list.className = "entity-suggest";
    list.hidden = true;
    input.parentNode.style.position = "relative";
    input.after(list);
    var timer = null;

    function current() {
      var parts = input.value.split(",");
      return parts[parts.length - 1].trim();
    }
    function choose(name) {
      var parts = input.value.split(",");
      parts[parts.length - 1] = (parts.length > 1 ? " " : "") + (name.indexOf(",") >= 0 ? '"' + name.replace(/"/g, '""') + '"' : name);
      input.value = parts.join(",") + ", ";
      list.hidden = true;
      input.focus();
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = current();
      if (!query) { list.hidden = true; return; }
      timer = setTimeout(function () {
        var url = "../../entity-autocomplete/?type=" + encodeURIComponent(input.dataset.entity) + "&q=" + encodeURIComponent(query);
        fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
          list.innerHTML = "";
          data.results.forEach(function (name) {
            var item = document.createElement("li");
            item.textContent = name;
            item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(name); });
            list.appendChild(item);
          });
          list.hidden = !data.results.length;
        });
      }, 150);
    });
    input.addEventListener("blur", function () { list.hidden = true; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.entity-list").forEach(setup);
  });
})();
