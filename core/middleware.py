import threading
import uuid

_local = threading.local()


def current_request():
    return getattr(_local, "request", None)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request else ""


class RequestContextMiddleware:
    """Gives every request an id and keeps it reachable for audit.record()."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        _local.request = request
        try:
            response = self.get_response(request)
        finally:
            _local.request = None
        response["X-Request-ID"] = request.request_id
        return response


class ContentSecurityPolicyMiddleware:
    """CSP without inline script (R-SEC-6): every script is a static file served by the app."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/docs"):
            return response
        response.setdefault("Content-Security-Policy", self.POLICY)
        return response
