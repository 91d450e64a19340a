"""Restriction of processing (GDPR Art. 18, policy R3.restrict): the one shared check, and setting and lifting it.

`is_restricted(user=..., email=...)` is THE question every path that markets to, personalises for, writes
analytics about or profiles a person asks first. The apps that do so call it (privacy imports none of them):

* analytics: an event of a signed-in customer (the /a/events beacon, the page pixel, server events such as add
  to cart and purchase) and the email open pixel are not written, whatever the cookie consent says
  (`allegra.analytics.services`);
* consent: a restricted person counts as not consenting to `marketing_email` and `marketing_personalisation`
  (`consent.selectors.purpose_granted`), and `consent.services.may_send_marketing` answers no: it is the function
  every marketing send must call;
* checkout: the buyer's soft opt-in choice is still recorded (it is the person's own word and proof of it), but
  it grants nothing while the restriction holds, since the sending side asks `may_send_marketing`.

What continues, by decision (Art. 18(2) allows, besides storage, processing "for the establishment, exercise or
defence of legal claims or for the protection of the rights of another natural or legal person"):

* orders, payments, invoices, delivery and the emails about them: the contract the person asked for, and the
  accounting the law requires (Art. 6(1)(b), (c)); restricting processing must not cost the customer a service
  (R3.equal);
* fraud screening of an order (U4): it protects the shop's and the card holder's rights against a crime and
  underlies the shop's legal claims, which Art. 18(2) keeps allowed; the fraud signals are kept only for their
  own retention (2 years) and are not used for marketing. So `allegra.fraud` does not ask the check;
* security logs, the audit log and legal holds: legal obligations (Art. 6(1)(c), Art. 32);
* keeping the data itself (storage is what restriction leaves), showing it to the person (R3.access, R3.copy)
  and erasing it on request (R3.erase).

The person is an account or, for someone without one, an email address kept only as its keyed hash. An account is
also restricted by a restriction made with its address before it existed (the person asked by the webform).

The check costs one indexed query; the answer for an account is kept on the user object for the rest of the
request (`request.user` is built anew for every request), and `restrict`/`lift` forget it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from allegra.core.audit import Action, record_access
from allegra.core.encryption import blind_index
from allegra.privacy.models.restriction import REASON_MAX_CHARS, ProcessingRestriction

# The blind index's own purpose for addresses in the restriction table (unrelated to any other index).
EMAIL_INDEX_PURPOSE = "privacy.restriction"
# What the audit log names as changed: the restriction of the person's data, not one of their fields.
AUDIT_FIELD = "processing_restriction"
_CACHE_ATTRIBUTE = "_privacy_restriction_cache"


class RestrictionError(ValueError):
    """A restriction that cannot be set or lifted as asked; `str(error)` says why. Nothing was changed."""


def email_index_of(email: str) -> str:
    """The keyed hash of an address in the restriction table (case and outer spaces ignored)."""
    return blind_index(email, purpose=EMAIL_INDEX_PURPOSE)


def _account(user):
    return user if user is not None and getattr(user, "is_authenticated", False) and user.pk else None


def _indexes(user, email: str | None) -> set[str]:
    addresses = {address.strip() for address in (email, getattr(user, "email", "")) if address and address.strip()}
    return {email_index_of(address) for address in addresses}


def _person_filter(user, indexes: set[str]) -> Q:
    condition = Q(email_index__in=sorted(indexes)) if indexes else Q(pk__in=[])
    if user is not None:
        condition |= Q(user=user)
    return condition


def _forget(user) -> None:
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def active_restrictions_of(*, user=None, email: str | None = None):
    """The person's restrictions in force, as a queryset (for a caller that folds the check into its own query
    with `Exists`, as `consent.selectors.purpose_granted` does); none for no person."""
    user = _account(user)
    email = (email or "").strip() or None
    if user is None and email is None:
        return ProcessingRestriction.objects.none()
    return ProcessingRestriction.objects.active().filter(_person_filter(user, _indexes(user, email)))


def is_restricted(*, user=None, email: str | None = None) -> bool:
    """Whether the person (an account, an email address, or both) has restricted the processing of their data.

    One indexed query; for an account the answer is remembered on the user object for the rest of the request.
    No person (an anonymous visitor without an address) is never restricted.
    """
    user = _account(user)
    email = (email or "").strip() or None
    if user is None and email is None:
        return False
    if user is not None:
        cached = getattr(user, _CACHE_ATTRIBUTE, None)
        if cached is not None and email in cached:
            return cached[email]
    answer = ProcessingRestriction.objects.active().filter(_person_filter(user, _indexes(user, email))).exists()
    if user is not None:
        cache = getattr(user, _CACHE_ATTRIBUTE, None) or {}
        cache[email] = answer
        setattr(user, _CACHE_ATTRIBUTE, cache)
    return answer


def active_restriction(*, user=None, email: str | None = None) -> ProcessingRestriction | None:
    """The person's restriction in force, or None (one query); for "My privacy" and the back office."""
    user = _account(user)
    email = (email or "").strip() or None
    if user is None and email is None:
        return None
    queryset = ProcessingRestriction.objects.active().filter(_person_filter(user, _indexes(user, email)))
    return queryset.order_by("-set_at", "-id").first()


def _checked(*, user, email: str | None, reason: str) -> tuple:
    user = _account(user)
    email = (email or "").strip() or None
    if user is None and email is None:
        raise RestrictionError("a restriction belongs to an account or an email address")
    if email is not None:
        try:
            validate_email(email)
        except ValidationError:
            raise RestrictionError("not an email address") from None
    return user, email, _checked_reason(reason)


def _audit_subject(restriction: ProcessingRestriction):
    # The account's public ID; for an address alone its keyed hash (64 characters), never the address.
    return restriction.user if restriction.user_id else restriction.email_index


def restrict(*, user=None, email: str | None = None, by=None, reason: str = "") -> ProcessingRestriction:
    """Restricts the processing of the person's data from now on and returns the restriction in force.

    `by` is who asked: the person themselves, or a staff member (the Privacy officer in the back office); None is
    the system. Already restricted: the restriction in force is returned and nothing new is written. The
    restriction is written to the audit log with who and when. Bad input raises `RestrictionError`.
    """
    user, email, reason = _checked(user=user, email=email, reason=reason)
    with transaction.atomic():
        existing = active_restriction(user=user, email=email)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                restriction = ProcessingRestriction.objects.create(
                    user=user,
                    email_index=email_index_of(email or user.email) if (email or user.email) else "",
                    reason=reason,
                    set_by=_account(by),
                )
        except IntegrityError:
            # Another request restricted the same person a moment ago: theirs is the one in force.
            existing = active_restriction(user=user, email=email)
            if existing is None:
                raise
            return existing
        record_access(
            actor=_account(by),
            subject=_audit_subject(restriction),
            action=Action.CHANGE,
            fields=[AUDIT_FIELD],
            reason=f"processing restricted{': ' + reason if reason else ''}",
        )
    _forget(user)
    return restriction


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_CHARS:
        raise RestrictionError(f"the reason is longer than {REASON_MAX_CHARS} characters")
    return reason


def _lift_locked(restriction: ProcessingRestriction, *, by, reason: str, now) -> None:
    restriction.lifted_at = now
    restriction.lifted_by = _account(by)
    restriction.save(update_fields=["lifted_at", "lifted_by"])
    record_access(
        actor=_account(by),
        subject=_audit_subject(restriction),
        action=Action.CHANGE,
        fields=[AUDIT_FIELD],
        reason=f"processing restriction lifted{': ' + reason if reason else ''}",
    )
    _forget(restriction.user)


def lift(*, user=None, email: str | None = None, by=None, reason: str = "") -> int:
    """Lifts the person's restriction in force (its row is kept, with when and by whom) and returns how many were
    lifted (0 when none was in force; nothing is written then). Each lift is written to the audit log."""
    user, email, reason = _checked(user=user, email=email, reason=reason)
    now = timezone.now()
    with transaction.atomic():
        active = list(
            ProcessingRestriction.objects.active()
            .select_for_update(of=("self",))
            .select_related("user")
            .filter(_person_filter(user, _indexes(user, email)))
        )
        for restriction in active:
            _lift_locked(restriction, by=by, reason=reason, now=now)
    _forget(user)
    return len(active)


def lift_restriction(*, restriction: ProcessingRestriction, by=None, reason: str = "") -> bool:
    """Lifts one restriction (the back office's action); False when it was lifted already (nothing written)."""
    reason = _checked_reason(reason)
    with transaction.atomic():
        locked = (
            ProcessingRestriction.objects.select_for_update(of=("self",)).select_related("user").get(pk=restriction.pk)
        )
        if locked.lifted_at is not None:
            return False
        _lift_locked(locked, by=by, reason=reason, now=timezone.now())
    restriction.lifted_at, restriction.lifted_by_id = locked.lifted_at, locked.lifted_by_id
    return True
