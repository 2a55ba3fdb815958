"""What a computation needs before it can run, said in Russian.

Commands, jobs and pages that compute from catalogues (indicators, zoning methods, the roadmap
catalogue of directions and steps, the ЕГЭ minimum scores) ask the named checks of
`monitoring/preconditions.py` and `roadmaps/preconditions.py` first. A check returns None when
all is there, or the message: what is missing and which command or page supplies it. The
service that computes enforces its checks with `require`, so every caller meets the same rule:

- a management command turns PreconditionError into CommandError (`command_preconditions`):
  the message on stderr, exit code 1;
- a job ends failed with the message itself on its progress page (config.jobs.services);
- a page that only shows data shows the message above the (empty) data, status 200; an action
  that cannot proceed answers 409 Conflict with a page holding the message
  (PreconditionMiddleware) — never a raw database error or a server error.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError
from django.shortcuts import render


class PreconditionError(Exception):
    """A computation was asked for before what it computes from exists; str() says in Russian what
    is missing and which command or page supplies it."""


def unmet(*messages: str | None) -> list[str]:
    """The messages of the checks that failed (a check passes with None)."""
    return [message for message in messages if message]


def require(*messages: str | None) -> None:
    """Raise PreconditionError with every failed check's message."""
    missing = unmet(*messages)
    if missing:
        raise PreconditionError(" ".join(missing))


@contextmanager
def command_preconditions() -> Iterator[None]:
    """Inside a management command: an unmet precondition is a CommandError (stderr, exit code 1)."""
    try:
        yield
    except PreconditionError as error:
        raise CommandError(str(error)) from error


class PreconditionMiddleware:
    """An action refused because its catalogue or data is missing: the Russian page, status 409."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PreconditionError):
            return None
        return render(request, "precondition.html", {"message": str(exception)}, status=409)
