"""The back office: Django's admin, reachable only by active staff verified by a second factor (R1).

Logging in is two steps. The password step is the admin's usual login form (so the authentication backends,
including login throttling, apply unchanged). A staff user who passed it but has no verified device in this
session is then sent to the second step: setting up an authenticator app if they have none, otherwise
entering a code from it (or a recovery code). Until then every admin page treats them as not staff
(`OTPAdminSite.has_permission`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite

from allegra.accounts.two_factor import has_confirmed_device


def awaits_second_factor(request) -> bool:
    """An active staff user who passed the password step but has no verified device in this session."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    # Right after `auth.login` request.user is the bare user, without OTPMiddleware's `is_verified`.
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class BackofficeAdminSite(OTPAdminSite):
    site_header = "Allegra Jewels"
    site_title = "Allegra Jewels"
    # The password is asked alone; the second factor is its own step (see the module docstring).
    login_form = AdminAuthenticationForm
    login_template = None

    def __init__(self, name: str = "admin"):
        super().__init__(name)

    def second_factor_url(self, request) -> str:
        step = "two_factor_verify" if has_confirmed_device(request.user) else "two_factor_setup"
        url = reverse(f"{self.name}:{step}", current_app=self.name)
        index = reverse(f"{self.name}:index", current_app=self.name)
        return f"{url}?{urlencode({'next': safe_next(request, index)})}"

    def login(self, request, extra_context=None):
        if awaits_second_factor(request):
            return HttpResponseRedirect(self.second_factor_url(request))
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 302 and awaits_second_factor(request):
            return HttpResponseRedirect(self.second_factor_url(request))
        return response

    def get_urls(self):
        from allegra.core import backoffice_views as views

        urls = [
            path("two-factor/setup/", views.setup, {"site": self}, name="two_factor_setup"),
            path("two-factor/verify/", views.verify, {"site": self}, name="two_factor_verify"),
            path("two-factor/cancel/", views.cancel, {"site": self}, name="two_factor_cancel"),
            path(
                "two-factor/recovery-codes/",
                self.admin_view(views.recovery_codes),
                {"site": self},
                name="two_factor_recovery_codes",
            ),
        ]
        return urls + super().get_urls()
