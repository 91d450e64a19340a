"""The bundled test payment service provider ("psp"): another company's system that happens to run in this process.

It stands for a card processor the shop would contract with, so it is kept apart as if it ran elsewhere:
- it imports nothing from the shop (no `allegra.*` module); the shop reaches it only over its HTTP API
  (allegra/payments/client.py), and it reaches the shop only by POSTing signed webhooks to the URL the shop gave;
- its tables are its own (`psp_*`, from the app label) and the shop never reads them;
- its secrets come from settings named `PSP_*`, read only here (allegra/psp/conf.py): `PSP_API_KEY` (the secret
  key the shop authenticates with, as `Authorization: Bearer ...`), `PSP_WEBHOOK_SECRET` (signs webhooks) and
  `PSP_FINGERPRINT_KEY` (keys the card fingerprints). In development and tests, when unset, each is derived from
  SECRET_KEY and a public label, so a fresh checkout works without configuration; production must set them.

What it keeps of a card (PCI DSS would allow more; it keeps less): a keyed fingerprint (HMAC-SHA256) of the card
number, the brand, the last 4 digits, the expiry and the test outcome decided from the number at tokenization.
Never the full number, never the CVC (it is checked for shape and dropped), never the cardholder's name.

Test cards (any future expiry, any 3-digit CVC, 4 digits for American Express):
  4242 4242 4242 4242  succeeds             4000 0000 0000 0002  declined (card_declined)
  4000 0000 0000 9995  insufficient_funds   4000 0000 0000 3220  3-D Secure challenge page (Pass or Fail)
  4000 0000 0000 0119  provider error (502, nothing charged)
Any other number that passes the Luhn check and has a known brand succeeds.

Endpoints (mounted at /psp/):
  POST /psp/tokens                         browser-facing tokenization (JSON or form; CORS-open, no cookies)
  GET  /psp/card?return_url=...            hosted card page for browsers without JavaScript (posts to /psp/tokens)
  GET/POST /psp/challenge/<id>/<secret>    3-D Secure challenge page (Pass / Fail)
  POST /psp/v1/payment_intents             server to server (bearer key, Idempotency-Key header)
  GET  /psp/v1/payment_intents/<id>
  POST /psp/v1/payment_intents/<id>/confirm
  POST /psp/v1/refunds                     (Idempotency-Key header)
Webhooks: JSON {id, type, created, data} POSTed to the intent's webhook URL by a django-tasks task, signed as
`PSP-Signature: t=<unix time>,v1=<hex HMAC-SHA256(PSP_WEBHOOK_SECRET, "<t>.<body>")>`.
"""
