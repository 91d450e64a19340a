import logging
import time
import traceback
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

    def process_exception(self, request, exception):
        """Logs an unhandled error by its type and where it happened, never its message or local values:
        those can quote what the visitor sent. The request id ties it to the request line and the 500 page."""
        frames = traceback.extract_tb(exception.__traceback__)
        logger.error(
            "unhandled error",
            extra={
                "request_id": getattr(request, "request_id", None),
                "error": f"{type(exception).__module__}.{type(exception).__qualname__}",
                "frames": [f"{frame.filename.rsplit('/', 3)[-1]}:{frame.lineno} in {frame.name}" for frame in frames][
                    -12:
                ],
            },
        )
        return None  # Django goes on to its 500 handler
