"""Fraud screening (U4): scoring an order at placement, recording declined payments, reviewing held orders and
deleting what is 2 years old.

Checkout calls `assess(facts=OrderFacts(...))` once per order, with plain data (this app imports nothing from
orders, payments or cart); payments call `record_decline(...)` for each declined attempt. Email addresses, card
token fingerprints and IP addresses are never stored: each is turned into a keyed hash (the blind-index key,
a purpose per kind), IPs only after truncation to their network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allegra.core.audit import Action, actor_label, record_access
from allegra.core.encryption import blind_index
from allegra.core.network import truncate_ip
from allegra.fraud.hooks import review_hooks
from allegra.fraud.models import FraudAssessment, FraudSignal
from allegra.fraud.rules import configured_rules, hold_score

# Retention (data map: Retention.FRAUD_SIGNALS): signals and assessments are deleted 2 years after they were made.
RETENTION = timedelta(days=2 * 365 + 1)
DISPOSABLE_DOMAINS_FILE = Path(__file__).resolve().parent / "data" / "disposable_domains.txt"
HASH_PURPOSES = {
    FraudSignal.Kind.EMAIL: "fraud.email",
    FraudSignal.Kind.CARD: "fraud.card",
    FraudSignal.Kind.IP: "fraud.ip",
}
REASON_MAX_CHARS = 500

# Plain words for each rule's hit, filled with the hit's stored values; shown to staff in their language.
REASONS = {
    "email_velocity": _("%(count)s orders with this email address in %(hours)s hours (more than %(limit)s)"),
    "card_velocity": _("%(count)s orders with this card in %(hours)s hours (more than %(limit)s)"),
    "ip_velocity": _("%(count)s orders from this network in %(hours)s hours (more than %(limit)s)"),
    "country_mismatch": _("billing country %(billing)s differs from shipping country %(shipping)s"),
    "high_first_order": _("a first order of %(total)s €, over %(amount)s €"),
    "repeated_declines": _(
        "%(count)s declined payments with this email, card or network in %(hours)s hours (more than %(limit)s)"
    ),
    "disposable_email": _("the email address is at a disposable-mail domain"),
}


@dataclass(frozen=True)
class OrderFacts:
    """What checkout tells fraud screening about an order. `ip_address` may be the full address: it is
    truncated to its network (allegra.core.network.truncate_ip) before anything is derived from it."""

    order_reference: str
    email: str
    ip_address: str | None
    billing_country: str
    shipping_country: str
    total: Decimal
    first_order: bool
    placed_at: datetime
    card_fingerprint: str | None = None


@dataclass(frozen=True)
class RuleHit:
    rule: str
    weight: int
    values: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return str(REASONS[self.rule] % self.values)

    def as_json(self) -> dict:
        from django.utils.translation import override

        with override("en"):
            reason = self.reason
        return {"rule": self.rule, "weight": self.weight, "values": self.values, "reason": reason}


@dataclass(frozen=True)
class Assessment:
    """The outcome of `assess`: the score, the rules hit and the stored record."""

    score: int
    hits: tuple[RuleHit, ...]
    record: FraudAssessment

    @property
    def held(self) -> bool:
        return self.record.decision == FraudAssessment.Decision.HELD_FOR_REVIEW


class ReviewError(ValueError):
    """A review that cannot be made (no reason, unknown decision, nothing pending); nothing was changed."""


def hit_reason(hit: dict) -> str:
    """A stored hit (FraudAssessment.hits item) in plain words in the active language."""
    template = REASONS.get(hit.get("rule", ""))
    try:
        return str(template % hit.get("values", {})) if template is not None else str(hit.get("reason", ""))
    except (KeyError, TypeError, ValueError):
        return str(hit.get("reason", ""))


@cache
def disposable_domains() -> frozenset[str]:
    """The shipped list of disposable-mail domains (allegra/fraud/data/disposable_domains.txt)."""
    lines = DISPOSABLE_DOMAINS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.lstrip().startswith("#"))


def is_disposable_email(email: str) -> bool:
    """True when the email's domain, or a parent domain of it, is on the disposable list."""
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    if not domain:
        return False
    parts = domain.split(".")
    known = disposable_domains()
    return any(".".join(parts[index:]) in known for index in range(len(parts) - 1))


def signal_hashes(*, email: str | None, card_fingerprint: str | None, ip: str | None) -> dict[str, str]:
    """{kind: keyed hash} of the values given; the IP is truncated to its network first."""
    values = {
        FraudSignal.Kind.EMAIL: (email or "").strip() or None,
        FraudSignal.Kind.CARD: (card_fingerprint or "").strip() or None,
        FraudSignal.Kind.IP: truncate_ip(ip),
    }
    return {kind: blind_index(value, purpose=HASH_PURPOSES[kind]) for kind, value in values.items() if value}


def _window(placed_at: datetime, hours: int) -> Q:
    # The window is the `hours` before placement: a signal exactly `hours` old has left it.
    return Q(created_at__gt=placed_at - timedelta(hours=hours), created_at__lte=placed_at)


def _counts(*, hashes: dict[str, str], placed_at: datetime, rules: dict) -> dict[str, int]:
    """Earlier signals per velocity rule, and declines, in their windows: one query."""
    aggregates = {}
    for rule_name, kind in (("email_velocity", "email"), ("card_velocity", "card"), ("ip_velocity", "ip")):
        rule = rules[rule_name]
        if rule.enabled and kind in hashes:
            window = _window(placed_at, rule.window_hours)
            aggregates[rule_name] = Count("pk", filter=Q(kind=kind, value_hash=hashes[kind]) & window)
    declines = rules["repeated_declines"]
    if declines.enabled and hashes:
        window = _window(placed_at, declines.window_hours)
        aggregates["repeated_declines"] = Count(
            "pk", filter=Q(kind=FraudSignal.Kind.DECLINE, value_hash__in=list(hashes.values())) & window
        )
    if not aggregates:
        return {}
    return FraudSignal.objects.filter(value_hash__in=list(hashes.values())).aggregate(**aggregates)


def _hits(*, facts: OrderFacts, hashes: dict[str, str], rules: dict) -> list[RuleHit]:
    counts = _counts(hashes=hashes, placed_at=facts.placed_at, rules=rules)
    hits = []
    for rule_name in ("email_velocity", "card_velocity", "ip_velocity"):
        rule = rules[rule_name]
        if rule_name in counts:
            count = counts[rule_name] + 1  # this order too
            if count > rule.max_count:
                values = {"count": count, "hours": rule.window_hours, "limit": rule.max_count}
                hits.append(RuleHit(rule_name, rule.weight, values))
    rule = rules["repeated_declines"]
    if "repeated_declines" in counts and counts["repeated_declines"] > rule.max_count:
        values = {"count": counts["repeated_declines"], "hours": rule.window_hours, "limit": rule.max_count}
        hits.append(RuleHit("repeated_declines", rule.weight, values))
    rule = rules["country_mismatch"]
    billing, shipping = facts.billing_country.strip().upper(), facts.shipping_country.strip().upper()
    if rule.enabled and billing and shipping and billing != shipping:
        hits.append(RuleHit("country_mismatch", rule.weight, {"billing": billing, "shipping": shipping}))
    rule = rules["high_first_order"]
    if rule.enabled and facts.first_order and facts.total > rule.amount:
        hits.append(RuleHit("high_first_order", rule.weight, {"total": str(facts.total), "amount": str(rule.amount)}))
    rule = rules["disposable_email"]
    if rule.enabled and is_disposable_email(facts.email):
        hits.append(RuleHit("disposable_email", rule.weight))
    return hits


def assess(*, facts: OrderFacts) -> Assessment:
    """Scores the order, stores its assessment and its signals, and says whether it is held for review.

    The score is the sum of the weights of the rules hit; above FRAUD_HOLD_SCORE the order is held. Assessing the
    same order reference again (a checkout posted twice) returns the first assessment and records nothing new.
    """
    if not facts.order_reference.strip():
        raise ValueError("An order reference is needed to assess an order.")
    rules = configured_rules()
    with transaction.atomic():
        existing = FraudAssessment.objects.filter(order_reference=facts.order_reference).first()
        if existing is not None:
            hits = tuple(RuleHit(hit["rule"], hit["weight"], hit.get("values", {})) for hit in existing.hits)
            return Assessment(score=existing.score, hits=hits, record=existing)
        hashes = signal_hashes(email=facts.email, card_fingerprint=facts.card_fingerprint, ip=facts.ip_address)
        hits = _hits(facts=facts, hashes=hashes, rules=rules)
        score = sum(hit.weight for hit in hits)
        decision = FraudAssessment.Decision.HELD_FOR_REVIEW if score > hold_score() else FraudAssessment.Decision.CLEAR
        record = FraudAssessment.objects.create(
            order_reference=facts.order_reference,
            score=score,
            hits=[hit.as_json() for hit in hits],
            decision=decision,
            created_at=facts.placed_at,
        )
        FraudSignal.objects.bulk_create(
            FraudSignal(kind=kind, value_hash=value_hash, created_at=facts.placed_at)
            for kind, value_hash in hashes.items()
        )
    return Assessment(score=score, hits=tuple(hits), record=record)


def record_decline(
    *, email: str | None, card_fingerprint: str | None, ip: str | None, at: datetime | None = None
) -> int:
    """Payments report a declined attempt: one decline signal per value given (keyed hashes only). Returns how
    many were stored (0 when nothing usable was given)."""
    hashes = signal_hashes(email=email, card_fingerprint=card_fingerprint, ip=ip)
    at = at or timezone.now()
    FraudSignal.objects.bulk_create(
        FraudSignal(kind=FraudSignal.Kind.DECLINE, value_hash=value_hash, created_at=at)
        for value_hash in hashes.values()
    )
    return len(hashes)


def review(*, assessment: FraudAssessment, decision: str, reason: str, actor) -> FraudAssessment:
    """Staff approve or cancel a held order, with a reason; audited, then the review hooks run (orders act).

    Only an assessment held for review and not yet reviewed can be reviewed; anything else raises ReviewError
    and changes nothing.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Give a reason for the review."))
    if len(reason) > REASON_MAX_CHARS:
        raise ReviewError(_("The reason is too long (at most %(max)s characters).") % {"max": REASON_MAX_CHARS})
    if decision not in FraudAssessment.ReviewDecision.values:
        raise ReviewError(_("Choose approve or cancel."))
    with transaction.atomic():
        locked = FraudAssessment.objects.select_for_update().filter(pk=assessment.pk).first()
        if locked is None or not locked.is_pending_review:
            raise ReviewError(_("Order %(reference)s is not waiting for a fraud review.") % {"reference": assessment})
        locked.review_decision = decision
        locked.review_reason = reason
        locked.reviewed_by = actor_label(actor)
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["review_decision", "review_reason", "reviewed_by", "reviewed_at"])
        # The audit subject is the order reference: a guest's order has no account to name.
        record_access(
            actor=actor,
            subject=f"order:{locked.order_reference}",
            action=Action.CHANGE,
            fields=["fraud_review"],
            reason=f"{decision}: {reason}",
        )
        review_hooks.run(order_reference=locked.order_reference, decision=decision)
    for name in ("review_decision", "review_reason", "reviewed_by", "reviewed_at"):
        setattr(assessment, name, getattr(locked, name))
    return locked


def purge_expired(*, now: datetime | None = None) -> int:
    """Deletes signals and assessments made more than 2 years ago (Retention.FRAUD_SIGNALS); returns how many."""
    counts, _held = purge_expired_records(now=now)
    return sum(counts.values())


def purge_expired_records(
    *, now: datetime | None = None, dry_run: bool = False
) -> tuple[dict[str, int], dict[str, int]]:
    """The retention job of FRAUD_SIGNALS (registered in fraud/personal_data.py): (counts, held) per model.
    Rows under an active legal hold stay; `dry_run` only counts."""
    from allegra.privacy.registry import Retention
    from allegra.privacy.retention import expired_and_held

    now = now or timezone.now()
    cutoff = now - RETENTION
    counts, held = {}, {}
    for model in (FraudSignal, FraudAssessment):
        label = model._meta.label
        expired, held[label] = expired_and_held(
            model.objects.filter(created_at__lt=cutoff), rule=Retention.FRAUD_SIGNALS, now=now
        )
        if dry_run:
            counts[label] = expired.count()
        else:
            _total, by_model = expired.delete()
            counts[label] = by_model.get(label, 0)
    return counts, held
