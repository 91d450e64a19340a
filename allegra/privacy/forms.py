"""Forms of the privacy centre: a request from anyone (the web form), from an account, a copy of one's data,
and the staff's steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from allegra.accounts.forms.auth import StepUpForm
from allegra.privacy import agents
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
        help_text=_(
            "The address you used with us. We send the confirmation link there. An agent gives the person's "
            "address: the person confirms the request themselves."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    details = forms.CharField(
        label=_("Details"),
        max_length=DETAILS_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a correction: what is wrong and what it should say. Your profile and addresses you can correct "
            "yourself, in your account."
        ),
    )
    order_number = forms.CharField(
        label=_("Order number (optional)"),
        max_length=20,
        required=False,
        help_text=_("With the postcode of that order, it confirms who you are at once."),
    )
    postcode = forms.CharField(label=_("Postcode of that order (optional)"), max_length=16, required=False)
    # R4.agent: someone the person authorised files the request for them.
    by_agent = forms.BooleanField(label=_("I am an authorised agent acting for this person"), required=False)
    agent_name = forms.CharField(label=_("Your name, as the agent"), max_length=NAME_MAX_CHARS, required=False)
    agent_email = forms.EmailField(
        label=_("Your email address, as the agent"),
        max_length=254,
        required=False,
        help_text=_("We only confirm to you that the request was received; we answer the person."),
    )
    agent_document = forms.FileField(
        label=_("The person's signed permission"),
        required=False,
        help_text=_("A PDF, JPEG or PNG file, at most 5 MB, signed by the person."),
        error_messages={"empty": _("The signed permission is empty. Upload the signed PDF, JPEG or PNG file.")},
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    AGENT_FIELDS = ("by_agent", "agent_name", "agent_email", "agent_document")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("by_agent"):
            cleaned["agent_document"] = None
            return cleaned
        if not (cleaned.get("agent_name") or "").strip() and "agent_name" not in self.errors:
            self.add_error("agent_name", _("Give your name as the agent."))
        if not cleaned.get("agent_email") and "agent_email" not in self.errors:
            self.add_error("agent_email", _("Give your email address as the agent."))
        if "agent_document" not in self.errors:
            try:
                cleaned["agent_document"] = agents.read_upload(cleaned.get("agent_document"))
            except agents.AgentError as error:
                self.add_error("agent_document", str(error))
        return cleaned


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
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Needed with the password, since your account uses an authenticator app."),
    )

    def __init__(self, *args, needs_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]


class CarryOutForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Carry out this request now (a copy is built, data erased, processing restricted or marketing "
            "stopped, as the request says)"
        )
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


class DataCopyForm(StepUpForm):
    """Starting a copy of one's data re-asks the password, and the two-factor code when the account has one:
    a session left open on a shared computer is not enough to take everything the shop holds."""


class CorrectionForm(forms.Form):
    """A correction staff made (R3.correct): the field, from the personal-data map, and its value before and after."""

    field = forms.ChoiceField(label=_("Field corrected"), choices=())
    before = forms.CharField(
        label=_("Value before"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    after = forms.CharField(
        label=_("Value after"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        from allegra.privacy.staff_desk import correctable_fields

        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "---------"), *correctable_fields()]
