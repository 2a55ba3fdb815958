"""The embedded default on a real SQLite file (not the test suite's in-memory database): two people
write at once, and a write that cannot get the database gets «База данных занята», not a 500."""

import sqlite3
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from roadmaps.catalogue import catalogue_load
from roadmaps.execution import services as services_execution
from roadmaps.models import Evidence
from tests.roadmaps.execution_factories import kind, make_plan, pdf_upload

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite, the embedded default"
)


@pytest.fixture
def file_database(transactional_db, tmp_path) -> Path:
    """The test database copied into a file, and every connection of this test (any thread) on that
    file with the product's own OPTIONS. The in-memory database is kept open aside and put back."""
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    in_memory = connection.connection
    with sqlite3.connect(path) as copy:
        in_memory.backup(copy)
    copy.close()
    in_memory_name = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(path)
    connection.connection = None
    try:
        catalogue_load()  # what the session put there is gone after an earlier transactional test
        yield path
    finally:
        connection.close()
        connection.settings_dict["NAME"] = in_memory_name
        connection.connection = in_memory


@pytest.fixture
def assignment(file_database, authority, school_a, school_b):
    return make_plan(authority, school_a, school_b)[2][0]


def post_evidence(client: Client, assignment, title: str):
    return client.post(
        reverse("execution:evidence_add", args=[assignment.pk]),
        {"kind": kind().pk, "title": title, "file": pdf_upload(f"{title}.pdf")},
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def waiting_to_begin(thread: threading.Thread) -> bool:
    """The thread is in Django's BEGIN of a transaction: with BEGIN IMMEDIATE it stays there while
    another connection holds the write lock."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name == "_start_transaction_under_autocommit":
            return True
        frame = frame.f_back
    return False


def test_the_product_opens_sqlite_in_wal_mode_with_immediate_transactions(file_database):
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == settings.SQLITE_BUSY_TIMEOUT_SECONDS
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == settings.SQLITE_BUSY_TIMEOUT_SECONDS * 1000


def test_two_simultaneous_uploads_to_one_occurrence_both_succeed(assignment, director_a, monkeypatch):
    """Both uploads are in the database at the same time: the first holds its transaction open (after
    reading the occurrence) until the second has either read it too or is waiting for the write
    lock. With deferred transactions the later writer would fail at once («database is locked»)."""
    clients = [logged_in(director_a), logged_in(director_a)]
    first: list[threading.Thread] = []
    second_inside = threading.Event()
    roles = threading.Lock()
    real_locked = services_execution._locked

    def locked(occurrence):
        occurrence = real_locked(occurrence)
        me = threading.current_thread()
        with roles:
            am_first = not first
            if am_first:
                first.append(me)
        if not am_first:
            second_inside.set()
            return occurrence
        other = next(thread for thread in threads if thread is not me)
        deadline = time.monotonic() + 30
        while not (second_inside.is_set() or waiting_to_begin(other)):
            assert time.monotonic() < deadline, "the second upload never reached the database"
            time.sleep(0.001)
        return occurrence

    monkeypatch.setattr(services_execution, "_locked", locked)
    responses: dict[str, object] = {}

    def upload(client, title):
        try:
            responses[title] = post_evidence(client, assignment, title)
        except BaseException as error:  # reported by the main thread
            responses[title] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=upload, args=(client, title))
        for client, title in zip(clients, ["Протокол", "Приказ"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    statuses = {title: getattr(response, "status_code", response) for title, response in responses.items()}
    assert statuses == {"Протокол": 302, "Приказ": 302}
    assert sorted(Evidence.objects.values_list("title", flat=True)) == ["Приказ", "Протокол"]
    assignment.refresh_from_db()
    assert assignment.status == "in_progress"


@pytest.fixture
def short_busy_timeout():
    """A tenth of a second instead of SQLITE_BUSY_TIMEOUT_SECONDS, for connections opened from now on."""
    options = connection.settings_dict["OPTIONS"]
    saved = options["timeout"]
    options["timeout"] = 0.1
    connection.close()
    yield
    connection.close()
    options["timeout"] = saved


@contextmanager
def write_lock_held(path: Path):
    """Another process's long write: a connection of its own holding SQLite's write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.rollback()
        other.close()


class WriteStarts:
    """An execute wrapper counting the connection's BEGINs that failed; `after_first_failure` runs
    when the first has failed."""

    def __init__(self, after_first_failure=None):
        self.failed: list[str] = []
        self.after_first_failure = after_first_failure

    def __call__(self, execute, sql, params, many, context):
        if not sql.startswith("BEGIN"):
            return execute(sql, params, many, context)
        try:
            return execute(sql, params, many, context)
        except Exception as error:
            self.failed.append(f"{sql}: {error}")
            if self.after_first_failure is not None and len(self.failed) == 1:
                self.after_first_failure()
            raise


def stored_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def test_an_upload_that_cannot_get_the_database_gets_the_busy_page(
    file_database, assignment, director_a, short_busy_timeout
):
    client = logged_in(director_a)
    before = stored_files()
    starts = WriteStarts()
    with write_lock_held(file_database), connection.execute_wrapper(starts):
        response = post_evidence(client, assignment, "Протокол")
    assert response.status_code == 503
    assert "База данных занята, попробуйте ещё раз" in response.content.decode() and response["Retry-After"] == "5"
    assert starts.failed == ["BEGIN IMMEDIATE: database is locked"] * 3  # the write's start, tried three times
    assert not Evidence.objects.exists()
    assert stored_files() == before


def test_a_write_is_retried_when_the_lock_is_released(file_database, assignment, director_a, short_busy_timeout):
    """The first start meets the lock; the other writer finishes; the next start gets it."""
    client = logged_in(director_a)
    with write_lock_held(file_database) as other:
        starts = WriteStarts(after_first_failure=other.rollback)
        with connection.execute_wrapper(starts):
            response = post_evidence(client, assignment, "Протокол")
    assert response.status_code == 302
    assert starts.failed == ["BEGIN IMMEDIATE: database is locked"]
    assert Evidence.objects.get().title == "Протокол"


def test_a_page_whose_session_cannot_be_saved_gets_the_busy_page(
    file_database, assignment, director_a, short_busy_timeout
):
    """Pages read while somebody writes (WAL); only the session's once-a-minute touch needs the lock,
    and when it cannot have it the page is the busy page, not «Внутренняя ошибка сервера»."""
    client = logged_in(director_a)
    client.raise_request_exception = False
    with write_lock_held(file_database):
        response = client.get(reverse("execution:assignment", args=[assignment.pk]))
    assert response.status_code == 503
    assert "База данных занята, попробуйте ещё раз" in response.content.decode()
