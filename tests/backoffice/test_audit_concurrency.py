"""R1: concurrent writers keep the audit chain a single line (PostgreSQL, where writers truly run in parallel)."""

from __future__ import annotations

import threading

import pytest

from allegra.core.audit import record_access, verify_chain
from allegra.core.models import AuditEntry

pytestmark = [pytest.mark.policy("R1"), pytest.mark.postgres]

WRITERS, ENTRIES_EACH = 4, 10


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_never_fork_the_chain(make_staff, customer):
    actor = make_staff("cs@allegra.example", "Consumer services")
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def write() -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            for _ in range(ENTRIES_EACH):
                record_access(actor=actor, subject=customer, action="view", fields=["email"])
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert AuditEntry.objects.count() == WRITERS * ENTRIES_EACH
    report = verify_chain()
    assert report.intact and report.checked == WRITERS * ENTRIES_EACH
