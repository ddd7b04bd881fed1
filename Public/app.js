// Refreshes the page's content without a full reload while the tab is visible: at once when the server's stream
// (GET /stream) tells of a change, and every 10 s in any case; a button pauses it. Also folds the domain tree on a
// narrow screen, lets the arrow keys walk and fold it, and writes absolute times in the browser's time zone. The
// page is complete without this script.
(function () {
  "use strict";
  var intervalMs = 10000;
  var main = document.getElementById("main");
  var badge = document.querySelector("[data-live]");
  if (!main) { return; }

  // Absolute times are sent in UTC; the browser writes them in its own time zone.
  function localTimes() {
    main.querySelectorAll("time.absolute").forEach(function (time) {
      var date = new Date(time.getAttribute("datetime"));
      if (!isNaN(date.getTime())) { time.textContent = date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" }); }
    });
  }
  localTimes();

  if (window.matchMedia && window.matchMedia("(max-width: 60rem)").matches) {
    main.querySelectorAll("details[data-fold-narrow]").forEach(function (panel) { panel.open = false; });
  }

  // A tree node is one tab stop, its link; Right opens it, Left closes it (or goes to its parent), Up and Down
  // go to the node above or below.
  function treeLinks() {
    return Array.prototype.filter.call(main.querySelectorAll("nav.tree summary > a"), function (link) {
      return link.offsetParent !== null;
    });
  }
  main.addEventListener("keydown", function (event) {
    var link = event.target;
    if (!link.matches || !link.matches("nav.tree summary > a")) { return; }
    var node = link.parentElement.parentElement;
    var links, index;
    switch (event.key) {
    case "ArrowRight": node.open = true; break;
    case "ArrowLeft":
      if (node.open && node.querySelector("li")) { node.open = false; break; }
      var parent = node.parentElement.closest("details[data-path]");
      if (parent && parent.querySelector(":scope > summary > a")) { parent.querySelector(":scope > summary > a").focus(); }
      break;
    case "ArrowDown": case "ArrowUp":
      links = treeLinks();
      index = links.indexOf(link) + (event.key === "ArrowDown" ? 1 : -1);
      if (index >= 0 && index < links.length) { links[index].focus(); }
      break;
    default: return;
    }
    event.preventDefault();
  });

  if (!window.fetch || !window.DOMParser) { return; }

  function openPaths() {
    var open = {};
    main.querySelectorAll("details[data-path]").forEach(function (node) {
      open[node.getAttribute("data-path")] = node.open;
    });
    return open;
  }

  // A form changed or typed in but not yet submitted would be lost by a refresh: there is none until the page is
  // left. A page of forms only (signing in, a confirmation) is never refreshed.
  var edited = Boolean(main.querySelector("[data-no-refresh]"));
  ["change", "input"].forEach(function (type) {
    main.addEventListener(type, function (event) { if (event.target.form) { edited = true; } });
  });

  function typing() {
    var focused = document.activeElement;
    return focused && main.contains(focused) && /^(INPUT|SELECT|TEXTAREA)$/.test(focused.tagName);
  }

  // The focused link, as where it is (the nearest tree node or element with an id around it) and its position
  // there among the links to the same address, to focus again after a refresh.
  function linksTo(scope, href) {
    return Array.prototype.filter.call(scope.querySelectorAll("a"), function (link) { return link.getAttribute("href") === href; });
  }

  function focusedLink() {
    var focused = document.activeElement;
    if (!focused || focused.tagName !== "A" || !main.contains(focused)) { return null; }
    var scope = focused.closest("[data-path], [id]");
    var href = focused.getAttribute("href");
    return {
      path: scope && scope.hasAttribute("data-path") ? scope.getAttribute("data-path") : null,
      id: scope && !scope.hasAttribute("data-path") ? scope.id : null,
      href: href,
      index: linksTo(scope || main, href).indexOf(focused)
    };
  }

  function refocus(link) {
    if (!link) { return; }
    var scope = main;
    if (link.path !== null) {
      scope = Array.prototype.find.call(main.querySelectorAll("[data-path]"), function (node) { return node.getAttribute("data-path") === link.path; }) || main;
    } else if (link.id) {
      scope = document.getElementById(link.id) || main;
    }
    var same = linksTo(scope, link.href);
    var target = same[link.index] || same[0];
    if (target) { target.focus({ preventScroll: true }); }
  }

  var paused = false;

  function refresh() {
    if (document.visibilityState !== "visible" || edited || paused || typing()) { return; }
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
        if (!next || edited || paused || typing()) { return; }
        var link = focusedLink();
        main.replaceChildren.apply(main, Array.prototype.slice.call(next.childNodes).map(function (node) {
          return document.importNode(node, true);
        }));
        main.querySelectorAll("details[data-path]").forEach(function (node) {
          var path = node.getAttribute("data-path");
          if (Object.prototype.hasOwnProperty.call(before, path)) { node.open = before[path]; }
        });
        localTimes();
        refocus(link);
        document.title = fresh.title;
        if (badge && !paused) { badge.hidden = false; badge.textContent = "live"; }
      })
      .catch(function () {
        if (badge) { badge.hidden = false; badge.textContent = "offline, retrying"; }
      });
  }

  // A change told by the stream refreshes the page a quarter of a second later, and then not again for two
  // seconds: a busy fleet costs each open page one render every two seconds at most.
  var pending = null;
  var last = 0;
  function changed() {
    if (pending) { return; }
    var wait = Math.max(250, last + 2000 - Date.now());
    pending = window.setTimeout(function () { pending = null; last = Date.now(); refresh(); }, wait);
  }

  function listen() {
    if (!window.EventSource) { return; }
    var here = new URLSearchParams(window.location.search);
    var query = new URLSearchParams();
    ["group", "api-key"].forEach(function (name) { if (here.get(name)) { query.set(name, here.get(name)); } });
    var stream = new EventSource("/stream" + (query.toString() ? "?" + query.toString() : ""));
    ["state", "error", "message", "problem"].forEach(function (kind) { stream.addEventListener(kind, changed); });
  }

  if (badge) {
    badge.hidden = false;
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "live-toggle";
    toggle.textContent = "Pause";
    toggle.setAttribute("aria-pressed", "false");
    toggle.addEventListener("click", function () {
      paused = !paused;
      toggle.textContent = paused ? "Resume" : "Pause";
      toggle.setAttribute("aria-pressed", String(paused));
      badge.textContent = paused ? "paused" : "live";
      if (!paused) { refresh(); }
    });
    badge.insertAdjacentElement("afterend", toggle);
  }
  if (!edited) { listen(); }
  window.setInterval(refresh, intervalMs);
  document.addEventListener("visibilitychange", refresh);
})();
