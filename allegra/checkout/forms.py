"""The checkout form: contact details, addresses (typed in, or picked from a customer's address book), shipping
method, acceptance of the terms and the soft opt-in box (U2).

One page, one POST, no JavaScript needed. The form reads only what the shopper chooses; prices, totals and
quantities are never read from it (the cart and the catalogue give them, on the server). The address sub-forms
are validated only when they are used: a customer who picks a saved address does not have to fill the blank one.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from allegra.accounts.forms.profile import AddressForm, TelephoneField
from allegra.accounts.models import Address
from allegra.checkout.services import MARKETING_OPT_OUT_TEXT
from allegra.orders.models import ShippingMethod
from allegra.orders.services import AddressInput, ContactInput

NEW = "new"
SAME = "same"
IDEMPOTENCY_KEY_BYTES = 24


def new_idempotency_key() -> str:
    """One per checkout form shown: the same form posted twice carries the same key, hence one order."""
    return secrets.token_urlsafe(IDEMPOTENCY_KEY_BYTES)


class CheckoutAddressForm(AddressForm):
    """The account's address form without what only the address book needs; the telephone is the contact's."""

    kind = None
    label = None
    is_default = None
    telephone = None

    def as_input(self, *, telephone: str) -> AddressInput:
        data = self.cleaned_data
        return AddressInput(
            recipient_name=data["recipient_name"].strip(),
            street=data["street"].strip(),
            number=data.get("number", "").strip(),
            city=data["city"].strip(),
            postcode=data["postcode"],
            country=data["country"],
            region=data.get("region", "").strip(),
            telephone=telephone,
        )


def address_input(address: Address, *, telephone: str) -> AddressInput:
    return AddressInput(
        recipient_name=address.recipient_name,
        street=address.street,
        number=address.number,
        city=address.city,
        postcode=address.postcode,
        country=str(address.country),
        region=address.region,
        telephone=address.telephone or telephone,
    )


def _address_choice_label(address: Address) -> str:
    line = " ".join(part for part in (address.street, address.number) if part)
    place = " ".join(part for part in (address.postcode, address.city) if part)
    name = f"{address.label}: " if address.label else ""
    return f"{name}{address.recipient_name}, {line}, {place}"


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("For your order confirmation and the invoice."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    telephone = TelephoneField(
        label=_("Telephone"), required=True, help_text=_("For the courier, only about this order.")
    )
    shipping_method = forms.ChoiceField(
        label=_("Delivery"), choices=ShippingMethod.choices, initial=ShippingMethod.COURIER, widget=forms.RadioSelect
    )
    shipping_choice = forms.ChoiceField(label=_("Deliver to"), required=False, widget=forms.RadioSelect)
    billing_choice = forms.ChoiceField(label=_("Billing address"), required=False, widget=forms.RadioSelect)
    save_addresses = forms.BooleanField(label=_("Save new addresses in my address book"), required=False)
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of sale."),
        error_messages={"required": _("Please accept the terms of sale to place your order.")},
    )
    marketing_opt_out = forms.BooleanField(label=MARKETING_OPT_OUT_TEXT, required=False)
    # Hidden: a damaged key is no mistake of the shopper's; the page gets a fresh one (views.checkout_page).
    idempotency_key = forms.CharField(
        min_length=16,
        max_length=80,
        widget=forms.HiddenInput,
        error_messages={
            key: _("This form has expired. Please check your details and place the order again.")
            for key in ("required", "min_length", "max_length")
        },
    )

    def __init__(self, *args, addresses=(), fees: dict[str, Decimal] | None = None, signed_in=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.addresses = {str(address.public_id): address for address in addresses}
        self.signed_in = signed_in
        if not signed_in:
            del self.fields["save_addresses"]
        book = [(key, _address_choice_label(address)) for key, address in self.addresses.items()]
        self.fields["shipping_choice"].choices = [*book, (NEW, _("A new address"))]
        self.fields["billing_choice"].choices = [
            (SAME, _("The same as the delivery address")),
            *book,
            (NEW, _("A new address")),
        ]
        self.fields["shipping_choice"].initial = self._default_address(Address.Kind.SHIPPING) or NEW
        self.fields["billing_choice"].initial = SAME
        if fees is not None:
            self.fields["shipping_method"].choices = [
                (method, label) for method, label in ShippingMethod.choices if method in fees
            ]
        prefix = f"{self.prefix}-" if self.prefix else ""
        data = self.data if self.is_bound else None
        self.shipping = CheckoutAddressForm(data, prefix=f"{prefix}shipping")
        self.billing = CheckoutAddressForm(data, prefix=f"{prefix}billing")

    def _default_address(self, kind: str) -> str | None:
        for key, address in self.addresses.items():
            if address.kind == kind and address.is_default:
                return key
        return next((key for key, address in self.addresses.items() if address.kind == kind), None)

    # The sub-forms that this submission uses: a saved address needs no blank form filled.
    def _shipping_is_new(self) -> bool:
        return self.cleaned_data.get("shipping_choice", NEW) in ("", NEW)

    def _billing_is_new(self) -> bool:
        return self.cleaned_data.get("billing_choice") == NEW

    def clean(self):
        cleaned = super().clean()
        for name in ("shipping_choice", "billing_choice"):
            value = cleaned.get(name) or ""
            if value not in ("", NEW, SAME) and value not in self.addresses:
                self.add_error(name, _("Choose one of your addresses or a new one."))
        if cleaned.get("shipping_choice") == SAME:
            self.add_error("shipping_choice", _("Choose one of your addresses or a new one."))
        return cleaned

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not hasattr(self, "cleaned_data"):
            return False
        if self._shipping_is_new():
            valid = self.shipping.is_valid() and valid
        if self._billing_is_new():
            valid = self.billing.is_valid() and valid
        return valid

    def contact(self) -> ContactInput:
        return ContactInput(email=self.cleaned_data["email"].strip(), phone=self.cleaned_data["telephone"])

    def shipping_address(self) -> AddressInput:
        telephone = self.cleaned_data["telephone"]
        if self._shipping_is_new():
            return self.shipping.as_input(telephone=telephone)
        return address_input(self.addresses[self.cleaned_data["shipping_choice"]], telephone=telephone)

    def billing_address(self) -> AddressInput:
        choice = self.cleaned_data.get("billing_choice") or SAME
        if choice == SAME:
            return self.shipping_address()
        if choice == NEW:
            return self.billing.as_input(telephone=self.cleaned_data["telephone"])
        return address_input(self.addresses[choice], telephone=self.cleaned_data["telephone"])

    def new_addresses(self) -> list[tuple[str, AddressInput]]:
        """The addresses typed in on this form, with the kind they were used for (to save in the book)."""
        typed = []
        if self._shipping_is_new():
            typed.append((Address.Kind.SHIPPING, self.shipping_address()))
        if self._billing_is_new():
            typed.append((Address.Kind.BILLING, self.billing_address()))
        return typed
