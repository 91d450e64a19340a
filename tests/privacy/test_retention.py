"""R2: one entry point enforces the retention table; legal holds keep records past their rule until they end."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from allegra.analytics.aggregation import raw_retention_start
from allegra.analytics.models import Event
from allegra.cart.models import Cart
from allegra.core.models import AuditEntry
from allegra.fraud.models import FraudSignal
from allegra.fraud.services import RETENTION as FRAUD_RETENTION
from allegra.fraud.services import assess
from allegra.orders import services as order_services
from allegra.orders.models import Order
from allegra.privacy import holds, retention
from allegra.privacy.models import LegalHold, RetentionRun
from allegra.privacy.registry import Retention
from tests.backoffice.conftest import customer, fast_passwords, login_verified, make_staff, roles  # noqa: F401
from tests.fraud.conftest import facts, placed_at  # noqa: F401
from tests.orders.conftest import make_order  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.policy("R2")]

NOW = timezone.make_aware(datetime(2026, 11, 20, 12, 0))
Scope = LegalHold.Scope


def counts(job_name: str, *, dry_run: bool, now=NOW) -> dict:
    job = next(job for job in retention.jobs() if job.name == job_name)
    result = job.run(dry_run=dry_run, now=now)
    assert not result.error
    return result.counts


def hold(*, ends=None, starts=None, **scope) -> LegalHold:
    item = LegalHold(
        reason="Tax audit 2026/17",
        starts=starts or NOW - timedelta(days=1),
        ends=ends or NOW + timedelta(days=30),
        **scope,
    )
    item.save()  # in the past of the real clock: saved directly; set_hold's validation is tested below
    return item


def event(at) -> Event:
    return Event.objects.create(kind=Event.Kind.PAGE_VIEW, visitor=uuid.uuid4(), occurred_at=at, path="/")


def guest_cart(age: timedelta) -> Cart:
    cart = Cart.objects.create(session_key=uuid.uuid4().hex)
    Cart.objects.filter(pk=cart.pk).update(updated_at=NOW - age)
    return cart


def log_entry(age: timedelta, user) -> LogEntry:
    entry = LogEntry.objects.create(user=user, action_flag=ADDITION, object_repr="x", change_message="")
    LogEntry.objects.filter(pk=entry.pk).update(action_time=NOW - age)
    return entry


def order_of(make_order, year: int, **extra) -> Order:  # noqa: F811
    order = make_order(**extra)
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.make_aware(datetime(year, 6, 15, 12, 0)))
    return order


# --- the registry and the check ------------------------------------------------------------------------------


def test_every_rule_the_map_uses_is_enforced_by_a_job_or_named_as_needing_none():
    assert retention.unenforced_rules() == {}
    assert retention.check_retention_jobs() == []
    enforced = retention.enforced_rules()
    for rule in (
        Retention.ORDER_RECORDS,
        Retention.RAW_ANALYTICS,
        Retention.SEARCH_LOG,
        Retention.CONSENT_RECORDS,
        Retention.GUEST_CARTS,
        Retention.FRAUD_SIGNALS,
        Retention.SECURITY_LOGS,
    ):
        assert rule in enforced
    assert Retention.SUPPORT_TICKETS in retention.NO_DATA_YET
    assert Retention.CONTEST_ENTRIES in retention.NO_DATA_YET


def test_the_check_flags_a_rule_of_the_map_that_no_job_enforces(monkeypatch):
    monkeypatch.setattr(retention, "_jobs", {k: v for k, v in retention._jobs.items() if k != "guest-carts"})
    problems = retention.check_retention_jobs()
    assert [problem.id for problem in problems] == ["privacy.E020"]
    assert "guest_carts" in problems[0].msg and "cart.Cart" in problems[0].msg


def test_a_job_is_registered_once():
    job = retention.jobs(only=Retention.GUEST_CARTS)[0]
    with pytest.raises(retention.RegistrationError):
        retention.register(retention.RetentionJob(job.name, job.rules, lambda **kw: {}))


# --- each job removes exactly what is past its rule --------------------------------------------------------


def test_guest_carts_go_a_day_after_their_30_days_not_a_day_before():
    old, young = guest_cart(timedelta(days=31)), guest_cart(timedelta(days=29))
    assert counts("guest-carts", dry_run=True) == {"cart.Cart": 1, "cart.CartLine": 0}
    assert Cart.objects.count() == 2
    assert counts("guest-carts", dry_run=False) == {"cart.Cart": 1, "cart.CartLine": 0}
    assert list(Cart.objects.values_list("pk", flat=True)) == [young.pk]
    assert not Cart.objects.filter(pk=old.pk).exists()


def test_raw_analytics_go_from_the_day_13_months_back_not_a_day_later():
    cutoff = raw_retention_start(now=NOW)
    old, young = event(cutoff - timedelta(days=1)), event(cutoff + timedelta(days=1))
    dry = counts("analytics-raw", dry_run=True)
    assert dry["analytics.Event"] == 1 and Event.objects.count() == 2
    done = counts("analytics-raw", dry_run=False)
    assert done["analytics.Event"] == 1
    assert dry == done  # the dry run reports what the run then does
    assert list(Event.objects.values_list("pk", flat=True)) == [young.pk]
    assert old.pk not in Event.objects.values_list("pk", flat=True)


def test_the_back_office_log_goes_after_90_days(make_staff):  # noqa: F811
    staff = make_staff("officer@example.com")
    old, young = log_entry(timedelta(days=91), staff), log_entry(timedelta(days=89), staff)
    assert counts("admin-log", dry_run=True) == {"admin.LogEntry": 1}
    assert LogEntry.objects.count() == 2
    assert counts("admin-log", dry_run=False) == {"admin.LogEntry": 1}
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [young.pk]
    assert old.pk != young.pk


def test_fraud_records_go_after_two_years(facts, placed_at):  # noqa: F811
    assess(facts=facts(placed_at=placed_at - FRAUD_RETENTION - timedelta(days=1)))
    assess(facts=facts(placed_at=placed_at - FRAUD_RETENTION + timedelta(days=1)))
    dry = counts("fraud-records", dry_run=True, now=placed_at)
    assert dry["fraud.FraudAssessment"] == 1 and dry["fraud.FraudSignal"] >= 1
    before = FraudSignal.objects.count()
    assert counts("fraud-records", dry_run=False, now=placed_at) == dry
    assert FraudSignal.objects.count() == before - dry["fraud.FraudSignal"]


def test_orders_go_on_the_first_day_of_the_sixth_year_not_the_last_day_of_the_fifth(make_order):  # noqa: F811
    order = order_of(make_order, 2020)
    last_day = timezone.make_aware(datetime(2026, 12, 31, 12, 0))
    first_day = timezone.make_aware(datetime(2026, 1, 1, 12, 0))
    assert (
        counts("orders-records", dry_run=False, now=timezone.make_aware(datetime(2025, 12, 31, 12)))["orders.Order"]
        == 0
    )
    assert counts("orders-records", dry_run=True, now=first_day)["orders.Order"] == 1
    assert Order.objects.filter(pk=order.pk).exists()
    assert counts("orders-records", dry_run=False, now=last_day)["orders.Order"] == 1
    assert not Order.objects.filter(pk=order.pk).exists()


# --- legal holds ---------------------------------------------------------------------------------------------


def test_a_hold_on_one_record_keeps_it_and_its_end_lets_the_next_run_remove_it():
    cutoff = raw_retention_start(now=NOW)
    kept, gone = event(cutoff - timedelta(days=2)), event(cutoff - timedelta(days=2))
    held = hold(scope=Scope.RECORD, model_label="analytics.Event", object_id=str(kept.pk))
    job = retention.jobs(only=Retention.RAW_ANALYTICS)[0]
    dry = job.run(dry_run=True, now=NOW)
    assert dry.counts["analytics.Event"] == 1 and dry.held == {"analytics.Event": 1}
    result = job.run(dry_run=False, now=NOW)
    assert result.counts["analytics.Event"] == 1 and result.held == {"analytics.Event": 1}
    assert list(Event.objects.values_list("pk", flat=True)) == [kept.pk]
    assert gone.pk not in Event.objects.values_list("pk", flat=True)
    # The hold ends by itself: the next run after its end removes the record, nobody lifts anything.
    later = held.ends + timedelta(minutes=1)
    assert job.run(dry_run=False, now=later).counts["analytics.Event"] == 1
    assert not Event.objects.exists()


def test_a_hold_on_a_category_or_a_model_keeps_all_of_it():
    carts = [guest_cart(timedelta(days=40)) for _ in range(2)]
    category = hold(scope=Scope.CATEGORY, rule=Retention.GUEST_CARTS.value)
    assert counts("guest-carts", dry_run=False)["cart.Cart"] == 0
    assert Cart.objects.count() == 2
    LegalHold.objects.filter(pk=category.pk).update(lifted_at=NOW - timedelta(hours=1))
    hold(scope=Scope.MODEL, model_label="cart.Cart")
    assert counts("guest-carts", dry_run=False)["cart.Cart"] == 0
    assert counts("guest-carts", dry_run=False, now=NOW + timedelta(days=31))["cart.Cart"] == len(carts)


def test_a_hold_on_a_person_keeps_their_records_only(make_order, customer):  # noqa: F811
    theirs = order_of(make_order, 2019, user=customer)
    guest = order_of(make_order, 2019)
    hold(scope=Scope.PERSON, user=customer)
    result = retention.jobs(only=Retention.ORDER_RECORDS)[0].run(dry_run=False, now=NOW)
    assert result.counts["orders.Order"] == 1 and result.held == {"orders.Order": 1}
    assert list(Order.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert guest.pk != theirs.pk
    # The orders' own `legal_hold` flag still keeps an order too, with no end date.
    Order.objects.filter(pk=theirs.pk).update(legal_hold=True)
    assert order_services.purge_expired_orders(now=NOW + timedelta(days=60)) == 0


def test_a_hold_that_has_not_started_or_was_lifted_holds_nothing():
    guest_cart(timedelta(days=40))
    hold(scope=Scope.MODEL, model_label="cart.Cart", starts=NOW + timedelta(days=1), ends=NOW + timedelta(days=5))
    assert counts("guest-carts", dry_run=True)["cart.Cart"] == 1


@pytest.mark.usefixtures("english")
def test_a_hold_needs_a_reason_and_an_end_in_the_future(make_staff):  # noqa: F811
    officer = make_staff("officer@example.com", "Privacy officer")
    with pytest.raises(ValidationError) as missing:
        holds.set_hold(LegalHold(scope=Scope.MODEL, model_label="cart.Cart", reason=" "), actor=officer)
    assert "Give the reason for the hold" in str(missing.value.message_dict["reason"])
    assert "Give the date the hold ends" in str(missing.value.message_dict["ends"])
    past = LegalHold(
        scope=Scope.MODEL, model_label="cart.Cart", reason="claim", ends=timezone.now() - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as ended:
        holds.set_hold(past, actor=officer)
    assert "must be in the future" in str(ended.value.message_dict["ends"])
    wrong = LegalHold(scope=Scope.RECORD, model_label="shop.Nothing", object_id="1", reason="claim")
    wrong.ends = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as unknown:
        holds.set_hold(wrong, actor=officer)
    assert "No model is called" in str(unknown.value.message_dict["model_label"])
    assert not LegalHold.objects.exists()
    good = holds.set_hold(
        LegalHold(scope=Scope.MODEL, model_label="cart.cart", reason="claim", ends=timezone.now() + timedelta(days=3)),
        actor=officer,
    )
    assert good.model_label == "cart.Cart" and good.set_by == officer
    assert AuditEntry.objects.filter(subject=f"legal-hold:{good.pk}").count() == 1
    assert holds.lift_hold(good, actor=officer) and not holds.lift_hold(good, actor=officer)
    good.refresh_from_db()
    assert good.lifted_by == officer and not good.is_active()
    assert AuditEntry.objects.filter(subject=f"legal-hold:{good.pk}").count() == 2


# --- the command and its record --------------------------------------------------------------------------------


def test_the_command_reports_per_category_and_records_the_run():
    event(raw_retention_start() - timedelta(days=1))
    event(timezone.now())
    out, err = io.StringIO(), io.StringIO()
    call_command("enforce_retention", "--dry-run", stdout=out, stderr=err)
    text = out.getvalue()
    assert "dry run: nothing changed" in text
    assert "analytics-raw [raw_analytics, search_log]" in text
    assert "analytics.Event: would remove 1" in text
    assert "not enforced by a job: support_tickets: no data yet" in text
    assert f"{len(retention.jobs())}/{len(retention.jobs())} done" in err.getvalue()
    assert Event.objects.count() == 2
    run = RetentionRun.objects.get()
    assert run.dry_run and run.finished_at and run.report["totals"]["analytics.Event"] == 1

    out = io.StringIO()
    call_command("enforce_retention", "--only", "raw_analytics", stdout=out, stderr=io.StringIO())
    assert "analytics.Event: removed 1" in out.getvalue() and "guest-carts" not in out.getvalue()
    assert Event.objects.count() == 1
    latest = RetentionRun.objects.order_by("-pk").first()
    assert (
        not latest.dry_run
        and latest.only == "raw_analytics"
        and [j["job"] for j in latest.report["jobs"]] == ["analytics-raw"]
    )


def test_the_command_refuses_an_unknown_rule_or_one_without_a_job():
    with pytest.raises(CommandError, match="Unknown retention rule 'nothing'"):
        call_command("enforce_retention", "--only", "nothing", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No retention job enforces 'support_tickets'"):
        call_command("enforce_retention", "--only", "support_tickets", stdout=io.StringIO())
    assert not RetentionRun.objects.exists()


def test_the_daily_task_runs_every_job():
    from allegra.privacy.tasks import enforce_retention

    guest_cart(timedelta(days=400))
    outcome = enforce_retention.call()
    assert outcome["totals"]["cart.Cart"] == 1 and outcome["errors"] == []
    assert RetentionRun.objects.get(pk=outcome["run"]).trigger == "schedule"


def test_a_failing_job_is_reported_and_the_others_still_run(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(retention._jobs, "broken", retention.RetentionJob("broken", (Retention.SECURITY_LOGS,), broken))
    guest_cart(timedelta(days=40))
    run = retention.run(now=NOW)
    assert run.report["errors"] == ["broken"] and run.report["totals"]["cart.Cart"] == 1


# --- the back office -------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_only_the_privacy_officer_sees_runs_and_sets_holds(client, make_staff, login_verified):  # noqa: F811
    run = retention.run(dry_run=True)
    officer = login_verified(client, make_staff("officer@example.com", "Privacy officer"))
    assert officer.get("/admin/privacy/retentionrun/").status_code == 200
    assert officer.get(f"/admin/privacy/retentionrun/{run.pk}/change/").status_code == 200
    assert officer.post(f"/admin/privacy/retentionrun/{run.pk}/delete/").status_code == 403
    ends = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%d")
    form = {
        "scope": "model",
        "model_label": "orders.Order",
        "reason": "Tax audit 2026/17",
        "starts_0": timezone.localtime().strftime("%Y-%m-%d"),
        "starts_1": "00:00:00",
        "ends_0": ends,
        "ends_1": "12:00:00",
    }
    missing = officer.post("/admin/privacy/legalhold/add/", {**form, "reason": ""})
    assert missing.status_code == 200 and not LegalHold.objects.exists()
    response = officer.post("/admin/privacy/legalhold/add/", form)
    assert response.status_code == 302, response.content[:2000]
    created = LegalHold.objects.get()
    assert created.is_active() and created.set_by.email == "officer@example.com"
    assert AuditEntry.objects.filter(subject=f"legal-hold:{created.pk}").exists()
    lift = officer.post("/admin/privacy/legalhold/", {"action": "lift_holds", "_selected_action": [created.pk]})
    assert lift.status_code == 302
    created.refresh_from_db()
    assert created.lifted_at is not None

    client.logout()
    marketing = login_verified(client, make_staff("marketing@example.com", "Marketing"))
    for url in ("/admin/privacy/retentionrun/", "/admin/privacy/legalhold/", "/admin/privacy/legalhold/add/"):
        assert marketing.get(url).status_code == 403
