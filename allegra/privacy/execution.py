"""Carrying out a verified request in one click (the Privacy officer's "Carry out" in the back office).

- access and copy: the person's copy of their data is built in the background (`data_copy`); they get an email
  with the link when it is ready; the request is completed now, saying so.
- erase: `erasure.erase_subject` as the personal-data map says; the person gets the erasure report (what was
  deleted, what the law makes us keep and until when) by email, and the request is closed without a second
  email (their address is pseudonymised by the erasure itself).
- restrict: the restriction of processing is set (`restriction.restrict`).
- opt out: the marketing-email and personalisation purposes are withdrawn in the consent ledger, with the
  request's reference as the text shown.
- correct and complaints are answered by hand: staff make the change (before and after go in the note the
  person receives) and complete the request.

A person without an account (a guest who only ordered) is served the same way by their email address: the copy
holds what the map finds by it (guest orders, consents given with the address, what hangs off those) and reaches
them by a sealed link in the "ready" email; the erasure erases and pseudonymises the same rows. When the map finds
nothing, the copy is still made and sent: "we hold nothing on you" is a valid answer to the right of access
(GDPR Art. 15(1): confirmation whether data is processed), given the same way as any other, which also tells
nobody else whether the address is known.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from allegra.privacy import requests as workflow
from allegra.privacy.models.requests import SubjectRequest

Kind = SubjectRequest.Kind
State = SubjectRequest.State
READY = (State.VERIFIED, State.IN_PROGRESS, State.EXTENDED)


def carry_out(*, request: SubjectRequest, actor) -> SubjectRequest:
    if request.state not in READY:
        raise workflow.RequestError(_("Only a verified request can be carried out."))
    if request.kind in (Kind.CORRECT, Kind.COMPLAINT):
        raise workflow.RequestError(
            _("Corrections and complaints are answered by hand: make the change, then complete the request.")
        )
    with translation.override(request.language):
        if request.kind in (Kind.ACCESS, Kind.COPY):
            return _copy(request, actor)
        if request.kind == Kind.ERASE:
            return _erase(request, actor)
        if request.kind == Kind.RESTRICT:
            return _restrict(request, actor)
        return _opt_out(request, actor)


def _copy(request: SubjectRequest, actor) -> SubjectRequest:
    from allegra.privacy.data_copy import start_data_copy

    with transaction.atomic():
        start_data_copy(
            user=request.user,
            email=None if request.user is not None else request.email,
            request_reference=request.reference,
            language=request.language,
        )
        note = _("Your copy of your data is being prepared; we email you a link to download it when it is ready.")
        return workflow.complete(request=request, actor=actor, outcome=SubjectRequest.Outcome.WHOLE, note=note)


def _erase(request: SubjectRequest, actor) -> SubjectRequest:
    from allegra.privacy.erasure import erase_subject

    with transaction.atomic():
        report = erase_subject(
            user=request.user,
            email="" if request.user is not None else request.email,
            actor=actor,
            reason=f"request {request.reference}",
            language=request.language,
            notify=True,
        )
        kept = "; ".join(f"{line.name} ({line.until})" for line in report.kept)
        note = _("Your data is erased.")
        if kept:
            note += " " + _("Kept as the law requires, detached from you: %(kept)s") % {"kept": kept}
        request.refresh_from_db()
        return workflow.complete(
            request=request, actor=actor, outcome=SubjectRequest.Outcome.WHOLE, note=note, notify=False
        )


def _restrict(request: SubjectRequest, actor) -> SubjectRequest:
    from allegra.privacy.restriction import restrict

    with transaction.atomic():
        if request.user is not None:
            restrict(user=request.user, by=actor, reason=request.reference)
        else:
            restrict(email=request.email, by=actor, reason=request.reference)
        note = _("The processing of your data is restricted: no marketing, personalisation, analytics or profiling.")
        return workflow.complete(request=request, actor=actor, outcome=SubjectRequest.Outcome.WHOLE, note=note)


def _opt_out(request: SubjectRequest, actor) -> SubjectRequest:
    from allegra.consent.models import PurposeSource
    from allegra.consent.purposes import MARKETING_EMAIL, MARKETING_PERSONALISATION
    from allegra.consent.services import record_purpose_consent

    text = _("Privacy request %(reference)s: stop marketing and sharing.") % {"reference": request.reference}
    with transaction.atomic():
        for purpose in (MARKETING_EMAIL, MARKETING_PERSONALISATION):
            record_purpose_consent(
                purpose=purpose,
                granted=False,
                source=PurposeSource.STAFF_RECORDED,
                notice_text=text,
                user=request.user,
                email=None if request.user is not None else request.email,
                recorded_by=actor,
            )
        note = _("We no longer send you marketing or personalise it, and we share your data with no one for it.")
        return workflow.complete(request=request, actor=actor, outcome=SubjectRequest.Outcome.WHOLE, note=note)
