import time

from django.conf import settings


class SessionIdleExpiryMiddleware:
    """Sessions end after SESSION_COOKIE_AGE seconds without a request.

    Each request of a signed-in person pushes the expiry forward, but the session row is written
    at most once a minute: saving it on every request (SESSION_SAVE_EVERY_REQUEST) costs a write
    per request and lets parallel htmx requests race each other.
    """

    TOUCH_EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and settings.SESSION_COOKIE_AGE:
            now = int(time.time())
            if now - session.get("_touched", 0) >= self.TOUCH_EVERY_SECONDS:
                session["_touched"] = now
        return self.get_response(request)
