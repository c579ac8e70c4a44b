// The review view: one turn at a time with its neighbours, keys for everything (the
// help overlay lists them). Turns come as JSON; every action is a JSON POST that
// answers with the episode's version and progress. No build step, no inline script.
(function () {
  "use strict";
  var root = document.getElementById("review");
  if (!root) return;
  var help = document.getElementById("review-help");
  var view = root.querySelector(".review-window");
  var progressLine = root.querySelector(".review-progress");
  var positionLine = root.querySelector(".review-position");
  var messageLine = root.querySelector(".review-message");
  var holder = document.getElementById("review-strings");
  var say = holder ? JSON.parse(holder.textContent) : {};
  var editable = !root.classList.contains("readonly");

  var turns = [];        // {position, fingerprint, label, zh, en, state, flags, done}
  var current = 0;       // index into turns
  var version = 0;
  var undo = [];         // inverse actions, last first
  var editing = null;    // {zh: textarea, en: textarea, touchedEn: bool}
  var chain = Promise.resolve();  // actions run one after another, in key order
  var pending = 0;

  function words(key, values) {
    var text = say[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(values[name]));
    });
    return text;
  }

  function tell(text) { messageLine.textContent = text || ""; }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function openFlags(turn) { return turn.flags.filter(function (f) { return !f.dismissed; }); }

  // Text with the open flags' spans of one language marked.
  function marked(text, turn, language) {
    var spans = [];
    openFlags(turn).forEach(function (flag) { spans = spans.concat(flag[language]); });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var box = element("div", "review-text");
    box.lang = language === "zh" ? "zh" : "en";
    var at = 0;
    spans.forEach(function (span) {
      if (span[0] < at) return;
      box.appendChild(document.createTextNode(text.slice(at, span[0])));
      box.appendChild(element("mark", "review-diff", text.slice(span[0], span[1])));
      at = span[1];
    });
    box.appendChild(document.createTextNode(text.slice(at)));
    return box;
  }

  function turnBlock(turn, index, isCurrent) {
    var block = element("article", "review-turn state-" + (turn.state || "machine") +
      (isCurrent ? " current" : " context") + (turn.done ? " done" : ""));
    block.dataset.index = index;
    var head = element("header", "review-turn-head");
    head.appendChild(element("span", "review-number", "#" + (index + 1)));
    head.appendChild(element("span", "review-label", turn.label || say.narration));
    head.appendChild(element("span", "review-state", words(turn.state || "machine")));
    block.appendChild(head);
    if (isCurrent) {
      var list = element("ul", "review-flags");
      if (!turn.flags.length) list.appendChild(element("li", "review-flag none", say.no_flags));
      turn.flags.forEach(function (flag) {
        var item = element("li", "review-flag severity-" + flag.severity + (flag.dismissed ? " dismissed" : ""));
        item.appendChild(element("code", "", flag.check));
        item.appendChild(document.createTextNode(" " + flag.message));
        if (flag.dismissed) item.appendChild(element("span", "review-dismissed", " · " + say.dismissed));
        list.appendChild(item);
      });
      block.appendChild(list);
    }
    var texts = element("div", "review-texts");
    var zh = element("div", "review-side review-zh");
    var en = element("div", "review-side review-en");
    if (isCurrent && editing) {
      zh.appendChild(editing.zh);
      en.appendChild(editing.en);
    } else {
      zh.appendChild(marked(turn.zh, turn, "zh"));
      en.appendChild(marked(turn.en, turn, "en"));
    }
    texts.appendChild(zh);
    texts.appendChild(en);
    block.appendChild(texts);
    return block;
  }

  function render() {
    view.textContent = "";
    if (!turns.length) return;
    current = Math.max(0, Math.min(current, turns.length - 1));
    for (var index = current - 1; index <= current + 2; index++) {
      if (index >= 0 && index < turns.length) view.appendChild(turnBlock(turns[index], index, index === current));
    }
    positionLine.textContent = words("turn_of", {n: current + 1, total: turns.length});
    var shown = view.querySelector(".review-turn.current");
    if (shown && shown.scrollIntoView) shown.scrollIntoView({block: "nearest"});
  }

  // The progress as the page's turns say it, after a change of states only.
  function counted() {
    var progress = {total: turns.length, approved: 0, flagged: 0, done: 0};
    turns.forEach(function (turn) {
      if (turn.state === "approved") progress.approved += 1;
      if (openFlags(turn).length) progress.flagged += 1;
      if (turn.done) progress.done += 1;
    });
    progress.ready = progress.total > 0 && progress.done === progress.total;
    return progress;
  }

  function showProgress(progress, reviewState) {
    var text = words("progress", progress);
    if (reviewState === "reviewed") text += " · " + say.reviewed;
    else if (reviewState === "in_review") text += " · " + say.in_review;
    progressLine.textContent = text;
    root.dataset.ready = progress.ready ? "1" : "0";
    root.dataset.reviewState = reviewState;
  }

  function post(payload) {
    return fetch(root.dataset.act, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf},
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          tell(data.conflict ? say.conflict : data.error);
          throw new Error(data.error);
        }
        version = data.version;
        root.dataset.version = version;
        if (data.progress) showProgress(data.progress, data.review_state);
        else setTimeout(function () { showProgress(counted(), data.review_state); }, 0);
        return data;
      });
    }, function (error) { tell(String(error)); throw error; });
  }

  function load() {
    fetch(root.dataset.turns, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (data) {
        turns = data.turns;
        version = data.version;
        root.dataset.version = version;
        showProgress(data.progress, data.review_state);
        var first = turns.findIndex(function (turn) { return !turn.done; });
        current = first < 0 ? 0 : first;
        render();
        root.dataset.loaded = "1";
        root.focus();
      });
  }

  // Turn states and flags ------------------------------------------------------------

  function setState(index, state, record) {
    var turn = turns[index];
    return post({action: "state", fingerprint: turn.fingerprint, state: state}).then(function (data) {
      sameText(turn).forEach(function (other) { other.state = state; other.done = isDone(other); });
      if (record) undo.push({kind: "state", fingerprint: turn.fingerprint, state: data.previous});
      return data;
    });
  }

  function sameText(turn) {
    return turns.filter(function (other) { return other.fingerprint === turn.fingerprint; });
  }

  function isDone(turn) {
    if (turn.state === "approved") return true;
    return turn.flags.length > 0 && !openFlags(turn).length && turn.state !== "needs_editing";
  }

  function approve() {
    if (!turns.length) return;
    return setState(current, "approved", true).then(function () {
      if (current < turns.length - 1) current += 1;
      render();
    });
  }

  function dismiss() {
    var turn = turns[current];
    var flag = turn && openFlags(turn)[0];
    if (!flag) return;
    return post({action: "dismiss", fingerprint: turn.fingerprint, check: flag.check}).then(function () {
      sameText(turn).forEach(function (other) {
        other.flags.forEach(function (f) { if (f.check === flag.check) f.dismissed = true; });
        other.done = isDone(other);
      });
      undo.push({kind: "dismiss", fingerprint: turn.fingerprint, check: flag.check});
      tell(say.dismissed);
      render();
    });
  }

  // Edits of the file: replace turns by others ----------------------------------------

  function replace(index, count, texts, kind, approve, record) {
    var position = turns[index].position;
    return post({
      action: "replace", version: version, position: position, count: count,
      texts: texts, kind: kind, approve: approve
    }).then(function (data) {
      var made = data.replaced.turns;
      var shift = made.length - count;
      turns.splice.apply(turns, [index, count].concat(made));
      for (var later = index + made.length; later < turns.length; later++) turns[later].position += shift;
      undo.forEach(function (entry) { if (entry.position > position) entry.position += shift; });
      if (record) {
        undo.push({kind: "replace", position: position, count: made.length, texts: data.replaced.before});
      }
      tell(words("saved", {version: data.version}));
      return data;
    });
  }

  function startEditing(language) {
    if (!editable || editing || !turns.length) return;
    var turn = turns[current];
    editing = {zh: element("textarea", "review-edit"), en: element("textarea", "review-edit"), touchedEn: false};
    editing.zh.lang = "zh";
    editing.en.lang = "en";
    editing.zh.value = turn.zh;
    editing.en.value = turn.en;
    editing.zh.setAttribute("aria-label", "中文");
    editing.en.setAttribute("aria-label", "English");
    editing.en.addEventListener("focus", function () { if (editing) editing.touchedEn = true; });
    render();
    var box = language === "en" ? editing.en : editing.zh;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  function stopEditing() {
    editing = null;
    render();
    root.focus();
  }

  function saveEdit(approve) {
    if (!editing) return;
    var texts = [{zh: editing.zh.value, en: editing.en.value}];
    return replace(current, 1, texts, "edit", approve, true).then(stopEditing);
  }

  // Where the English is cut when the editor placed no cursor in it: the sentence end
  // nearest the Chinese cut's share of its text.
  function englishCut(en, share) {
    var target = Math.round(en.length * share);
    var best = -1;
    var pattern = /[.?!]["')\]]*\s+/g;
    var match;
    while ((match = pattern.exec(en))) {
      var end = match.index + match[0].length;
      if (best < 0 || Math.abs(end - target) < Math.abs(best - target)) best = end;
    }
    return best < 0 ? target : best;
  }

  function split() {
    if (!editing) return;
    var zh = editing.zh.value, en = editing.en.value;
    // The Chinese is cut at its cursor; the English at its own cursor once the editor
    // has been in it, else at the sentence end nearest the same share of its text.
    var zhAt = editing.zh.selectionStart;
    var enAt = editing.touchedEn ? editing.en.selectionStart : englishCut(en, zhAt / Math.max(1, zh.length));
    var first = {zh: zh.slice(0, zhAt).trimEnd(), en: en.slice(0, enAt).trimEnd()};
    var second = {zh: zh.slice(zhAt).trimStart(), en: en.slice(enAt).trimStart()};
    if (!(first.zh || first.en) || !(second.zh || second.en)) { tell(say.split_where); return; }
    return replace(current, 1, [first, second], "split", true, true).then(stopEditing);
  }

  function merge() {
    if (editing) return;
    if (current >= turns.length - 1) { tell(say.last_turn); return; }
    var a = turns[current], b = turns[current + 1];
    if (b.position !== a.position + 1) { tell(say.last_turn); return; }
    var zh = a.zh && b.zh ? a.zh + b.zh : a.zh || b.zh;
    var en = a.en && b.en ? a.en + " " + b.en : a.en || b.en;
    return replace(current, 2, [{zh: zh, en: en}], "merge", true, true).then(render);
  }

  function undoLast() {
    var entry = undo.pop();
    if (!entry) { tell(say.nothing_to_undo); return; }
    var done;
    if (entry.kind === "state") {
      var index = turns.findIndex(function (t) { return t.fingerprint === entry.fingerprint; });
      if (index < 0) { tell(say.nothing_to_undo); return; }
      done = setState(index, entry.state, false).then(function () { current = index; });
    } else if (entry.kind === "dismiss") {
      done = post({action: "restore", fingerprint: entry.fingerprint, check: entry.check}).then(function () {
        turns.forEach(function (turn) {
          if (turn.fingerprint !== entry.fingerprint) return;
          turn.flags.forEach(function (f) { if (f.check === entry.check) f.dismissed = false; });
          turn.done = isDone(turn);
        });
      });
    } else {
      var at = turns.findIndex(function (t) { return t.position === entry.position; });
      done = replace(at, entry.count, entry.texts, "undo", false, false).then(function () { current = at; });
    }
    return done.then(function () { tell(say.undone); render(); });
  }

  function markReviewed() {
    if (!counted().ready) { tell(say.not_ready); return; }
    return post({action: "mark_reviewed"}).then(function (data) { tell(words(data.review_state)); });
  }

  function move(step) {
    current = Math.max(0, Math.min(turns.length - 1, current + step));
    render();
  }

  function moveToFlag(step) {
    for (var index = current + step; index >= 0 && index < turns.length; index += step) {
      if (openFlags(turns[index]).length) { current = index; render(); return; }
    }
    tell(say.no_more_flags);
  }

  // Keys pressed while an action is on its way wait their turn, in order; an action
  // that asks the server returns its promise.
  function whenFree(action) {
    pending += 1;
    root.dataset.idle = "0";
    chain = chain.then(function () { return action(); }).catch(function () {}).then(function () {
      pending -= 1;
      if (!pending) root.dataset.idle = "1";
    });
  }

  function toggleHelp(show) {
    help.hidden = show === undefined ? !help.hidden : !show;
  }

  document.addEventListener("keydown", function (event) {
    if (!turns.length) return;
    var key = event.key;
    var control = event.ctrlKey || event.metaKey;
    if (editing) {
      var approving = !event.shiftKey;
      if (key === "Enter" && control) { event.preventDefault(); whenFree(function () { return saveEdit(approving); }); }
      else if (key === "Enter" && event.altKey) { event.preventDefault(); whenFree(split); }
      else if (key === "Escape") { event.preventDefault(); stopEditing(); }
      return;
    }
    var target = event.target;
    if (target && target !== root && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (event.altKey || (control && key.toLowerCase() !== "z")) return;
    if (!help.hidden && key !== "?" && key !== "Escape") return;
    var actions = {
      "j": function () { move(1); }, "ArrowDown": function () { move(1); },
      "k": function () { move(-1); }, "ArrowUp": function () { move(-1); },
      "Home": function () { current = 0; render(); },
      "End": function () { current = turns.length - 1; render(); },
      "n": function () { moveToFlag(1); }, "p": function () { moveToFlag(-1); },
      "?": function () { toggleHelp(); }, "Escape": function () { toggleHelp(false); }
    };
    if (editable) {
      Object.assign(actions, {
        "a": approve, "Enter": approve,
        "x": function () { return setState(current, "needs_editing", true).then(render); },
        "e": function () { startEditing("zh"); }, "E": function () { startEditing("en"); },
        "s": function () { startEditing("zh"); tell(say.split_where); },
        "m": merge, "d": dismiss, "u": undoLast, "z": undoLast, "R": markReviewed
      });
    }
    var action = actions[key];
    if (action && (!control || key === "z")) { event.preventDefault(); whenFree(action); }
  });

  root.querySelector(".review-help-button").addEventListener("click", function () { toggleHelp(true); });
  load();
})();
