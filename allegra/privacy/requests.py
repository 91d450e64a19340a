"""Data-subject requests (R3, R4): receiving, verifying and working them through their states.

States: received -> awaiting verification -> verified -> in progress -> (extended) -> completed or denied.
A request from a signed-in account is verified by its session (the account pages re-ask the password before a
copy or an erasure); one from the web form by a sealed link to the email address given, or at once when the
order number, email and postcode match an order (R4.verify) — the shop apps answer that question through
`identity_matchers`, since privacy imports no shop app. Every step is a `RequestEvent`, an entry in the audit
log, and, where it concerns the person, an email in their language.

Deadlines (`deadlines.py`): the due date is the earliest that applies, moved forward by the days the request
waited for verification (the pause is recorded on the request and in its steps).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allegra.core import audit, encryption, sealed_links
from allegra.core.email import send_templated_email
from allegra.privacy.deadlines import deadlines_for, extension_allowed
from allegra.privacy.models.agents import remove_agent_document
from allegra.privacy.models.requests import RequestEvent, SubjectRequest

logger = logging.getLogger(__name__)

Kind = SubjectRequest.Kind
State = SubjectRequest.State
EMAIL_INDEX_PURPOSE = "privacy.request-email"
VERIFY_LINK_CONTEXT = "privacy.request-verify"
DETAILS_MAX_CHARS = 2000
NAME_MAX_CHARS = 150


class RequestError(ValueError):
    """A request cannot be made or moved as asked; the message says why, in the person's or staff's words."""


class IdentityMatchers:
    """Functions the shop apps register to answer "does this order number, email and postcode belong together?"
    (orders registers one at startup). Privacy asks them without knowing the shop's models."""

    def __init__(self) -> None:
        self._matchers: list[Callable[..., bool]] = []

    def register(self, matcher: Callable[..., bool]) -> None:
        if matcher not in self._matchers:
            self._matchers.append(matcher)

    def unregister(self, matcher: Callable[..., bool]) -> None:
        if matcher in self._matchers:
            self._matchers.remove(matcher)

    def match(self, *, order_number: str, email: str, postcode: str) -> bool:
        return any(m(order_number=order_number, email=email, postcode=postcode) for m in self._matchers)


identity_matchers = IdentityMatchers()


def email_index(email: str) -> str:
    return encryption.blind_index(email, purpose=EMAIL_INDEX_PURPOSE)


def _site_url() -> str:
    return (settings.SITE_URL or "").rstrip("/")


def _step(request: SubjectRequest, to_state: str, *, actor=None, note: str = "", from_state: str | None = None):
    kind = (
        RequestEvent.ActorKind.SYSTEM
        if actor is None
        else RequestEvent.ActorKind.STAFF
        if actor.is_staff
        else RequestEvent.ActorKind.PERSON
    )
    RequestEvent.objects.create(
        request=request,
        from_state=request.state if from_state is None else from_state,
        to_state=to_state,
        actor=actor if actor is not None and actor.pk else None,
        actor_kind=kind,
        note=note[:2000],
    )
    audit.record_access(
        # The staff log names staff; a step of the person's own is logged under them as the subject only, so the
        # log (whose actor link protects the account) never stands in the way of erasing them.
        actor=actor if kind == RequestEvent.ActorKind.STAFF else None,
        subject=request.user if request.user_id else request,
        action="change",
        fields=[f"subject_request.{to_state}"],
        reason=f"{request.reference} {request.kind}",
    )


def _notify(request: SubjectRequest, template: str, **context) -> None:
    """Emails the person after the commit, in the request's language, never to an agent's address alone."""
    values = {"request": request, "site_url": _site_url(), **context}
    transaction.on_commit(
        lambda: send_templated_email(to=request.email, template=template, context=values, language=request.language)
    )


def _status_link(request: SubjectRequest) -> str:
    with translation.override(request.language):
        if request.user_id:
            return _site_url() + reverse("privacy_requests:account-list")
        return ""


def _clean(text: str, limit: int, message: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise RequestError(message)
    return text


@transaction.atomic
def submit_request(
    *,
    kind: str,
    email: str,
    channel: str,
    language: str,
    user=None,
    name: str = "",
    details: str = "",
    order_number: str = "",
    postcode: str = "",
    agent_name: str = "",
) -> SubjectRequest:
    """Receives a request. A signed-in account's is verified by its session; otherwise an order number and
    postcode matching an order with that email verify it at once, else a link goes to the email address.
    Whether the address is known to the shop is never told. A request an authorised agent files (channel AGENT,
    `agent_name` said in the email) is never verified by order details the agent typed: the person confirms it
    by the link sent to their own address."""
    if kind not in Kind.values:
        raise RequestError(_("Choose what you are asking for."))
    if channel not in SubjectRequest.Channel.values:
        raise RequestError(_("The request could not be received. Please try again."))
    email = (email or "").strip()
    if "@" not in email or len(email) > 254:
        raise RequestError(_("Enter a valid email address."))
    name = _clean(name, NAME_MAX_CHARS, _("The name is too long."))
    details = _clean(details, DETAILS_MAX_CHARS, _("Please describe the request in at most 2000 characters."))
    if kind == Kind.CORRECT and not details:
        raise RequestError(_("Say what should be corrected, and how."))
    signed_in = user is not None and user.is_authenticated
    now = timezone.now()
    deadlines = deadlines_for(kind=kind, received_at=now)
    request = SubjectRequest.objects.create(
        kind=kind,
        channel=channel,
        user=user if signed_in else None,
        email=email,
        email_index=email_index(email),
        name=name,
        details=details,
        language=language,
        received_at=now,
        due_at=deadlines.due,
    )
    _step(request, State.RECEIVED, actor=user if signed_in else None, from_state="")
    if signed_in:
        _verify(request, method=SubjectRequest.Verification.SESSION, actor=user)
    elif (
        channel != SubjectRequest.Channel.AGENT  # an agent's typed order details prove nothing of the person
        and order_number
        and postcode
        and _matches(request, order_number=order_number, postcode=postcode)
    ):
        _verify(request, method=SubjectRequest.Verification.MATCHING, actor=None)
    else:
        _await_verification(request, agent_name=agent_name)
    return request


def _matches(request: SubjectRequest, *, order_number: str, postcode: str) -> bool:
    request.verification_attempts += 1
    request.save(update_fields=["verification_attempts"])
    return identity_matchers.match(
        order_number=order_number.strip().upper(), email=request.email, postcode=postcode.replace(" ", "").upper()
    )


def _await_verification(request: SubjectRequest, *, agent_name: str = "") -> None:
    request.state = State.AWAITING_VERIFICATION
    request.save(update_fields=["state"])
    _step(request, State.AWAITING_VERIFICATION, from_state=State.RECEIVED, note="clock paused until verified")
    _notify(request, "privacy_request_verify", link=verify_link(request), agent_name=agent_name)


def verify_link(request: SubjectRequest, *, now: float | None = None) -> str:
    token = sealed_links.seal(request.public_id, purpose=VERIFY_LINK_CONTEXT, now=now)
    with translation.override(request.language):
        return _site_url() + reverse("privacy_requests:verify", kwargs={"token": token})


def _verify(request: SubjectRequest, *, method: str, actor) -> SubjectRequest:
    now = timezone.now()
    waited = now - request.received_at
    # Whole days the request waited for the person to prove who they are: the clock did not run meanwhile.
    paused = 0 if method == SubjectRequest.Verification.SESSION else math.floor(waited.total_seconds() / 86400)
    request.paused_days = paused
    request.due_at = deadlines_for(kind=request.kind, received_at=request.received_at, paused_days=paused).due
    request.verification = method
    request.verified_at = now
    previous = request.state
    request.state = State.VERIFIED
    request.save(update_fields=["paused_days", "due_at", "verification", "verified_at", "state"])
    note = f"verified by {method}" + (f"; clock paused {paused} day(s)" if paused else "")
    _step(request, State.VERIFIED, actor=actor, note=note, from_state=previous)
    _notify(request, "privacy_request_update", step="received", link=_status_link(request))
    return request


class InvalidVerificationLink(Exception):
    """Forged, damaged, expired, or for a request that no longer waits for verification."""


def verify_by_link(token: str) -> SubjectRequest:
    """The person opened the emailed link: the request is verified. A link works once, for
    PRIVACY_REQUEST_VERIFY_SECONDS; anything else raises InvalidVerificationLink and changes nothing."""
    try:
        public_id = sealed_links.unseal(
            token, purpose=VERIFY_LINK_CONTEXT, max_age=settings.PRIVACY_REQUEST_VERIFY_SECONDS
        )
    except sealed_links.InvalidSeal:
        raise InvalidVerificationLink from None
    with transaction.atomic():
        request = SubjectRequest.objects.select_for_update().filter(public_id=public_id).first()
        if request is None or request.state != State.AWAITING_VERIFICATION:
            raise InvalidVerificationLink
        return _verify(request, method=SubjectRequest.Verification.EMAIL_LINK, actor=None)


# Staff steps --------------------------------------------------------------------------------------------------


def _locked(request: SubjectRequest) -> SubjectRequest:
    return SubjectRequest.objects.select_for_update().get(pk=request.pk)


def _move(request: SubjectRequest, allowed: tuple[str, ...], to_state: str, *, actor, note: str = ""):
    if request.state not in allowed:
        raise RequestError(
            _("A request that is “%(state)s” cannot be moved to “%(to)s”.")
            % {"state": State(request.state).label, "to": State(to_state).label}
        )
    previous = request.state
    request.state = to_state
    _step(request, to_state, actor=actor, note=note, from_state=previous)


@transaction.atomic
def start_work(*, request: SubjectRequest, actor) -> SubjectRequest:
    request = _locked(request)
    _move(request, (State.VERIFIED,), State.IN_PROGRESS, actor=actor)
    request.save(update_fields=["state"])
    return request


@transaction.atomic
def extend(*, request: SubjectRequest, actor, reason: str) -> SubjectRequest:
    """Up to two more months, with a written reason sent to the person; only within the first period."""
    request = _locked(request)
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Write the reason for the extension: the person receives it."))
    if not extension_allowed(
        kind=request.kind, received_at=request.received_at, now=timezone.now(), paused_days=request.paused_days
    ):
        raise RequestError(
            _("This request can no longer be extended: the extension must be sent within the first period.")
        )
    _move(request, (State.VERIFIED, State.IN_PROGRESS), State.EXTENDED, actor=actor, note="extended")
    request.extended_at = timezone.now()
    request.extension_reason = reason
    request.due_at = deadlines_for(
        kind=request.kind, received_at=request.received_at, paused_days=request.paused_days
    ).extended_due
    request.save(update_fields=["state", "extended_at", "extension_reason", "due_at"])
    _notify(request, "privacy_request_update", step="extended", link=_status_link(request))
    return request


@transaction.atomic
def complete(*, request: SubjectRequest, actor, outcome: str, note: str = "", notify: bool = True) -> SubjectRequest:
    """Closes the request as complied with in whole or in part; `note` tells the person what was done (by email
    unless `notify` is off: an erasure tells the person itself, before their address is gone)."""
    request = _locked(request)
    if outcome not in SubjectRequest.Outcome.values:
        raise RequestError(_("Say whether the request was complied with in whole or in part."))
    if outcome == SubjectRequest.Outcome.PART and not (note or "").strip():
        raise RequestError(_("Explain to the person what could not be done, and why."))
    _move(request, (State.VERIFIED, State.IN_PROGRESS, State.EXTENDED), State.COMPLETED, actor=actor, note=outcome)
    request.outcome = outcome
    request.result_note = (note or "").strip()
    if request.kind == Kind.CORRECT:
        # R3.correct: the note names the fields staff corrected (never their values).
        from allegra.privacy.staff_desk import corrected_fields_note

        corrected = corrected_fields_note(request)
        if corrected and corrected not in request.result_note:
            request.result_note = f"{request.result_note}\n{corrected}".strip()
    request.closed_at = timezone.now()
    request.save(update_fields=["state", "outcome", "result_note", "closed_at"])
    remove_agent_document(request)  # an agent's signed permission is needed only until staff decide
    if notify:
        _notify(request, "privacy_request_update", step="completed", link=_status_link(request))
    return request


@transaction.atomic
def deny(*, request: SubjectRequest, actor, reason: str, text: str = "") -> SubjectRequest:
    """Denies with a reason from the fixed list (and words of its own for "other"), told to the person."""
    request = _locked(request)
    if reason not in SubjectRequest.DenialReason.values:
        raise RequestError(_("Choose the reason for the denial."))
    if reason == SubjectRequest.DenialReason.OTHER and not (text or "").strip():
        raise RequestError(_("Explain the reason for the denial."))
    open_states = (State.RECEIVED, State.AWAITING_VERIFICATION, State.VERIFIED, State.IN_PROGRESS, State.EXTENDED)
    _move(request, open_states, State.DENIED, actor=actor, note=reason)
    request.denial_reason = reason
    request.denial_text = (text or "").strip()
    request.closed_at = timezone.now()
    request.save(update_fields=["state", "denial_reason", "denial_text", "closed_at"])
    remove_agent_document(request)
    _notify(request, "privacy_request_update", step="denied", link=_status_link(request))
    return request
