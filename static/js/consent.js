// The cookie banner and the cookie settings, enhanced. Without this file every form posts and the server
// redirects back to the page. With it the choice is posted in place (no reload), the banner goes, focus
// moves to the page's content, and the scripts the server now allows (its list, never guessed here) load.
(function () {
  "use strict";

  var script = document.currentScript;

  var returnFocus = null;
  var status = null;

  function announce(message) {
    if (!status) {
      status = document.createElement("div");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = "";
    // A fresh text node after a tick, so screen readers announce it even when it repeats.
    window.setTimeout(function () { status.textContent = message || ""; }, 50);
  }

  function focusHeading(layer) {
    var heading = layer && layer.querySelector(".consent-title");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function showChooseLayer(banner) {
    var first = banner.querySelector("#consent-first");
    var choose = banner.querySelector("#consent-choose");
    if (!choose) return;
    if (first) first.hidden = true;
    banner.hidden = false;
    choose.hidden = false;
    banner.scrollIntoView({ block: "start" });
    focusHeading(choose);
  }

  function closeButton(label, banner) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "consent-close";
    button.textContent = label;
    button.addEventListener("click", function () { closeBanner(banner); });
    return button;
  }

  function closeBanner(banner) {
    banner.remove();
    var target = returnFocus && document.body.contains(returnFocus) ? returnFocus : document.getElementById("main");
    returnFocus = null;
    if (target) target.focus();
  }

  // The footer's "Cookie settings": the banner's Choose layer in place. After a choice the page has no
  // banner any more, so the settings page's own form is fetched (it shows the current choice ticked).
  function openSettings(link) {
    var banner = document.querySelector("[data-consent-banner]");
    if (banner) { showChooseLayer(banner); return; }
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var form = page.querySelector("form[data-consent-form]");
        if (!form) throw new Error("no form");
        form.classList.remove("consent-layer-page");
        var section = document.createElement("section");
        section.id = "consent-banner";
        section.className = "consent-banner";
        section.setAttribute("data-consent-banner", "");
        section.setAttribute("aria-label", link.textContent.trim());
        var inner = document.createElement("div");
        inner.className = "consent-inner";
        inner.appendChild(document.adoptNode(form));
        inner.appendChild(closeButton(link.getAttribute("data-close-label") || "×", section));
        section.appendChild(inner);
        var skip = document.querySelector(".skip-link");
        if (skip) skip.after(section); else document.body.prepend(section);
        showChooseLayer(section);
      })
      .catch(function () { window.location.assign(link.href); });
  }

  function loadScripts(urls) {
    (urls || []).forEach(function (url) {
      if (typeof url !== "string" || url.charAt(0) !== "/" || url.charAt(1) === "/") return;
      var known = Array.prototype.some.call(document.scripts, function (script) {
        return script.getAttribute("src") === url;
      });
      if (known) return;
      var script = document.createElement("script");
      script.src = url;
      script.defer = true;
      document.head.appendChild(script);
    });
  }

  function applied(form, data) {
    loadScripts(data.scripts);
    var performance = form.querySelector('input[name="performance"]');
    var advertising = form.querySelector('input[name="advertising"]');
    if (performance) performance.checked = !!data.performance;
    if (advertising) advertising.checked = !!data.advertising;
    var banner = form.closest("[data-consent-banner]");
    if (banner) {
      closeBanner(banner);
    } else {
      var saved = document.querySelector("[data-consent-status]");
      if (saved) {
        // Emptied first, so a second save with the same message is announced again.
        saved.textContent = "";
        window.setTimeout(function () { saved.textContent = data.message || ""; }, 50);
      }
    }
    if (banner || !document.querySelector("[data-consent-status]")) announce(data.message);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    var opener = target.closest("[data-consent-open-choose]");
    if (opener) {
      var banner = opener.closest("[data-consent-banner]");
      if (banner) { event.preventDefault(); showChooseLayer(banner); }
      return;
    }
    var link = target.closest("[data-consent-settings-link]");
    if (link && window.fetch && window.DOMParser) {
      var here = document.querySelector("form[data-consent-form].consent-layer-page");
      event.preventDefault();
      returnFocus = link;
      if (here) { focusHeading(here); return; }
      openSettings(link);
    }
  });

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Global Privacy Control announced to scripts (navigator.globalPrivacyControl) counts like the Sec-GPC header
  // the server already honours: the refusal of advertising is recorded once, and the banner says so (S5).
  function honourScriptGpc() {
    if (!script || navigator.globalPrivacyControl !== true || script.hasAttribute("data-gpc-honoured")) return;
    var url = script.getAttribute("data-gpc-url");
    var token = csrfToken();
    if (!url || !token || !window.fetch) return;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token, "X-Requested-With": "fetch" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.message) return;
        var actions = document.querySelector("#consent-first .consent-actions");
        if (!actions || actions.parentNode.querySelector(".consent-gpc")) return;
        var notice = document.createElement("p");
        notice.className = "consent-gpc";
        notice.textContent = data.message;
        actions.parentNode.insertBefore(notice, actions);
      })
      .catch(function () { /* the header, where the browser sends it, is honoured by the server anyway */ });
  }
  honourScriptGpc();

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-consent-form]") || form.hasAttribute("data-native")) return;
    if (!window.fetch || !window.URLSearchParams) return;
    event.preventDefault();
    var submitter = event.submitter;
    var body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (button) { button.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        buttons.forEach(function (button) { button.disabled = false; });
        applied(form, data);
      })
      .catch(function () {
        // The server refused or could not be reached: the plain form post shows the reason as a page.
        buttons.forEach(function (button) { button.disabled = false; });
        form.setAttribute("data-native", "");
        if (form.requestSubmit && submitter) form.requestSubmit(submitter); else form.submit();
      });
  });
})();
