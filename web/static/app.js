// accord dashboard enhancements. Every page works without this file: it
// only adds keyboard shortcuts, forms submitted in place, confirmations and
// live run progress. It talks to the same URLs the forms and links use.
(function () {
  "use strict";

  // Confirm destructive actions (unlink, discard, reject a plan).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var msg = form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  function announce(text, tone) {
    var slot = document.querySelector("[data-flash-slot]") || document.querySelector(".flash");
    if (!slot) return;
    slot.className = "flash " + (tone || "ok");
    slot.setAttribute("data-testid", "flash");
    slot.textContent = text;
  }

  // Forms marked data-async are posted with fetch, asking for JSON, so a
  // decision does not reload the page: the decided card goes away and the
  // next one becomes current.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute("data-async") || e.defaultPrevented) return;
    e.preventDefault();
    var body = new FormData(form, e.submitter || undefined);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(body),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (res) {
      return res.json().then(function (data) { return { ok: res.ok, data: data }; });
    }).then(function (r) {
      if (!r.ok || !r.data.ok) {
        buttons.forEach(function (b) { b.disabled = false; });
        announce((r.data && r.data.message) || "That did not work.", "error");
        return;
      }
      announce(r.data.message, "ok");
      settle(form);
    }).catch(function () {
      // The network failed: fall back to a normal submission.
      form.removeAttribute("data-async");
      form.submit();
    });
  });

  function settle(form) {
    var card = form.closest("li[data-card]");
    var row = form.closest("tr");
    if (card) {
      var next = nextCard(card, 1) || nextCard(card, -1);
      card.classList.add("is-done");
      setTimeout(function () { card.remove(); }, 250);
      if (next) setCurrent(next);
      return;
    }
    if (row) {
      row.classList.remove("differs");
      row.classList.add("is-done");
      var cell = form.parentNode;
      var done = document.createElement("span");
      done.className = "muted";
      done.textContent = "Done";
      cell.replaceChild(done, form);
      // The row's state changed, so its other actions no longer apply.
      row.querySelectorAll("form").forEach(function (f) { f.remove(); });
    }
  }

  // Keyboard: j/k move between cards, a approves, r rejects.
  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-card]:not(.is-done)"));
  }
  function current() {
    return document.querySelector("[data-card].is-current:not(.is-done)");
  }
  function nextCard(from, step) {
    var all = cards();
    var i = all.indexOf(from);
    return all[i + step] || null;
  }
  function setCurrent(card) {
    cards().forEach(function (c) { c.classList.remove("is-current"); });
    card.classList.add("is-current");
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var all = cards();
    if (!all.length) return;
    var cur = current();
    switch (e.key) {
      case "j":
        setCurrent(cur ? (nextCard(cur, 1) || cur) : all[0]);
        break;
      case "k":
        setCurrent(cur ? (nextCard(cur, -1) || cur) : all[0]);
        break;
      case "a":
      case "r":
        if (!cur) { setCurrent(all[0]); return; }
        var form = cur.querySelector('form[data-action="' + (e.key === "a" ? "approve" : "reject") + '"]');
        if (!form) return;
        form.requestSubmit();
        break;
      default:
        return;
    }
    e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    var card = e.target.closest && e.target.closest("[data-card]");
    if (card && !card.classList.contains("is-done")) setCurrent(card);
  });

  // Live progress of a running run over server-sent events. Without this
  // the page refreshes itself (a noscript meta refresh).
  var box = document.querySelector("[data-events][data-running]");
  if (box && window.EventSource) {
    var text = box.querySelector("[data-progress-text]");
    var bar = box.querySelector("[data-progress-bar]");
    var count = 0;
    var es = new EventSource(box.getAttribute("data-events"));
    es.addEventListener("open", function () { box.setAttribute("data-live", "true"); });
    es.addEventListener("progress", function (ev) {
      var p = JSON.parse(ev.data);
      count++;
      box.setAttribute("data-live", "true");
      box.setAttribute("data-event-count", String(count));
      box.setAttribute("data-step", p.step);
      if (text) text.textContent = p.text;
      if (bar) bar.value = parseFloat(p.value);
    });
    es.addEventListener("done", function (ev) {
      var d = JSON.parse(ev.data);
      es.close();
      box.setAttribute("data-done", d.status);
      if (text) text.textContent = d.label + ": " + d.summary;
      if (bar) bar.value = 4;
      setTimeout(function () { window.location.reload(); }, 800);
    });
    es.addEventListener("error", function () {
      // The server went away or the run finished in another process:
      // reload to show the stored state.
      es.close();
      setTimeout(function () { window.location.reload(); }, 3000);
    });
  }
})();
