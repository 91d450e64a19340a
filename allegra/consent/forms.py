"""The customer's cookie choices on "My privacy" (K6): two checkboxes, nothing pre-ticked by us.

A forged or malformed post (an unknown category, a value that is not a checkbox's, a field sent twice) is
refused as a whole: the ledger is proof, so it records only what a person could have ticked on the page.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from allegra.consent.purposes import PURPOSE_MAX_CHARS, marketing_purposes

# The explanation shown above the checkboxes; its exact words (in the page's language) are stored with each
# choice made here (`notice_text`), so the template must render this text and nothing else in its place.
ACCOUNT_NOTICE = _(
    "Functional cookies are always on: they keep you signed in, your cart, your language and this choice. "
    "Performance cookies let us count visits, searches and clicks on our own shop so we can improve it; "
    "no other company receives them. Social media and advertising cookies let us measure our campaigns and "
    "show you our jewellery elsewhere. Tick what you allow and save; untick and save to withdraw. "
    "Your choice applies to this browser and to your account."
)

# What a ticked checkbox sends (browsers send "on"); an unticked one sends nothing.
TICKED = frozenset({"on", "1", "true"})
FIELDS = ("performance", "advertising")
# Sent by every form of the shop, not a choice.
IGNORED = frozenset({"csrfmiddlewaretoken"})


class RawCheckboxInput(forms.CheckboxInput):
    """Hands the posted value to the field as sent: Django's checkbox turns any string but "false" into True."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictCheckbox(forms.BooleanField):
    """A checkbox that refuses any value a browser's checkbox does not send (Django's would read "no" as True)."""

    widget = RawCheckboxInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value in (None, "", False):
            return False
        if value is True or (isinstance(value, str) and value.strip().lower() in TICKED):
            return True
        raise ValidationError(_("This is not a value of a checkbox."), code="invalid")


class AccountConsentForm(forms.Form):
    performance = StrictCheckbox(label=_("Performance: statistics of our own shop"))
    advertising = StrictCheckbox(label=_("Social media and advertising"))

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.notice_text = str(ACCOUNT_NOTICE)
        if data is not None:
            unknown = sorted(set(data.keys()) - set(FIELDS) - IGNORED)
            repeated = [name for name in FIELDS if len(data.getlist(name)) > 1] if hasattr(data, "getlist") else []
            self._unknown, self._repeated = unknown, repeated

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "_unknown", None):
            raise ValidationError(_("Unknown cookie category."), code="unknown")
        if getattr(self, "_repeated", None):
            raise ValidationError(_("Each category can be sent only once."), code="repeated")
        return cleaned


# Shown above the withdraw buttons of "My privacy" (U2); stored with each withdrawal made there as its notice.
PURPOSE_WITHDRAW_NOTICE = _(
    "You can withdraw any of these consents with one click. We stop from that moment; what we did before "
    "stays lawful. You can give your consent again whenever you like."
)


class PurposeWithdrawForm(forms.Form):
    """One click on "My privacy" withdraws one marketing purpose. Only a marketing purpose of the registry is
    accepted, and nothing else may be posted with it."""

    purpose = forms.CharField(max_length=PURPOSE_MAX_CHARS)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.notice_text = str(PURPOSE_WITHDRAW_NOTICE)
        self._extra = sorted(set(data.keys()) - {"purpose"} - IGNORED) if data is not None else []
        self._repeated = hasattr(data, "getlist") and len(data.getlist("purpose")) > 1

    def clean_purpose(self):
        key = self.cleaned_data["purpose"]
        if key not in {purpose.key for purpose in marketing_purposes()}:
            raise ValidationError(_("Unknown purpose."), code="unknown")
        return key

    def clean(self):
        cleaned = super().clean()
        if self._extra or self._repeated:
            raise ValidationError(_("Only one purpose can be withdrawn at a time."), code="extra")
        return cleaned
