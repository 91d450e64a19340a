// First-party analytics (C6, K2). The server includes this script only when the visitor allowed
// performance cookies, so it never has to guess. It reports page views, searches and clicks on product
// links to /a/events, batched; it reads nothing about the device beyond the language and time zone the
// browser announces anyway (no canvas, fonts, screen or plugin probing: no fingerprinting).
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = (script && script.getAttribute("data-endpoint")) || "/a/events";
  var queue = [];
  var MAX_BATCH = 20;
  var FLUSH_EVERY_MS = 5000;

  function timeZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }
  var common = {
    language: (navigator.language || "").slice(0, 35),
    tz: timeZone().slice(0, 64)
  };

  function push(event) {
    event.path = location.pathname.slice(0, 300);
    event.language = common.language;
    event.tz = common.tz;
    queue.push(event);
    if (queue.length >= MAX_BATCH) flush();
  }

  function flush() {
    if (!queue.length) return;
    var body = JSON.stringify({ events: queue.splice(0, MAX_BATCH) });
    // text/plain: sendBeacon's simple type, which the endpoint accepts; no preflight, no cookies cross-site.
    var sent = false;
    if (navigator.sendBeacon) {
      try { sent = navigator.sendBeacon(endpoint, new Blob([body], { type: "text/plain" })); } catch (e) { sent = false; }
    }
    if (!sent && window.fetch) {
      fetch(endpoint, {
        method: "POST", body: body, keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "text/plain" }
      }).catch(function () {});
    }
    if (queue.length) flush();
  }

  // The page view, with what the page says about itself in data attributes (templates/catalog/*.html).
  var page = document.querySelector("[data-analytics-page]");
  var view = { kind: "page_view", referrer: (document.referrer || "").slice(0, 2048) };
  if (page && page.getAttribute("data-analytics-product")) view.product = page.getAttribute("data-analytics-product");
  push(view);
  if (page && page.hasAttribute("data-analytics-query") && page.getAttribute("data-analytics-first-page") === "1") {
    push({
      kind: "search",
      query: page.getAttribute("data-analytics-query").slice(0, 200),
      results: parseInt(page.getAttribute("data-analytics-results"), 10) || 0
    });
  }

  // Clicks on product cards inside a list marked data-analytics-list ("search" or "products").
  function productSlug(href) {
    var match = /\/p\/([^\/?#]+)\/?/.exec(href || "");
    return match ? decodeURIComponent(match[1]).slice(0, 140) : "";
  }
  document.addEventListener("click", function (e) {
    var link = e.target && e.target.closest ? e.target.closest("a[href]") : null;
    if (!link) return;
    var list = link.closest("[data-analytics-list]");
    var slug = productSlug(link.getAttribute("href"));
    if (!list || !slug) return;
    var links = Array.prototype.filter.call(list.querySelectorAll("a[href]"), function (a) {
      return productSlug(a.getAttribute("href"));
    });
    var offset = parseInt(list.getAttribute("data-analytics-offset"), 10) || 0;
    var event = { kind: "product_click", product: slug, position: offset + links.indexOf(link) + 1 };
    if (list.getAttribute("data-analytics-list") === "search" && page) {
      event.kind = "search_click";
      event.query = (page.getAttribute("data-analytics-query") || "").slice(0, 200);
      event.results = parseInt(page.getAttribute("data-analytics-results"), 10) || 0;
    }
    push(event); // sent on pagehide, as the link is followed
  }, true);

  // The page view goes out soon after load (a visitor may stay long on one page), then batches every few seconds.
  setTimeout(flush, 1000);
  setInterval(flush, FLUSH_EVERY_MS);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });
  window.addEventListener("pagehide", flush);
})();
