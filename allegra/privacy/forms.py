"""Forms of the privacy pages a signed-in person uses."""

from django import forms
from django.utils.translation import gettext_lazy as _

from allegra.accounts import two_factor
from allegra.accounts.forms.auth import PasswordConfirmedForm


class DataCopyForm(PasswordConfirmedForm):
    """Starting a copy of one's data re-asks the password, and the two-factor code when the account has one:
    a session left open on a shared computer is not enough to take everything the shop holds."""

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, user=user, request=request, **kwargs)
        self.needs_code = two_factor.has_confirmed_device(user)
        if self.needs_code:
            self.fields["code"] = forms.CharField(
                label=_("Code from your authenticator app, or a recovery code"),
                max_length=32,
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            )

    def clean(self):
        cleaned = super().clean()
        # The code is checked only after a right password: a wrong one must not use up a recovery code.
        checkable = self.needs_code and "password" in cleaned and "code" in cleaned
        if checkable and two_factor.verify_code(self.user, cleaned["code"]) is None:
            self.add_error("code", _("That code is not right."))
        return cleaned
