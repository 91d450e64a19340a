"""Forms for the customer's own profile and address book.

Plain forms, not model forms: the stored columns are ciphertext without a length, so the limits that keep
over-long input out live here, and the services receive clean, normalised values only.
"""

import datetime
import re

import phonenumbers
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from allegra.accounts.models import Address, Gender

# Nobody alive was born more than this many years ago; an older date is a typo, not a customer.
OLDEST_AGE_YEARS = 120
PHONE_DEFAULT_REGION = "GR"
# Long enough for any real number written with spaces, dashes and a "+30" prefix.
PHONE_INPUT_MAX_LENGTH = 32
GREEK_POSTCODE = re.compile(r"^\d{5}$")
# Other countries: letters, digits, spaces and dashes (UK "SW1A 1AA", Canada "K1A 0B1", US "12345-6789").
OTHER_POSTCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]*$")


def normalise_telephone(raw: str) -> str:
    """The number in E.164 ("+306912345678"); a number without a country code is read as Greek.

    Raises ValidationError for anything phonenumbers does not accept as a real, dialable number.
    """
    message = _("Enter a valid telephone number, for example 691 234 5678 or +30 691 234 5678.")
    try:
        number = phonenumbers.parse(raw, PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise forms.ValidationError(message, code="invalid_telephone") from None
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(message, code="invalid_telephone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_telephone(e164: str) -> str:
    """A stored E.164 number written the way people read it ("+30 691 234 5678")."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier; 29 February falls back to the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class TelephoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PHONE_INPUT_MAX_LENGTH)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_telephone(value) if value else ""


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    telephone = TelephoneField(label=_("Telephone"), help_text=_("A Greek number needs no +30."))
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", _("Not given")), *Gender.choices], required=False)
    hometown = forms.CharField(label=_("Hometown"), max_length=100, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
    )

    def clean_date_of_birth(self) -> datetime.date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born is None:
            return None
        today = timezone.localdate()
        if born >= today:
            raise forms.ValidationError(_("Your date of birth must be in the past."), code="future")
        if born < years_before(today, OLDEST_AGE_YEARS):
            raise forms.ValidationError(
                _("Please check the year: that date is more than %(years)s years ago.") % {"years": OLDEST_AGE_YEARS},
                code="too_old",
            )
        return born


class AddressForm(forms.Form):
    kind = forms.ChoiceField(label=_("Use for"), choices=Address.Kind.choices, initial=Address.Kind.SHIPPING)
    label = forms.CharField(
        label=_("Label"),
        max_length=50,
        required=False,
        help_text=_("A name for you to recognise it, for example “Home” or “Office”."),
    )
    recipient_name = forms.CharField(
        label=_("Recipient's name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    street = forms.CharField(
        label=_("Street"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    number = forms.CharField(label=_("Number"), max_length=20, required=False)
    city = forms.CharField(
        label=_("City or town"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "text"}),
    )
    region = forms.CharField(
        label=_("Region"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=lambda: list(countries),
        initial="GR",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    telephone = TelephoneField(label=_("Telephone for the courier"))
    is_default = forms.BooleanField(label=_("Make this my default address of this kind"), required=False)

    def clean(self):
        cleaned = super().clean()
        postcode = (cleaned.get("postcode") or "").strip()
        country = cleaned.get("country")
        if postcode and country:
            try:
                cleaned["postcode"] = normalise_postcode(postcode, country)
            except forms.ValidationError as error:
                self.add_error("postcode", error)
        return cleaned


def normalise_postcode(raw: str, country: str) -> str:
    """Greek postcodes are five digits ("10563"; "105 63" is accepted and written without the space)."""
    if country == "GR":
        compact = raw.replace(" ", "")
        if not GREEK_POSTCODE.match(compact):
            raise forms.ValidationError(
                _("A Greek postcode has five digits, for example 105 63."), code="invalid_postcode"
            )
        return compact
    cleaned = " ".join(raw.split()).upper()
    if not OTHER_POSTCODE.match(cleaned):
        raise forms.ValidationError(
            _("A postcode has only letters, digits, spaces and dashes."), code="invalid_postcode"
        )
    return cleaned
