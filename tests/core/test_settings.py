"""The settings module: production by default, everything from the environment.

Most checks import `allegra.settings` in a fresh interpreter with a controlled environment, because the
module reads the environment once at import and the test process has already imported it.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh interpreter whose environment holds only PATH and the given variables."""
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_values(*names: str, **env: str) -> dict:
    code = f"""
        import json
        from allegra import settings
        print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}, default=str))
    """
    result = python(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_needs_a_secret_key():
    result = python("import allegra.settings")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_is_the_default(tmp_path):
    values = settings_values(
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "EMAIL_BACKEND",
        "STORAGES",
        SECRET_KEY="a-test-secret-key-for-this-run-only",
        ALLEGRA_VAR_DIR=str(tmp_path),
    )

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_development_mode_runs_without_a_secret_key(tmp_path):
    values = settings_values("DEBUG", "SESSION_COOKIE_SECURE", DEBUG="1", ALLEGRA_VAR_DIR=str(tmp_path))

    assert values == {"DEBUG": True, "SESSION_COOKIE_SECURE": False}


@pytest.mark.parametrize("value", ["0", "false", "no", ""])
def test_debug_off_values(value, tmp_path):
    values = settings_values("DEBUG", DEBUG=value, SECRET_KEY="x" * 50, ALLEGRA_VAR_DIR=str(tmp_path))

    assert values["DEBUG"] is False


def test_sqlite_in_the_var_directory_by_default(tmp_path):
    values = settings_values("DATABASES", SECRET_KEY="x" * 50, ALLEGRA_VAR_DIR=str(tmp_path))

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "allegra.sqlite3")
    # Connections outlive a request: closing the last one would checkpoint the WAL every time.
    assert database["CONN_MAX_AGE"] == 60


def test_database_url_switches_to_postgresql(tmp_path):
    values = settings_values(
        "DATABASES",
        SECRET_KEY="x" * 50,
        ALLEGRA_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://shop:pw@db.internal:6543/allegra",
    )

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"], database["USER"]) == (
        "db.internal",
        6543,
        "allegra",
        "shop",
    )


def test_sqlite_file_database_runs_in_wal_mode(tmp_path):
    code = """
        import json, django
        django.setup()
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal_mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA foreign_keys")
            foreign_keys = cursor.fetchone()[0]
        print(json.dumps({"journal_mode": journal_mode, "foreign_keys": foreign_keys}))
    """
    result = python(code, SECRET_KEY="x" * 50, ALLEGRA_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="allegra.settings")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"journal_mode": "wal", "foreign_keys": 1}
    assert (tmp_path / "allegra.sqlite3").exists()


def test_redis_url_switches_the_cache_to_redis(tmp_path, redis_url, settings):
    values = settings_values("CACHES", SECRET_KEY="x" * 50, ALLEGRA_VAR_DIR=str(tmp_path), REDIS_URL=redis_url)
    assert values["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
    }

    # And that configuration really talks to Redis.
    settings.CACHES = values["CACHES"]
    cache = caches["default"]
    try:
        cache.set("allegra:test:settings", {"ok": 1}, timeout=30)
        assert cache.get("allegra:test:settings") == {"ok": 1}
    finally:
        cache.delete("allegra:test:settings")


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_runs_on_psycopg_3():
    assert connection.vendor == "postgresql"
    assert connection.Database.__name__ == "psycopg"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000, "DESIGN.md asks for PostgreSQL 15 or later"
