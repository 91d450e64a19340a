"""The pages of data-subject requests: the public web form (anyone, guests included), the confirmation of the
emailed link, and the account's own requests. Thin: `privacy.requests` does every write.

Nothing here says whether an email address is known to the shop: the web form answers the same page for any
address, and the link goes to the address given. The form is throttled per client network.
"""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from allegra.accounts import two_factor
from allegra.accounts.throttling import client_ip
from allegra.accounts.views.profile import account_page, render_account
from allegra.cart.http import see_other
from allegra.core.throttle import allow_from_network
from allegra.privacy import agents as agent_services
from allegra.privacy import data_copy
from allegra.privacy import metrics as privacy_metrics
from allegra.privacy import requests as services
from allegra.privacy.forms import AccountRequestForm, DataCopyForm, RequestForm
from allegra.privacy.models.requests import SubjectRequest

private = cache_control(private=True, no_store=True)
# Asking again for the password (DESIGN: exports and deletion need it even in a signed-in session).
NEEDS_PASSWORD = (SubjectRequest.Kind.COPY, SubjectRequest.Kind.ERASE)


@private
@require_http_methods(["GET", "HEAD", "POST"])
def request_form(request):
    form = RequestForm(
        request.POST or None, request.FILES or None, initial={"email": getattr(request.user, "email", "")}
    )
    if request.method == "POST":
        if not allow_from_network(
            scope="privacy-request",
            ip=client_ip(request),
            limit=settings.PRIVACY_REQUEST_ATTEMPTS,
            window_seconds=settings.PRIVACY_REQUEST_WINDOW_SECONDS,
        ):
            form.add_error(None, _("Too many requests from your network. Please try again in an hour."))
            return render(request, "privacy/requests/form.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["by_agent"]:
                    # R4.agent: the person confirms it themselves; order details typed by an agent verify nothing.
                    made = agent_services.submit_by_agent(
                        kind=data["kind"],
                        email=data["email"],
                        name=data["name"],
                        details=data["details"],
                        language=get_language(),
                        agent_name=data["agent_name"],
                        agent_email=data["agent_email"],
                        document=data["agent_document"],
                    )
                else:
                    made = services.submit_request(
                        kind=data["kind"],
                        email=data["email"],
                        name=data["name"],
                        details=data["details"],
                        order_number=data["order_number"],
                        postcode=data["postcode"],
                        channel=SubjectRequest.Channel.WEBFORM,
                        language=get_language(),
                        user=None,
                    )
            except services.RequestError as error:
                form.add_error(None, str(error))
            else:
                context = {
                    "reference": made.reference,
                    "verified": made.state == SubjectRequest.State.VERIFIED,
                    "by_agent": made.channel == SubjectRequest.Channel.AGENT,
                }
                return render(request, "privacy/requests/sent.html", context)
        return render(request, "privacy/requests/form.html", {"form": form}, status=400)
    return render(request, "privacy/requests/form.html", {"form": form})


@private
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, token):
    """GET shows a button, POST verifies: mail scanners that open links do not verify on the person's behalf."""
    if request.method != "POST":
        return render(request, "privacy/requests/verify.html", {"token": token})
    try:
        made = services.verify_by_link(token)
    except services.InvalidVerificationLink:
        return render(request, "privacy/requests/verify_invalid.html", status=404)
    return render(request, "privacy/requests/verified.html", {"reference": made.reference})


@account_page
@require_http_methods(["GET", "HEAD", "POST"])
def account_requests(request):
    form = AccountRequestForm(request.POST or None, needs_code=two_factor.has_confirmed_device(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        step_up = DataCopyForm(request.POST, user=request.user, request=request)
        if data["kind"] in NEEDS_PASSWORD and not step_up.is_valid():
            # The same check as the copy page: the password (throttled like a login) and the two-factor code.
            for name, errors in step_up.errors.items():
                for error in errors:
                    form.add_error("password" if name == "password" else None, error)
        else:
            try:
                made = services.submit_request(
                    kind=data["kind"],
                    email=request.user.email,
                    details=data["details"],
                    channel=SubjectRequest.Channel.ACCOUNT,
                    language=get_language(),
                    user=request.user,
                )
            except services.RequestError as error:
                form.add_error(None, str(error))
            else:
                received = _("Your request %(reference)s is received. We answer by email.")
                messages.success(request, received % {"reference": made.reference})
                return see_other(reverse("privacy_requests:account-list"))
    requests = list(SubjectRequest.objects.filter(user=request.user).order_by("-received_at")[:50])
    return render_account(
        request,
        "privacy/requests/account.html",
        "privacy_requests:account-list",
        {"form": form, "requests": requests},
    )


@require_http_methods(["GET", "HEAD"])
def metrics(request):
    """R5 and Q2: the figures of a year (the newest with requests, or ?year=), every year listed."""
    years = privacy_metrics.years_with_requests()
    year = _year_from(request.GET.get("year"), years)
    rows = privacy_metrics.figures_for(year) if year is not None else []
    context = {"years": years, "year": year, "rows": rows, "reasons": SubjectRequest.DenialReason.choices}
    return render(request, "privacy/requests/metrics.html", context)


@require_http_methods(["GET", "HEAD"])
def metrics_csv(request, year: int):
    if year not in privacy_metrics.years_with_requests():
        raise Http404(_("No requests were received that year."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="privacy-requests-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(privacy_metrics.CSV_HEADER)
    writer.writerows(privacy_metrics.csv_rows(year))
    return response


def _year_from(raw: str | None, years: list[int]) -> int | None:
    if raw and raw.isdigit() and int(raw) in years:
        return int(raw)
    return years[0] if years else None


# A guest's copy of their data (R3.copy): no account to sign in to, so the "ready" email's sealed link opens
# that one copy while it lasts. Anything else (a forged, damaged or expired token, an account's copy) is a 404.


@private
@require_http_methods(["GET", "HEAD"])
def guest_copy(request, token):
    copy = data_copy.guest_copy(token)
    if copy is None:
        raise Http404
    return render(request, "privacy/data_copy/guest.html", {"copy": copy, "token": token})


@private
@require_http_methods(["GET", "HEAD"])
def guest_copy_download(request, token):
    copy = data_copy.guest_copy(token)
    if copy is None:
        raise Http404
    content = data_copy.open_copy(copy)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="allegra-my-data-{copy.created_at:%Y-%m-%d}.zip"'
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    return response
