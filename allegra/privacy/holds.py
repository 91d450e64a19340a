"""Legal holds (R2): set, extend and lift them; each change is written to the staff audit log (R1).

The retention jobs read the holds in force through `allegra.privacy.retention.exclude_held`; a hold whose end
has passed stops applying by itself, nothing has to be done."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allegra.core.audit import Action, record_access
from allegra.privacy.models import LegalHold

HOLD_FIELDS = ["scope", "rule", "model_label", "object_id", "user", "reason", "starts", "ends"]


def audit_subject(hold: LegalHold) -> str:
    """The audit log's subject: the person's public id for a hold on a person, else the hold itself."""
    if hold.scope == LegalHold.Scope.PERSON and hold.user is not None:
        return str(hold.user.public_id)
    return f"legal-hold:{hold.pk}"


@transaction.atomic
def set_hold(hold: LegalHold, *, actor) -> LegalHold:
    """Validates (reason and a future end required, the fields of its scope) and saves a new hold."""
    hold.set_by = actor
    hold.full_clean()
    hold.save()
    record_access(
        actor=actor,
        subject=audit_subject(hold),
        action=Action.CHANGE,
        fields=[name for name in HOLD_FIELDS if getattr(hold, name, None) not in (None, "")],
        reason=f"legal hold set ({hold.target_label}, until {hold.ends:%Y-%m-%d})",
    )
    return hold


@transaction.atomic
def change_hold(hold: LegalHold, *, actor, changed: list[str]) -> LegalHold:
    """Saves a change of a hold's end or reason (extend it, correct it), audited."""
    hold.full_clean()
    hold.save()
    record_access(
        actor=actor,
        subject=audit_subject(hold),
        action=Action.CHANGE,
        fields=changed,
        reason=f"legal hold changed ({hold.target_label}, until {hold.ends:%Y-%m-%d})",
    )
    return hold


@transaction.atomic
def lift_hold(hold: LegalHold, *, actor, now=None) -> bool:
    """Ends a hold now; False when it was lifted already."""
    now = now or timezone.now()
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.lifted_at is not None:
        return False
    locked.lifted_at, locked.lifted_by = now, actor
    locked.save(update_fields=["lifted_at", "lifted_by"])
    record_access(
        actor=actor,
        subject=audit_subject(locked),
        action=Action.CHANGE,
        fields=["lifted_at", "lifted_by"],
        reason=_("legal hold lifted (%(target)s)") % {"target": locked.target_label},
    )
    hold.lifted_at, hold.lifted_by = locked.lifted_at, locked.lifted_by
    return True
