/* The checkout form (templates/checkout/checkout.html). Everything works without this script; with it:
   - the order summary follows the chosen way of delivery (the server rendered each option's fee and totals
     into data attributes, so nothing is computed here);
   - the place-order button is disabled after the first press (the server is idempotent anyway: a second post
     of the same form finds the first order). */
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  if (!form) return;

  function show(id, text) {
    var node = document.getElementById(id);
    if (node && text) node.textContent = text;
  }

  function follow(radio) {
    show("summary-fee", radio.dataset.fee);
    var total = document.querySelector("#summary-total strong");
    if (total && radio.dataset.total) total.textContent = radio.dataset.total;
    show("summary-net", radio.dataset.net);
    show("summary-vat", radio.dataset.vat);
  }

  form.querySelectorAll("input[name=shipping_method]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (radio.checked) follow(radio);
    });
  });

  var billing = form.querySelector("details.checkout-billing");
  form.querySelectorAll("input[name=billing_choice]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (billing && radio.checked) billing.open = radio.value === "new";
    });
  });

  form.addEventListener("submit", function () {
    var button = document.getElementById("place-order");
    if (button) {
      // After the submit has started: disabling it first would drop the button from the form data.
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });
})();
