"""Views of the authentication flows: thin, the writes are in services/auth.py.

No page here is ever page-cached (they are not decorated, and the cache skips visitors with a session).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from allegra.accounts.forms.auth import (
    DeleteAccountForm,
    EmailChangeForm,
    LoginForm,
    PasswordResetRequestForm,
    ResetPasswordForm,
    SignUpForm,
)
from allegra.accounts.services import auth as services
from allegra.cart import services as cart_services
from allegra.consent import services as consent_services
from allegra.wishlist import services as wishlist_services


def site_url(request) -> str:
    """Where links in emails point: the configured SITE_URL, else the host this request came to."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def account_home_url() -> str:
    # accounts:home belongs to the profile pages; until it exists, a signed-in customer lands on the shop.
    try:
        return reverse("accounts:home")
    except NoReverseMatch:
        return reverse("catalog:home")


def language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect(account_home_url())
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.sign_up(
            email=form.cleaned_data["email"],
            screen_name=form.cleaned_data["screen_name"],
            password=form.cleaned_data["password1"],
            site_url=site_url(request),
            language=language(),
        )
        return redirect("accounts:sign_up_done")
    return render(request, "accounts/auth/sign_up.html", {"form": form})


def sign_up_done(request):
    return render(request, "accounts/auth/sign_up_done.html")


@never_cache
def verify(request, token: str):
    try:
        services.verify_email(token=token, current_user=request.user)
    except services.InvalidLink:
        return render(request, "accounts/auth/invalid_link.html", status=400)
    messages.success(request, _("Your email address is verified. You can sign in now."))
    return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/auth/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return account_home_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        # The browser's cookie choices join the account's ledger; the newer choice is the one in force (K6, S5).
        state = consent_services.attach_browser_to_account(request=self.request, user=form.get_user())
        if state is not None:
            consent_services.remember_choice(response, state)
        # The guest's cart merges into the account's; a piece saved before logging in is saved now (C5).
        cart_services.adopt_guest_cart_and_count(request=self.request, user=form.get_user())
        wishlist_services.add_pending_after_login(request=self.request, user=form.get_user())
        return response


@require_http_methods(["POST"])
def logout_view(request):
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("catalog:home")


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(
            email=form.cleaned_data["email"], site_url=site_url(request), language=language()
        )
        # Same answer whether or not the address has an account.
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/auth/password_reset.html", {"form": form})


def password_reset_done(request):
    return render(request, "accounts/auth/password_reset_done.html")


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request, token: str):
    try:
        user = services.check_reset_token(token=token)
    except services.InvalidLink:
        return render(request, "accounts/auth/invalid_link.html", status=400)
    form = ResetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(token=token, password=form.cleaned_data["new_password1"])
        except services.InvalidLink:
            return render(request, "accounts/auth/invalid_link.html", status=400)
        messages.success(request, _("Your password is changed. Sign in with the new one."))
        return redirect("accounts:login")
    return render(request, "accounts/auth/password_reset_confirm.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view: checks the old password, validates the new one, keeps this session signed in."""

    template_name = "accounts/auth/password_change.html"

    def get_success_url(self):
        return reverse("accounts:password_change")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


@sensitive_post_parameters("password")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def email_change(request):
    form = EmailChangeForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        services.request_email_change(
            user=request.user,
            new_email=form.cleaned_data["new_email"],
            site_url=site_url(request),
            language=language(),
        )
        messages.success(
            request,
            _("We sent a link to the new address. Your email changes once you open it; until then, nothing changes."),
        )
        return redirect("accounts:email_change")
    return render(request, "accounts/auth/email_change.html", {"form": form})


@login_required
@never_cache
def email_change_confirm(request, token: str):
    try:
        services.confirm_email_change(user=request.user, token=token)
    except services.InvalidLink:
        return render(request, "accounts/auth/invalid_link.html", status=400)
    except services.EmailTaken:
        return render(request, "accounts/auth/email_taken.html", status=409)
    messages.success(request, _("Your email address is changed."))
    return redirect("accounts:email_change")


@sensitive_post_parameters("password")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user=user, language=language())
        messages.success(request, _("Your account is deleted. We have sent a confirmation to your email."))
        return redirect("catalog:home")
    return render(request, "accounts/auth/delete_account.html", {"form": form})
