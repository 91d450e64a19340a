"""Data-subject requests (R3, R4): what a person asked for, how they were verified, where the request stands and
every step it went through.

The person is an account (`user`) or, without one, an email address kept encrypted with a blind index to find
the requests of an address. The reference ("PR-" and 10 random characters) is what the person and staff quote;
the public id is the only identifier in a URL.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allegra.core.fields import EncryptedTextField

REFERENCE_PREFIX = "PR-"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


class SubjectRequest(models.Model):
    class Kind(models.TextChoices):
        # The request types of CCPA regulations §7102's metrics, in the GDPR's words.
        ACCESS = "access", _("See what you hold on me")
        COPY = "copy", _("A copy of my data")
        CORRECT = "correct", _("Correct my data")
        ERASE = "erase", _("Delete my data")
        RESTRICT = "restrict", _("Restrict the processing of my data")
        OPT_OUT = "opt_out", _("Stop marketing and sharing")
        # Q2: a complaint about how the shop handles personal data runs the same course (due date, outcome).
        COMPLAINT = "complaint", _("A complaint about how you handle my data")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        IN_PROGRESS = "in_progress", _("In progress")
        EXTENDED = "extended", _("Extended")
        COMPLETED = "completed", _("Completed")
        DENIED = "denied", _("Denied")

    class Channel(models.TextChoices):
        ACCOUNT = "account", _("Account settings")
        WEBFORM = "webform", _("Web form")
        AGENT = "agent", _("Authorised agent")

    class Verification(models.TextChoices):
        SESSION = "session", _("Signed in to the account")
        EMAIL_LINK = "email_link", _("Link sent to the email address")
        MATCHING = "matching", _("Order number, email and postcode matched")

    class DenialReason(models.TextChoices):
        UNVERIFIABLE = "unverifiable", _("The identity could not be verified")
        NOT_FROM_PERSON = "not_from_person", _("The request did not come from the person or their agent")
        EXEMPT = "exempt", _("Exempt by law")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        WHOLE = "whole", _("Complied with in whole")
        PART = "part", _("Complied with in part")

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_reference, editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("request"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=30, choices=State.choices, default=State.RECEIVED, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subject_requests",
    )
    email = EncryptedTextField(_("email"))
    email_index = models.CharField(_("email address (keyed hash)"), max_length=64, db_index=True, editable=False)
    name = EncryptedTextField(_("name"), blank=True, default="")
    details = EncryptedTextField(_("details"), blank=True, default="")
    language = models.CharField(_("language"), max_length=8, default="el")

    verification = models.CharField(_("verified by"), max_length=20, choices=Verification.choices, blank=True)
    verification_attempts = models.PositiveSmallIntegerField(_("verification attempts"), default=0)

    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    # The clock stops while the identity is unverified (POLICY-SPEC): the pause is recorded and moves the due dates.
    paused_days = models.PositiveIntegerField(_("days paused for verification"), default=0)
    due_at = models.DateTimeField(_("due"), db_index=True)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    denial_reason = models.CharField(_("reason for denial"), max_length=20, choices=DenialReason.choices, blank=True)
    denial_text = models.TextField(_("explanation"), blank=True)
    # What was done, for the person (e.g. what an erasure kept and why); no personal data of anyone else.
    result_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        indexes = [models.Index(fields=["state", "due_at"], name="request_queue")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state not in (self.State.COMPLETED, self.State.DENIED)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class RequestEvent(models.Model):
    """One step of a request: the state it moved to, who moved it and when. Notes hold no personal data."""

    class ActorKind(models.TextChoices):
        PERSON = "person", _("The person")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")

    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(_("by"), max_length=10, choices=ActorKind.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_state} -> {self.to_state}"
