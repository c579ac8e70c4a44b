// Search as you type: the header's search box lists the first few results while the
// reader types. Without this file the box is a plain form that opens the search page.
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  if (!input || !input.form || !window.fetch) return;
  var form = input.form;
  var endpoint = form.getAttribute("action").replace(/\/?$/, "/") + "suggest/";
  var DELAY = 200;
  var list = document.createElement("ul");
  var status = document.createElement("p");
  var timer = null, pending = null, active = -1, shownFor = null;

  list.id = "site-search-results";
  list.className = "search-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "搜索结果");
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");
  // The list's look is site.css's (.search-suggestions), so that a phone keeps the
  // link to all results in view.
  form.appendChild(list);
  form.appendChild(status);

  function close() {
    list.hidden = true;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function option(index, href, title, snippet) {
    var item = document.createElement("li");
    item.className = snippet === null ? "all" : "";
    var link = document.createElement("a");
    item.id = "site-search-option-" + index;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    link.href = href;
    link.tabIndex = -1;
    var strong = document.createElement("strong");
    strong.textContent = title;
    link.appendChild(strong);
    if (snippet) {
      var small = document.createElement("small");
      small.textContent = snippet;
      link.appendChild(small);
    }
    item.appendChild(link);
    list.appendChild(item);
  }

  function show(data, query) {
    list.textContent = "";
    active = -1;
    data.results.forEach(function (result, index) {
      option(index, result.url, result.title, result.snippet);
    });
    var all = form.getAttribute("action") + "?q=" + encodeURIComponent(query);
    option(data.results.length, all, data.count ? "全部 " + data.count + " 期节目 →" : "没有找到，打开搜索页 →", null);
    status.textContent = data.count ? data.count + " 期节目" : "没有找到";
    shownFor = query;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function lookup() {
    var query = input.value.trim();
    if (!query) { close(); shownFor = null; return; }
    if (query === shownFor) { list.hidden = false; input.setAttribute("aria-expanded", "true"); return; }
    if (pending) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    fetch(endpoint + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" }, signal: pending ? pending.signal : undefined
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && input.value.trim() === query) show(data, query);
    }).catch(function () { /* aborted or offline: the form still works */ });
  }

  function move(step) {
    var items = list.querySelectorAll("[role=option]");
    if (list.hidden || !items.length) return;
    if (active >= 0) items[active].setAttribute("aria-selected", "false");
    active = (active + step + items.length) % items.length;
    items[active].setAttribute("aria-selected", "true");
    items[active].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, DELAY);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      window.location.href = list.querySelectorAll("[role=option] a")[active].href;
    }
  });
  input.addEventListener("focus", function () { if (input.value.trim()) lookup(); });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) close();
  });
})();

// A page opened from a search hit (?hl=words#t-12) marks the words in the turn or
// section the link names, so the reader sees why it matched.
(function () {
  "use strict";
  var words = new URLSearchParams(window.location.search).get("hl");
  var target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  if (!words || !target) return;
  var needles = words.split(/\s+/).filter(Boolean).map(function (word) { return word.toLowerCase(); });
  var isWord = function (char) { return !!char && /[0-9a-z]/i.test(char); };

  function firstMatch(text) {
    // The earliest needle occurrence; Latin words only where whole (the search's rule).
    var lower = text.toLowerCase(), best = null;
    needles.forEach(function (needle) {
      var at = lower.indexOf(needle);
      while (at >= 0) {
        var before = lower.charAt(at - 1), after = lower.charAt(at + needle.length);
        var whole = !(isWord(needle.charAt(0)) && isWord(before)) &&
                    !(isWord(needle.charAt(needle.length - 1)) && isWord(after));
        if (whole) break;
        at = lower.indexOf(needle, at + 1);
      }
      if (at >= 0 && (!best || at < best.at)) best = { at: at, length: needle.length };
    });
    return best;
  }

  var walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT);
  var nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  nodes.forEach(function (node) {
    var found;
    while ((found = firstMatch(node.nodeValue))) {
      var hit = node.splitText(found.at);
      node = hit.splitText(found.length);
      var mark = document.createElement("mark");
      mark.className = "search-term";
      hit.parentNode.replaceChild(mark, hit);
      mark.appendChild(hit);
    }
  });
})();
