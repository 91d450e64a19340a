"""Forms of the authentication flows. Checks only: the writes are in services/auth.py."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from allegra.accounts import throttling, two_factor
from allegra.accounts.validators import validate_screen_name

EMAIL_MAX = 254


class EmailField(forms.EmailField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", EMAIL_MAX)
        kwargs.setdefault("label", _("Email address"))
        super().__init__(**kwargs)
        self.widget.attrs.update(autocomplete="email", autocapitalize="none", spellcheck="false")

    def clean(self, value):
        value = super().clean(value)
        return value.lower() if value else value


class PasswordField(forms.CharField):
    def __init__(self, *, autocomplete="new-password", **kwargs):
        kwargs.setdefault("max_length", 128)
        kwargs.setdefault("strip", False)
        super().__init__(widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}), **kwargs)


class SignUpForm(forms.Form):
    email = EmailField()
    screen_name = forms.CharField(
        label=_("Screen name"),
        min_length=2,
        max_length=40,
        validators=[validate_screen_name],
        help_text=_("How we greet you. It need not be your real name."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    password1 = PasswordField(label=_("Password"), help_text=password_validation.password_validators_help_text_html)
    password2 = PasswordField(label=_("Password again"))

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            # The similarity check compares with what the person typed; the account does not exist yet.
            probe = get_user_model()(email=cleaned.get("email") or "", screen_name=cleaned.get("screen_name") or "")
            try:
                password_validation.validate_password(first, user=probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's login form (session rotated at login) with the email as the user name."""

    username = EmailField(widget=forms.EmailInput(attrs={"autofocus": True}))
    password = PasswordField(label=_("Password"), autocomplete="current-password")

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong email or password. If you have just signed up, open the link we emailed you first."),
    }


class PasswordResetRequestForm(forms.Form):
    email = EmailField()


class ResetPasswordForm(SetPasswordForm):
    """Django's set-password form: two fields, validated with every password validator."""


class PasswordConfirmedForm(forms.Form):
    """A form a signed-in customer confirms with their password.

    Wrong passwords count as failed logins of the account (throttling.py): a borrowed session cannot be
    used to guess the password here instead of on the login page.
    """

    password = PasswordField(label=_("Your password"), autocomplete="current-password")

    def __init__(self, *args, user, request=None, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        throttling.check(self.request, self.user.email)
        if not self.user.check_password(password):
            throttling.record_failure(self.request, self.user.email)
            raise forms.ValidationError(_("Your password is not right."), code="wrong_password")
        return password


class EmailChangeForm(PasswordConfirmedForm):
    new_email = EmailField(label=_("New email address"))
    field_order = ["new_email", "password"]

    def clean_new_email(self):
        new_email = self.cleaned_data["new_email"]
        if new_email == self.user.email.lower():
            raise forms.ValidationError(_("That is already your email address."), code="same_email")
        return new_email


class StepUpForm(PasswordConfirmedForm):
    """The password again, and the two-factor code when the account has an authenticator: for what a session
    left open on a shared computer must not be enough for (deleting the account, taking a copy of everything)."""

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


class DeleteAccountForm(StepUpForm):
    """The password (and the two-factor code where the account has one): deleting the account is confirmed by it."""
