"""The customer changes their cookie choices (K6) and withdraws marketing consents (U2) from "My privacy". Thin:
the form checks, the service writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from allegra.consent import services
from allegra.consent.forms import AccountConsentForm, PurposeWithdrawForm
from allegra.consent.models import PurposeSource, Source
from allegra.consent.purposes import get_purpose


@cache_control(private=True, no_store=True)
@login_required
@require_POST
def change_choices(request):
    """Records the ticked categories as the account's choice (source: account settings), puts it in this
    browser's cookie too, and goes back to "My privacy". Withdrawing is the same form with a box unticked."""
    form = AccountConsentForm(request.POST)
    if not form.is_valid():
        # Only a forged or broken post gets here (the page sends two checkboxes): nothing is recorded.
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(
            _("Your choice was not saved: %(errors)s") % {"errors": errors},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    state = services.record_choice(
        request=request,
        performance=form.cleaned_data["performance"],
        advertising=form.cleaned_data["advertising"],
        source=Source.ACCOUNT_SETTINGS,
        notice_text=form.notice_text,
    )
    messages.success(request, _("Your cookie choices are saved."))
    response = redirect("accounts:privacy")
    services.remember_choice(response, state)
    return response


@cache_control(private=True, no_store=True)
@login_required
@require_POST
def withdraw_purpose(request):
    """Withdraws one marketing purpose for the account with one click (source: account settings; withdrawing is
    as easy as giving, U2) and goes back to "My privacy". Withdrawing what was never given records it anyway:
    the refusal is proof too, and the click costs the customer nothing."""
    form = PurposeWithdrawForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(
            _("Your choice was not saved: %(errors)s") % {"errors": errors},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    purpose = form.cleaned_data["purpose"]
    services.record_purpose_consent(
        request=request,
        purpose=purpose,
        granted=False,
        source=PurposeSource.ACCOUNT_SETTINGS,
        notice_text=form.notice_text,
        user=request.user,
    )
    messages.success(request, _("Withdrawn: %(purpose)s.") % {"purpose": get_purpose(purpose).label})
    return redirect("accounts:privacy")
