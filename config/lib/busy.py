"""The answer when the embedded SQLite stays locked: «База данных занята, попробуйте ещё раз», 503.

A write waits for SQLite's one write lock up to SQLITE_BUSY_TIMEOUT_SECONDS (config.lib.sqlite);
when another writer holds it longer (an import running inline in the embedded default), the person
is told to try again rather than shown a server error. PostgreSQL never says «database is locked».
"""

import logging
import sys

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from config.lib.sqlite import is_database_locked

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def database_busy_response() -> HttpResponse:
    # Rendered without the request: its context processors would go to the database again.
    response = HttpResponse(render_to_string("database_busy.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """A view whose write met the lock answers the busy page (in DEBUG too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_locked(exception):
            return None
        logger.warning("База данных занята: %s %s не выполнен", request.method, request.path)
        # Saving the session on the way out would only meet the same lock and turn the answer into
        # a server error; its idle-expiry touch waits for the next request.
        session = getattr(request, "session", None)
        if session is not None:
            session.modified = False
        return database_busy_response()


def _locked_in_chain(error: BaseException | None) -> bool:
    while error is not None:
        if is_database_locked(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def bad_request(request, exception):
    """handler400: Django reports a session it could not save as «session interrupted» (400); when
    the cause is the lock, it is the busy page."""
    if _locked_in_chain(exception):
        return database_busy_response()
    return defaults.bad_request(request, exception)


def server_error(request):
    """handler500: a write outside any view that met the lock is the busy page too, not «Внутренняя
    ошибка сервера»."""
    if _locked_in_chain(sys.exc_info()[1]):
        return database_busy_response()
    return defaults.server_error(request)
