"""The customer restricts the processing of their data, or lifts the restriction, from "My privacy" (R3.restrict).

Thin: the form checks, `allegra.privacy.restriction` writes (and logs who and when). The page itself is
accounts:privacy.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from allegra.privacy import restriction
from allegra.privacy.models.restriction import REASON_MAX_CHARS


class RestrictionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        required=False,
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example: you dispute that the data we hold is accurate, or you objected to it."),
    )


def _refused(form) -> HttpResponse:
    # Only a forged or broken post gets here (the page's only field is limited in length): nothing is changed.
    errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
    return HttpResponse(
        _("Nothing was changed: %(errors)s") % {"errors": errors},
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@cache_control(private=True, no_store=True)
@login_required
@require_POST
def restrict_processing(request):
    form = RestrictionForm(request.POST)
    if not form.is_valid():
        return _refused(form)
    if restriction.is_restricted(user=request.user):
        messages.info(request, _("The processing of your data is already restricted."))
    else:
        restriction.restrict(user=request.user, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _(
                "The processing of your data is restricted: no marketing, personalisation or analytics until you "
                "lift it. Your orders go on as before."
            ),
        )
    return redirect("accounts:privacy")


@cache_control(private=True, no_store=True)
@login_required
@require_POST
def lift_restriction(request):
    if restriction.lift(user=request.user, by=request.user):
        messages.success(
            request, _("The restriction is lifted: your earlier choices about marketing and cookies apply again.")
        )
    else:
        messages.info(request, _("The processing of your data was not restricted."))
    return redirect("accounts:privacy")
