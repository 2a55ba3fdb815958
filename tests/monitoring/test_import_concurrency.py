"""Two imports of the same assessment at once, for real: two threads, each with its own
PostgreSQL connection, import different files of the same ВПР work. The first one is held
just after it has taken the assessment lock; the second must then wait in the database (seen
in pg_stat_activity) and run only after the first has committed. The data left is exactly
the second file's, never a mix of the two.
"""

import threading
import time

import pytest
from django.db import connection

from monitoring import services
from monitoring.models import ResultImport, SchoolStat, StudentResult
from monitoring.services import result_import_apply, result_import_create

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no row locks (SELECT … FOR UPDATE is a no-op) and one writer at a time: "
        "the overlap is tested on PostgreSQL (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"]
STATS_HEADER = ["Код ОО", "Предмет", "Параллель", "Кол-во участников", "2", "3", "4", "5"]
WAIT = 20  # seconds: generous limits, reached only when something is wrong


def pupils(school_a, school_b, prefix: str, mark: int) -> list[list]:
    return [
        HEADER,
        *([school_a.code, "5а", "Математика", f"{prefix}-a{n}", mark] for n in range(1, 4)),
        *([school_b.code, "5б", "Математика", f"{prefix}-b{n}", mark] for n in range(1, 3)),
    ]


def results() -> set:
    return set(StudentResult.objects.values_list("organization__code", "participant_code", "mark"))


def stats() -> set:
    return set(SchoolStat.objects.values_list("organization__code", "source", "participants", "mark_3", "mark_5"))


def backend_waits_on_a_lock(pid: int) -> str | None:
    """The query a backend is blocked in, if it waits for a lock another transaction holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'", [pid])
        row = cursor.fetchone()
    return row[0] if row else None


class ImportThread(threading.Thread):
    """Runs one import on its own database connection, and closes that connection at the end."""

    def __init__(self, result_import: ResultImport):
        super().__init__(daemon=True)
        self.result_import = result_import
        self.backend_pid: int | None = None
        self.connected = threading.Event()
        self.error: BaseException | None = None
        self.finished_at: float | None = None

    def run(self):
        try:
            connection.ensure_connection()
            self.backend_pid = connection.connection.get_backend_pid()
            self.connected.set()
            result_import_apply(result_import=ResultImport.objects.get(pk=self.result_import.pk))
            self.finished_at = time.monotonic()
        except BaseException as error:  # reported by the test, in the main thread
            self.error = error
        finally:
            self.connected.set()
            connection.close()


def run_two_at_once(monkeypatch, first: ResultImport, second: ResultImport) -> dict:
    """Start `first`, hold it right after it has locked the assessments, start `second`, see
    where `second` waits, then let `first` go. Returns what was seen."""
    holding, release = threading.Event(), threading.Event()
    real_assessments = services._assessments

    def assessments_then_hold(result_import, pairs):
        found = real_assessments(result_import, pairs)  # the assessment rows are locked here
        if result_import.pk == first.pk:
            holding.set()
            assert release.wait(WAIT), "the test never let the first import go"
        return found

    monkeypatch.setattr(services, "_assessments", assessments_then_hold)
    a, b = ImportThread(first), ImportThread(second)
    a.start()
    try:
        assert holding.wait(WAIT), f"the first import never reached its lock: {a.error!r}"
        b.start()
        assert b.connected.wait(WAIT)
        waited_in, deadline = None, time.monotonic() + WAIT
        while waited_in is None and b.is_alive() and time.monotonic() < deadline:
            waited_in = backend_waits_on_a_lock(b.backend_pid)
            time.sleep(0.02)
        second_done_while_first_held = not b.is_alive()
        released_at = time.monotonic()
    finally:
        release.set()
        a.join(WAIT)
        b.join(WAIT)
    assert not a.is_alive() and not b.is_alive(), "an import hangs"
    assert a.error is None and b.error is None, (a.error, b.error)
    return {
        "waited_in": waited_in,
        "second_done_while_first_held": second_done_while_first_held,
        "second_finished_after_release": b.finished_at is not None and b.finished_at >= released_at,
    }


def test_second_import_of_the_same_work_waits_and_replaces_the_first_whole(
    monkeypatch, municipality, school_a, school_b, xlsx
):
    old = result_import_create(
        municipality=municipality,
        data=xlsx(pupils(school_a, school_b, "old", 3)),
        filename="old.xlsx",
        kind="vpr",
        year=2024,
    )
    result_import_apply(result_import=old)
    file_a, file_b = pupils(school_a, school_b, "first", 4), pupils(school_a, school_b, "second", 5)
    first = result_import_create(municipality=municipality, data=xlsx(file_a), filename="a.xlsx", kind="vpr", year=2024)
    second = result_import_create(
        municipality=municipality, data=xlsx(file_b), filename="b.xlsx", kind="vpr", year=2024
    )

    seen = run_two_at_once(monkeypatch, first, second)

    assert not seen["second_done_while_first_held"], "the second import did not wait for the first"
    assert seen["waited_in"] and "FOR UPDATE" in seen["waited_in"], seen
    assert seen["second_finished_after_release"]
    expected_b = {(row[0], row[3], row[4]) for row in file_b[1:]}
    expected_a = {(row[0], row[3], row[4]) for row in file_a[1:]}
    assert results() in (expected_a, expected_b), "a mix of the two files"
    assert results() == expected_b  # the one that waited wrote last
    assert stats() == {(school_a.code, "computed", 3, 0, 3), (school_b.code, "computed", 2, 0, 2)}
    statuses = dict(ResultImport.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == ResultImport.Status.IMPORTED
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.imported_at < second.imported_at


def test_two_first_ever_imports_of_a_work_do_not_make_two_works(monkeypatch, municipality, school_a, school_b, xlsx):
    """No assessment yet: both create it at once; the unique constraint makes the second wait."""
    from monitoring.models import Assessment

    file_a, file_b = pupils(school_a, school_b, "first", 4), pupils(school_a, school_b, "second", 5)
    first = result_import_create(municipality=municipality, data=xlsx(file_a), filename="a.xlsx", kind="vpr", year=2024)
    second = result_import_create(
        municipality=municipality, data=xlsx(file_b), filename="b.xlsx", kind="vpr", year=2024
    )

    seen = run_two_at_once(monkeypatch, first, second)

    assert not seen["second_done_while_first_held"] and seen["waited_in"], seen
    assert Assessment.objects.count() == 1
    assert results() == {(row[0], row[3], row[4]) for row in file_b[1:]}
    assert StudentResult.objects.filter(result_import=first).count() == 0


def test_two_statistics_imports_of_the_same_work_do_not_mix(monkeypatch, municipality, school_a, school_b, xlsx):
    """Format B (statistics per school) goes through the same lock."""
    old = result_import_create(
        municipality=municipality,
        data=xlsx(
            [
                STATS_HEADER,
                [school_a.code, "Математика", 5, 4, 1, 1, 1, 1],
                [school_b.code, "Математика", 5, 4, 1, 1, 1, 1],
            ]
        ),
        filename="old.xlsx",
        kind="vpr",
        year=2024,
        format="school_stats",
    )
    result_import_apply(result_import=old)
    rows_a = [
        STATS_HEADER,
        [school_a.code, "Математика", 5, 10, 0, 10, 0, 0],
        [school_b.code, "Математика", 5, 10, 0, 10, 0, 0],
    ]
    rows_b = [
        STATS_HEADER,
        [school_a.code, "Математика", 5, 20, 0, 0, 0, 20],
        [school_b.code, "Математика", 5, 20, 0, 0, 0, 20],
    ]
    first = result_import_create(
        municipality=municipality, data=xlsx(rows_a), filename="a.xlsx", kind="vpr", year=2024, format="school_stats"
    )
    second = result_import_create(
        municipality=municipality, data=xlsx(rows_b), filename="b.xlsx", kind="vpr", year=2024, format="school_stats"
    )

    seen = run_two_at_once(monkeypatch, first, second)

    assert not seen["second_done_while_first_held"] and "FOR UPDATE" in (seen["waited_in"] or ""), seen
    assert stats() == {(school_a.code, "imported", 20, 0, 20), (school_b.code, "imported", 20, 0, 20)}
