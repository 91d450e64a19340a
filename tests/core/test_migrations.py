"""Every model change has its migration: a branch merged without one fails here, not on a production deploy."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_code:
        pytest.fail(f"makemigrations would create migrations ({exit_code}):\n{out.getvalue()}")
