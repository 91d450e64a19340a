import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_task_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["task_queue"]["ok"] is True
    assert body["task_queue"]["backend"] == "DatabaseBackend"
