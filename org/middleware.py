"""Session rules (R-SEC-1): idle timeout, forced password change at first login or on expiry."""

import time

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from audit.services import record

ALLOWED_WHILE_CHANGING = ("org:password_change", "org:logout")
ACTIVITY_RESOLUTION = 30  # seconds


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            from org.models import SecurityPolicy

            idle = SecurityPolicy.current().idle_timeout_minutes * 60
            now = time.time()
            last = request.session.get("last_activity", now)
            if now - last > idle:
                record(actor=user, action="auth.session_expired", obj=user)
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('org:login')}?expired=1")
            if "last_activity" not in request.session or now - last >= ACTIVITY_RESOLUTION:
                # written at most every ACTIVITY_RESOLUTION seconds, not on every request (a
                # session write per page); the timeout can only come that much earlier, never later
                request.session["last_activity"] = now
            if request.session.get("must_change_password") and not request.path.startswith("/api/"):
                allowed = {reverse(n) for n in ALLOWED_WHILE_CHANGING}
                if request.path not in allowed:
                    return redirect("org:password_change")
        return self.get_response(request)
