"""Fraud reviews in the back office (U4): the review queue and the approve/cancel actions.

Assessments are read-only: nothing of one can be edited, added or deleted by hand. The only change is a review,
through the "Approve" and "Cancel" actions, which ask for a reason (required) and go through
`services.review` (audited, runs the orders' review hooks). Reviewing needs `fraud.change_fraudassessment`
(Store manager and Consumer services); reading the queue needs `fraud.view_fraudassessment` or the change right.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from allegra.fraud.forms import ReviewReasonForm
from allegra.fraud.models import FraudAssessment
from allegra.fraud.services import ReviewError, hit_reason, review


class ReviewQueueFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("held", _("Held, waiting for review")),
            ("reviewed", _("Reviewed")),
            ("clear", _("Clear")),
        ]

    def queryset(self, request, queryset):
        held = FraudAssessment.Decision.HELD_FOR_REVIEW
        if self.value() == "held":
            return queryset.filter(decision=held, review_decision="")
        if self.value() == "reviewed":
            return queryset.filter(decision=held).exclude(review_decision="")
        if self.value() == "clear":
            return queryset.filter(decision=FraudAssessment.Decision.CLEAR)
        return queryset


@admin.register(FraudAssessment)
class FraudAssessmentAdmin(admin.ModelAdmin):
    list_display = ["order_reference", "created_at", "score", "decision", "review_decision", "reviewed_by"]
    list_filter = [ReviewQueueFilter, "decision", "review_decision", "created_at"]
    search_fields = ["=order_reference"]
    search_help_text = _("Search by order reference.")
    date_hierarchy = "created_at"
    fields = [
        "order_reference",
        "created_at",
        "score",
        "decision",
        "rules_hit",
        "review_decision",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
    ]
    readonly_fields = fields
    actions = ["approve", "cancel"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The change right is the right to review (the actions); no assessment's page is ever an edit form.
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("rules hit"))
    def rules_hit(self, obj: FraudAssessment):
        if not obj.hits:
            return "-"
        rows = [(hit_reason(hit), hit.get("weight", 0)) for hit in obj.hits]
        return format_html_join("\n", "<div>{} (+{})</div>", rows)

    @admin.action(description=_("Approve the selected held orders"), permissions=["change"])
    def approve(self, request, queryset):
        return self._review(request, queryset, FraudAssessment.ReviewDecision.APPROVE)

    @admin.action(description=_("Cancel the selected held orders"), permissions=["change"])
    def cancel(self, request, queryset):
        return self._review(request, queryset, FraudAssessment.ReviewDecision.CANCEL)

    def _review(self, request, queryset, decision: str):
        assessments = list(queryset.order_by("pk"))
        not_pending = [item.order_reference for item in assessments if not item.is_pending_review]
        if not_pending:
            self.message_user(
                request,
                _(
                    "Only held orders waiting for review can be approved or cancelled; not: %(references)s. "
                    "Nothing was changed."
                )
                % {"references": ", ".join(not_pending)},
                messages.ERROR,
            )
            return None
        form = ReviewReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                with transaction.atomic():
                    for assessment in assessments:
                        review(
                            assessment=assessment,
                            decision=decision,
                            reason=form.cleaned_data["reason"],
                            actor=request.user,
                        )
            except ReviewError as error:
                self.message_user(request, f"{error} " + str(_("Nothing was changed.")), messages.ERROR)
                return None
            done = (
                ngettext("%(count)d order approved.", "%(count)d orders approved.", len(assessments))
                if decision == FraudAssessment.ReviewDecision.APPROVE
                else ngettext("%(count)d order cancelled.", "%(count)d orders cancelled.", len(assessments))
            )
            self.message_user(request, done % {"count": len(assessments)}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Approve held orders") if decision == "approve" else _("Cancel held orders"),
            "opts": self.model._meta,
            "assessments": assessments,
            "form": form,
            "action": decision,
            "decision": decision,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(request, "fraud/admin/review.html", context, status=status)
