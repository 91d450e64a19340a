// Progressive enhancement for the storefront. Every page works without this file: forms submit with GET
// and reload. With it, the filter form and the variant choice fetch the same URL and swap only the part of
// the page that changes (the element named by the form's data-enhance attribute).
(function () {
  "use strict";
  document.documentElement.classList.replace("no-js", "js");

  var pending = null;

  function swap(form) {
    var targetId = form.getAttribute("data-enhance");
    var target = document.getElementById(targetId);
    if (!target || !window.fetch || !window.DOMParser) { form.submit(); return; }
    var params = new URLSearchParams(new FormData(form));
    // Empty fields only clutter the address; the server ignores them anyway.
    Array.from(params.keys()).forEach(function (key) { if (!params.get(key)) params.delete(key); });
    var url = form.action.split("?")[0] + (params.toString() ? "?" + params : "");
    if (pending) pending.abort();
    pending = new AbortController();
    target.setAttribute("aria-busy", "true");
    fetch(url, { signal: pending.signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById(targetId);
        if (!fresh) { window.location.assign(url); return; }
        // A keyboard user who changed the sort order inside the swapped part keeps their place.
        var focused = document.activeElement && target.contains(document.activeElement) ? document.activeElement.id : "";
        target.replaceWith(fresh);
        if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
        document.title = page.title;
        history.replaceState(null, "", url);
      })
      .catch(function (error) { if (error.name !== "AbortError") window.location.assign(url); })
      .finally(function () { target.removeAttribute("aria-busy"); });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-enhance")) return;
    swap(form);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-enhance")) return;
    event.preventDefault();
    swap(form);
  });

  // On phones the filter panel starts folded unless filters are in use; on wide screens it is always open.
  var panel = document.querySelector("details[data-collapsible]");
  if (panel && window.matchMedia("(max-width: 959px)").matches) panel.removeAttribute("open");
})();
