"""The back office's second login step: set up an authenticator app, enter a code, recovery codes (R1)."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from allegra.accounts import two_factor
from allegra.core.admin_site import awaits_second_factor, safe_next


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )


def second_factor_step(view):
    """Only for staff who passed the password step and still lack the second factor."""

    @wraps(view)
    @never_cache
    @csrf_protect
    def wrapper(request, site):
        index = reverse(f"{site.name}:index", current_app=site.name)
        if not awaits_second_factor(request):
            if request.user.is_authenticated and request.user.is_staff and request.user.is_active:
                return HttpResponseRedirect(safe_next(request, index))
            return HttpResponseRedirect(reverse(f"{site.name}:login", current_app=site.name))
        return view(request, site, safe_next(request, index))

    return wrapper


def _context(request, site, **extra):
    # Unverified users get the admin's look without its navigation (they may not use it yet).
    return {**site.each_context(request), "is_nav_sidebar_enabled": False, "available_apps": [], **extra}


@second_factor_step
def setup(request, site, next_url):
    if two_factor.has_confirmed_device(request.user):
        url = reverse(f"{site.name}:two_factor_verify", current_app=site.name)
        return HttpResponseRedirect(f"{url}?{request.GET.urlencode()}")
    device = two_factor.pending_totp_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_totp_device(device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            # Shown in this response only: the codes are not kept anywhere the page could show them again.
            context = _context(request, site, title=_("Your recovery codes"), codes=codes, next_url=next_url)
            return render(request, "backoffice/recovery_codes.html", context)
        form.add_error("code", _("That code is not right. Check the time on your phone and try the newest code."))
    context = _context(
        request,
        site,
        title=_("Set up two-factor authentication"),
        form=form,
        qr_svg=two_factor.qr_code_svg(device),
        secret=two_factor.manual_secret(device),
        next_url=next_url,
    )
    return render(request, "backoffice/two_factor_setup.html", context)


@second_factor_step
def verify(request, site, next_url):
    if not two_factor.has_confirmed_device(request.user):
        url = reverse(f"{site.name}:two_factor_setup", current_app=site.name)
        return HttpResponseRedirect(f"{url}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_code(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                codes_url = reverse(f"{site.name}:two_factor_recovery_codes", current_app=site.name)
                link = format_html('<a href="{}">{}</a>', codes_url, _("Make new recovery codes"))
                text = _("You used a recovery code; %(left)d are left.") % {"left": left}
                messages.warning(request, format_html("{} {}", text, link))
            return HttpResponseRedirect(next_url)
        form.add_error("code", _("That code is not right, or too many tries were made. Wait a moment and retry."))
    context = _context(request, site, title=_("Two-factor authentication"), form=form, next_url=next_url)
    return render(request, "backoffice/two_factor_verify.html", context)


@never_cache
@csrf_protect
def cancel(request, site):
    """Logs out a staff user stuck at the second step (the admin's own logout needs a verified user)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    logout(request)
    return HttpResponseRedirect(reverse(f"{site.name}:login", current_app=site.name))


@csrf_protect
def recovery_codes(request, site):
    """Verified staff make a new set of recovery codes; the old set stops working."""
    context = _context(request, site, title=_("Recovery codes"), next_url=reverse(f"{site.name}:index"))
    context["available_apps"] = site.get_app_list(request)
    if request.method == "POST":
        context["codes"] = two_factor.new_recovery_codes(request.user)
        return render(request, "backoffice/recovery_codes.html", context)
    return render(request, "backoffice/recovery_codes.html", context)
