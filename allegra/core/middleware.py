import logging
import time
import uuid

logger = logging.getLogger("allegra.request")


class RequestLogMiddleware:
    """One structured log line per request: route name, method, status, duration.

    Deliberately no path, query string, IP address or user: those can hold personal data (U3).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        logger.info(
            "request",
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "route": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        response["X-Request-ID"] = request.request_id
        return response
