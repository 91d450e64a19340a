/* The card form (templates/payments/card_form.html): card data goes to the payment provider only.
   The script posts the card fields as JSON to the provider's tokenization endpoint, then submits a second form
   to the shop carrying nothing but the returned token. Without JavaScript the card form posts to the provider
   itself, which sends the browser back to the shop with the token. */
(function () {
  "use strict";

  function showError(section, message) {
    var box = section.querySelector("[data-card-error]");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  function onSubmit(event) {
    var form = event.currentTarget;
    var section = form.closest(".card-payment") || document;
    var payForm = document.getElementById(form.dataset.payForm);
    if (!payForm || !window.fetch) return; // let the form go to the provider's page
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var data = {};
    ["number", "exp_month", "exp_year", "cvc", "name"].forEach(function (name) {
      data[name] = form.elements[name].value;
    });
    fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "omit",
      body: JSON.stringify(data),
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok || !result.body.id) {
          var box = section.querySelector("[data-card-error]");
          showError(section, (result.body.error && result.body.error.message) || (box && box.dataset.fallback) || "");
          if (button) button.disabled = false;
          return;
        }
        // Clear the card fields before leaving the page, so nothing of them stays in the browser's form state.
        ["number", "cvc"].forEach(function (name) { form.elements[name].value = ""; });
        payForm.elements.token.value = result.body.id;
        payForm.submit();
      })
      .catch(function () {
        if (button) button.disabled = false;
        form.submit();
      });
  }

  document.querySelectorAll("form[data-card-form]").forEach(function (form) {
    form.addEventListener("submit", onSubmit);
  });
})();
