// Live status for the client portal (our own, small; the pages work without it).
// An element with data-live="URL" polls that JSON every data-seconds seconds and writes the
// fresh values into its [data-field] children. On a case page, a longer timeline is fetched
// from the page itself and swapped in. A failed poll waits longer; nothing piles up.
(function () {
  "use strict";
  var WORDS = {
    status: { new: "New", open: "Open", waiting_client: "Waiting on you", escalated: "Escalated",
      resolved: "Resolved", closed: "Closed" },
    state: { pending: "on time", at_risk: "at risk", breached: "overdue", met: "met",
      late: "met late", paused: "paused" }
  };

  function words(field, data) {
    var value = data[field];
    if (field === "status") { return WORDS.status[value] || value; }
    if (/_state$/.test(field)) { return WORDS.state[value] || value; }
    if (data.shown && field in data.shown) { return data.shown[field]; }
    return value === null || value === undefined ? "—" : String(value);
  }

  function fill(scope, data) {
    scope.querySelectorAll("[data-field]").forEach(function (node) {
      var field = node.getAttribute("data-field");
      if (!(field in data)) { return; }
      var text = words(field, data);
      if (node.textContent !== text) { node.textContent = text; }
      if (/_state$/.test(field)) { node.className = "sla-" + data[field]; }
    });
  }

  function refreshTimeline() {
    return fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("timeline");
        var old = document.getElementById("timeline");
        if (fresh && old) { old.replaceWith(document.importNode(fresh, true)); }
      });
  }

  function poll(box) {
    var url = box.getAttribute("data-live");
    var seconds = Math.max(2, parseInt(box.getAttribute("data-seconds"), 10) || 5);
    var wait = seconds;
    var refs = Array.prototype.map.call(box.querySelectorAll("[data-ref]"), function (row) {
      return row.getAttribute("data-ref");
    });
    if (refs.length) { url += "?refs=" + encodeURIComponent(refs.join(",")); }

    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401) { window.location.reload(); return null; }
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data) { wait = Math.min(wait * 2, 60); return; }
          wait = seconds;
          if (data.cases) {
            data.cases.forEach(function (row) {
              var node = box.querySelector('[data-ref="' + CSS.escape(row.ref) + '"]');
              if (node) { fill(node, row); }
            });
          } else {
            fill(box, data);
            var seen = parseInt(box.getAttribute("data-timeline"), 10);
            if (data.timeline !== undefined && data.timeline !== seen) {
              box.setAttribute("data-timeline", String(data.timeline));
              return refreshTimeline();
            }
          }
        })
        .catch(function () { wait = Math.min(wait * 2, 60); })
        .then(function () { window.setTimeout(tick, wait * 1000); });
    }
    window.setTimeout(tick, wait * 1000);
  }

  document.querySelectorAll("[data-live]").forEach(poll);
})();
