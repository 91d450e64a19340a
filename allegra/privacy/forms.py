"""Forms of the privacy centre: a request from anyone (the web form), from an account, and the staff's steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from allegra.privacy.models.requests import SubjectRequest
from allegra.privacy.requests import DETAILS_MAX_CHARS, NAME_MAX_CHARS


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you asking for?"), choices=SubjectRequest.Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX_CHARS, required=False)
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address you used with us. We send the confirmation link there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    details = forms.CharField(
        label=_("Details"),
        max_length=DETAILS_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a correction: what is wrong and what it should say."),
    )
    order_number = forms.CharField(
        label=_("Order number (optional)"),
        max_length=20,
        required=False,
        help_text=_("With the postcode of that order, it confirms who you are at once."),
    )
    postcode = forms.CharField(label=_("Postcode of that order (optional)"), max_length=16, required=False)


class AccountRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you asking for?"), choices=SubjectRequest.Kind.choices, widget=forms.RadioSelect
    )
    details = RequestForm.base_fields["details"]
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed for a copy of your data and for deleting it."),
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension (sent to the person)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=SubjectRequest.Outcome.choices)
    note = forms.CharField(
        label=_("What was done (sent to the person)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class DenyForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=SubjectRequest.DenialReason.choices)
    text = forms.CharField(
        label=_("Explanation (sent to the person)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
