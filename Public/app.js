// Refreshes the page's content without a full reload while the tab is visible.
// The page is complete without this script: it only swaps <main> for a freshly rendered one.
(function () {
  "use strict";
  var intervalMs = 10000;
  var main = document.getElementById("main");
  var badge = document.querySelector("[data-live]");
  if (!main || !window.fetch || !window.DOMParser) { return; }

  function openPaths() {
    var open = {};
    main.querySelectorAll("details[data-path]").forEach(function (node) {
      open[node.getAttribute("data-path")] = node.open;
    });
    return open;
  }

  function refresh() {
    if (document.visibilityState !== "visible") { return; }
    var focused = document.activeElement;
    if (focused && main.contains(focused) && /^(INPUT|SELECT|TEXTAREA)$/.test(focused.tagName)) { return; }
    var before = openPaths();
    fetch(window.location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        // 400 is the page itself, with a wrong filter named next to its field.
        if (!response.ok && response.status !== 400) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var next = fresh.getElementById("main");
        if (!next) { return; }
        main.replaceChildren.apply(main, Array.prototype.slice.call(next.childNodes).map(function (node) {
          return document.importNode(node, true);
        }));
        main.querySelectorAll("details[data-path]").forEach(function (node) {
          var path = node.getAttribute("data-path");
          if (Object.prototype.hasOwnProperty.call(before, path)) { node.open = before[path]; }
        });
        document.title = fresh.title;
        if (badge) { badge.hidden = false; badge.textContent = "live"; }
      })
      .catch(function () {
        if (badge) { badge.hidden = false; badge.textContent = "offline, retrying"; }
      });
  }

  if (badge) { badge.hidden = false; }
  window.setInterval(refresh, intervalMs);
  document.addEventListener("visibilitychange", refresh);
})();
