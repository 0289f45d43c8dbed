import threading
import uuid

_local = threading.local()


def current_request():
    return getattr(_local, "request", None)


def client_ip(request) -> str:
    """The client's address. Behind N trusted reverse proxies (DUBAN_TRUSTED_PROXIES=N, see
    docs/deployment.md) it is the N-th address from the right of X-Forwarded-For: the ones to its
    left could have been written by the client itself."""
    if request is None:
        return ""
    from django.conf import settings

    hops = settings.DUBAN_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


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
