import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.static import serve
from django_tasks import task_backends


def _database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as error:  # noqa: BLE001 - reported, not raised: this is the health check
        return {"ok": False, "vendor": connection.vendor, "error": error.__class__.__name__}


def _task_queue_status() -> dict:
    """The queue is reachable when its backend can see its own store (the tasks table for the DB backend)."""
    backend = task_backends["default"]
    status = {"backend": backend.__class__.__name__}
    try:
        if backend.__class__.__module__.startswith("django_tasks_db"):
            from django_tasks_db.models import DBTaskResult

            status["waiting"] = DBTaskResult.objects.filter(status="READY").count()
        status["ok"] = True
    except Exception as error:  # noqa: BLE001
        status.update(ok=False, error=error.__class__.__name__)
    return status


@never_cache
def healthz(request):
    report = {"database": _database_status(), "task_queue": _task_queue_status()}
    healthy = all(part["ok"] for part in report.values())
    report["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(report, status=200 if healthy else 503)


def media(request, path: str):
    """Uploaded product images, for a shop served without a separate web server (SERVE_MEDIA).

    The folder is read per request so that a changed MEDIA_ROOT (tests, a second shop) is honoured."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """A form posted without a valid CSRF token: the shop's own page, in the visitor's language, saying that
    nothing was saved. The reason is for developers and stays out of the page."""
    # Django's reasons are fixed sentences, except the origin check's, which names the foreign origin (a site,
    # not a person). The path is left out: it may carry an email-link token.
    logging.getLogger("allegra.security").warning(
        "csrf refused", extra={"request_id": getattr(request, "request_id", None), "reason": reason[:200]}
    )
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    return render(request, "500.html", status=500)
