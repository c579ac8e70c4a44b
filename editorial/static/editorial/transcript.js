// The transcript editor's row tools: move, insert, split; a count of edited rows and a
// warning before leaving with unsaved edits. The form works without this script
// (edit text and speakers, delete rows); the script only adds what needs a cursor.
(function () {
  "use strict";
  var form = document.getElementById("transcript-form");
  if (!form || form.classList.contains("readonly")) return;
  var body = form.querySelector(".transcript-rows");
  // The page's language: strings come from the server (json_script), not from here.
  var holder = document.getElementById("transcript-strings");
  var say = holder ? JSON.parse(holder.textContent) : {};
  function text(key, fallback) { return say[key] || fallback; }
  var counter = 0;
  var dirty = new Set();
  var submitting = false;

  function tools() {
    var span = document.createElement("span");
    span.className = "row-tools";
    [["up", "↑", "Move up"], ["down", "↓", "Move down"], ["turn", "+ turn", "Insert a turn below"],
     ["heading", "+ heading", "Insert a heading below"], ["split", "split", "Split at the cursor"]]
      .forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.dataset.op = spec[0];
        button.textContent = text("op_" + spec[0], spec[1]);
        button.title = text("op_" + spec[0] + "_title", spec[2]);
        span.appendChild(button);
      });
    return span;
  }

  function addTools(row) {
    var ops = row.querySelector(".ops");
    if (ops && !ops.querySelector(".row-tools")) {
      var span = tools();
      if (!row.classList.contains("turn")) span.querySelector("[data-op=split]").remove();
      ops.appendChild(span);
    }
  }

  function newRow(kind) {
    counter += 1;
    var key = (kind === "heading" ? "m" : "n") + counter;
    var template = document.getElementById(kind === "heading" ? "new-heading" : "new-turn");
    var html = template.innerHTML.replace(/__KEY__/g, key);
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    addTools(row);
    return row;
  }

  function markDirty(row) {
    dirty.add(row.dataset.key);
    row.classList.add("dirty");
    var label = form.querySelector(".dirty-count");
    if (label) {
      label.textContent = text("dirty", "%(count)s row(s) edited, not saved")
        .replace("%(count)s", dirty.size);
      label.hidden = false;
    }
  }

  function renumber() {
    Array.prototype.forEach.call(body.children, function (row, index) {
      row.querySelector(".n").textContent = index + 1;
    });
  }

  function split(row) {
    var chinese = row.querySelector("textarea[name$='-tr']");
    var english = row.querySelector("textarea[name$='-en']");
    var at = chinese.selectionStart || 0;
    if (at <= 0 || at >= chinese.value.length) {
      alert(text("split_where", "Put the cursor in the Chinese text where the turn should be split."));
      return;
    }
    var next = newRow("turn");
    next.querySelector("input.label").value = row.querySelector("input.label").value;
    next.querySelector("textarea[name$='-tr']").value = chinese.value.slice(at).replace(/^\s+/, "");
    chinese.value = chinese.value.slice(0, at).replace(/\s+$/, "");
    var cut = english && english.dataset.cursor ? parseInt(english.dataset.cursor, 10) : -1;
    if (cut > 0 && cut < english.value.length) {
      next.querySelector("textarea[name$='-en']").value = english.value.slice(cut).replace(/^\s+/, "");
      english.value = english.value.slice(0, cut).replace(/\s+$/, "");
    }
    row.after(next);
    markDirty(row);
    markDirty(next);
    renumber();
    next.querySelector("textarea").focus();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-op]");
    if (!button) return;
    var row = button.closest(".row");
    var op = button.dataset.op;
    if (op === "up" && row.previousElementSibling) {
      row.previousElementSibling.before(row);
    } else if (op === "down" && row.nextElementSibling) {
      row.nextElementSibling.after(row);
    } else if (op === "turn" || op === "heading") {
      var added = newRow(op);
      row.after(added);
      markDirty(added);
      added.querySelector("textarea, input:not([type=hidden])").focus();
    } else if (op === "split") {
      split(row);
      return;
    } else {
      return;
    }
    markDirty(row);
    renumber();
  });

  // Remember where the cursor was in an English box, for a split started from the row.
  form.addEventListener("keyup", remember);
  form.addEventListener("mouseup", remember);
  function remember(event) {
    if (event.target.matches("textarea[name$='-en']")) {
      event.target.dataset.cursor = event.target.selectionStart;
    }
  }

  form.addEventListener("input", function (event) {
    var row = event.target.closest(".row");
    if (row) markDirty(row);
  });
  form.addEventListener("submit", function () {
    submitting = true;
    // Where to come back to after the save: the first edited row, else the row in view.
    var rows = Array.prototype.slice.call(body.querySelectorAll(".row"));
    var at = rows.filter(function (row) { return row.classList.contains("dirty"); })[0] ||
      rows.filter(function (row) { return row.getBoundingClientRect().bottom > 80; })[0];
    form.querySelector("input[name=_at]").value = at ? rows.indexOf(at) + 1 : "";
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty.size && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      form.querySelector("button[value=save]").click();
    }
  });
  // Each row gets its tools when it first comes into view (or is pointed at or
  // focused), so opening a long transcript costs no script time for rows not seen.
  if (window.IntersectionObserver) {
    var watcher = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          addTools(entry.target);
          watcher.unobserve(entry.target);
        }
      });
    }, { rootMargin: "200px 0px" });
    body.querySelectorAll(".row").forEach(function (row) { watcher.observe(row); });
  }
  body.addEventListener("mouseover", function (event) {
    var row = event.target.closest(".row");
    if (row) addTools(row);
  });
  body.addEventListener("focusin", function (event) {
    var row = event.target.closest(".row");
    if (row) addTools(row);
  });
})();
