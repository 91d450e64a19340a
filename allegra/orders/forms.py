from django import forms
from django.utils.translation import gettext_lazy as _

from allegra.orders.models import NUMBER_PREFIX, OrderState


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"), max_length=20, help_text=_("As in your confirmation email, e.g. AJ-7KQ3M9XW2P.")
    )
    email = forms.EmailField(label=_("Email address used for the order"), max_length=254)

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip().upper()
        if not number.startswith(NUMBER_PREFIX):
            number = NUMBER_PREFIX + number
        return number


class StateChangeForm(forms.Form):
    """The back office's state change: staff pick the next state; shipping needs the carrier and tracking."""

    to = forms.ChoiceField(
        label=_("New state"),
        choices=[
            (OrderState.IN_FULFILMENT, OrderState.IN_FULFILMENT.label),
            (OrderState.SHIPPED, OrderState.SHIPPED.label),
            (OrderState.DELIVERED, OrderState.DELIVERED.label),
            (OrderState.CANCELLED, OrderState.CANCELLED.label),
        ],
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
