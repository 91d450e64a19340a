from django import forms
from django.utils.translation import gettext_lazy as _

from allegra.fraud.services import REASON_MAX_CHARS


class ReviewReasonForm(forms.Form):
    """The reason staff give when they approve or cancel held orders (required; it goes to the audit log)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Why you approve or cancel: it is kept with the review and in the audit log."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for the review."))
        return reason
