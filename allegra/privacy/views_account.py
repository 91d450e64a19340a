"""A signed-in person's copy of their data (R3.copy): ask for it, follow it, download it.

Every page is `private, no-store`. A copy is found only by its owner: anyone else (another customer, staff,
a guest on the download) gets a 404, never a hint that the copy exists.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from allegra.accounts.views.auth import site_url
from allegra.accounts.views.profile import account_page, render_account
from allegra.privacy import data_copy, data_copy_selectors
from allegra.privacy.forms import DataCopyForm

# Seconds between reloads of the status page while the copy is being prepared.
REFRESH_SECONDS = 5


@account_page
@require_http_methods(["GET", "POST"])
def copy_start(request):
    form = DataCopyForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        copy = data_copy.start_data_copy(user=request.user, language=get_language(), site_url=site_url(request))
        messages.success(request, _("We are preparing a copy of your data. We will email you when it is ready."))
        return redirect("privacy_account:copy-status", public_id=copy.public_id)
    return render_account(
        request,
        "privacy/data_copy/start.html",
        "accounts:privacy",
        {"form": form, "copies": data_copy_selectors.copies_for(request.user)},
    )


@account_page
@require_GET
def copy_status(request, public_id):
    copy = data_copy_selectors.copy_of(request.user, public_id)
    if copy is None:
        raise Http404
    response = render_account(
        request,
        "privacy/data_copy/status.html",
        "accounts:privacy",
        {"copy": copy, "downloadable": copy.is_downloadable(), "refresh_seconds": REFRESH_SECONDS},
    )
    if copy.in_progress:
        # The browser reloads the page until the copy is ready (no script needed).
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@cache_control(private=True, no_store=True)
@require_GET
def copy_download(request, public_id):
    # Not login_required: a guest gets the same 404 as anyone else, not a login page naming the copy.
    copy = data_copy_selectors.downloadable_copy(request.user, public_id)
    if copy is None:
        raise Http404
    content = data_copy.open_copy(copy)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="allegra-my-data-{copy.created_at:%Y-%m-%d}.zip"'
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    return response
