"""Fuzzing the writing importer, not only the reader: valid format A and B files (CSV and .xlsx)
mutated cell by cell, row by row and byte by byte go through preview and import, as the page
and the command do. Whatever comes in:

- the service never raises: a bad file ends as a refused import with Russian problems;
- a refused import (and any preview) leaves every result, statistic and assessment as it was
  before, compared with a snapshot that holds data of an earlier good import;
- an accepted import replaces whole (assessment, school) pairs, its statistics agree with its
  rows, and it leaves exactly what a clean import of only its valid rows leaves.

Each example runs in a savepoint that is rolled back, so every example starts from the same data.
"""

import os
import re
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from monitoring.models import Assessment, ResultImport, SchoolStat, StudentResult
from monitoring.services import (
    RESULT_COLUMNS,
    STAT_AGGREGATES,
    result_import_apply,
    result_import_create,
    result_import_preview,
)

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
YEAR = 2024

A_HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "1", "2", "Первичный балл", "Отметка", "Отметка по журналу"]
B_HEADER = ["Код ОО", "Предмет", "Параллель", "Кол-во участников", "2", "3", "4", "5"]

# Cells a person (or a broken export) really puts where a code, a class or a mark belongs.
ODD_CELLS = [
    "",
    " ",
    "sch404",  # unknown school
    "uo1",  # the authority: an organisation, but not a school
    " SCH000101 ",  # a known code in another case, with spaces
    "Х",
    "-",
    "отсутствовал",
    "0",
    "1",
    "7",
    "-1",
    "4,5",
    "3.0",
    "99999999999999999999",
    "5А",
    "12Я",
    "Физика",
    "Математика",
    "=1+1",
    "N/A",
    "нет",
    "«4»",
    "5\x01",  # a control character: a CSV may carry one, a workbook cannot
]
# No control characters in random text: a CSV record then stays one line (problem rows map back
# to list rows). Junk bytes are added separately, to the serialised file.
CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
    max_size=12,
)
CELL = st.one_of(
    st.sampled_from(ODD_CELLS),
    CELL_TEXT,
    st.integers(-3, 120),
    st.floats(-10, 200, allow_nan=False, allow_infinity=False),
    st.none(),
)

# database=None: no .hypothesis folder in the project tree. Function-scoped fixtures are fine:
# every example rolls back to the data they set up.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assessment_key(prefix=""):
    return [f"{prefix}assessment__{name}" for name in ("kind", "year", "subject", "grade")]


# The columns the importer writes, the keys as values (codes, not ids) and no import link.
RESULT_FIELDS = [
    *assessment_key(),
    "organization__code",
    *[column for column in RESULT_COLUMNS if column not in ("assessment_id", "organization_id", "result_import_id")],
]
STAT_FIELDS = [*assessment_key(), "organization__code", "source", *STAT_AGGREGATES]


def snapshot() -> dict:
    """Everything an import may touch, as multisets of values (no ids, no import links)."""
    return {
        "results": Counter(StudentResult.objects.values_list(*RESULT_FIELDS)),
        "stats": Counter(SchoolStat.objects.values_list(*STAT_FIELDS)),
        "assessments": Counter(Assessment.objects.values_list("kind", "year", "subject", "grade", "scale")),
    }


def pair_of(values: tuple) -> tuple:
    """(assessment kind, year, subject, grade, school code) of a result or statistics row."""
    return values[:5]


# --------------------------------------------------------------------------- data before the fuzz


@pytest.fixture
def earlier_data(xlsx, run_import, school_a, school_b, authority):
    """Results of an earlier good import (two subjects) and imported statistics of a third one."""
    rows = [
        A_HEADER,
        [school_a.code, "5А", "Математика", "old-a1", 1, 1, 7, 3, 4],
        [school_a.code, "5А", "Математика", "old-a2", 2, 2, 14, 5, 5],
        [school_b.code, "5", "Математика", "old-b1", 0, 1, 3, 2, 3],
        [school_a.code, "5Б", "Русский язык", "old-a3", 1, 0, 9, 4, 4],
    ]
    first, _ = run_import(xlsx(rows), "earlier.xlsx", kind="vpr", year=YEAR)
    stats = [B_HEADER, [school_b.code, "История", 6, 10, 1, 3, 4, 2]]
    second, _ = run_import(xlsx(stats), "earlier-b.xlsx", kind="vpr", year=YEAR, format="school_stats")
    assert first.status == second.status == ResultImport.Status.IMPORTED, (first.problems, second.problems)
    before = snapshot()
    assert sum(before["results"].values()) == 4 and sum(before["stats"].values()) == 4
    return before


@pytest.fixture
def a_rows(school_a, school_b):
    """A valid format A file that changes the earlier data: new pupils, other marks, a title row."""
    return [
        ["Результаты ВПР 2024"],
        A_HEADER,
        [school_a.code, "5А", "Математика", "new-a1", 2, 2, 15, 5, 5],
        [school_a.code, "5А", "Математика", "new-a2", 1, 0, 5, 2, 3],
        [school_a.code, "5Б", "Математика", "new-a3", 1, 1, 9, 4, 3],
        [school_b.code, "5", "Математика", "new-b1", 2, 1, 12, 4, 4],
        [school_b.code, "5", "Русский язык", "new-b2", 0, 0, 2, 2, 2],
    ]


@pytest.fixture
def b_rows(school_a, school_b):
    return [
        B_HEADER,
        [school_a.code, "Математика", 5, 20, 2, 8, 6, 4],
        [school_b.code, "Математика", 5, 10, 10, 20, 30, 40],
        [school_b.code, "История", 6, 8, 0, 2, 4, 2],
    ]


# --------------------------------------------------------------------------- mutations


@st.composite
def mutated_rows(draw, rows: list[list], header: int) -> list[list]:
    """Mostly data cells garbled (rows then get refused one by one), sometimes the header itself,
    a column or a row gone, a row twice, or a junk row."""
    rows = [list(row) for row in rows]
    operations = ["data_cell"] * 4 + ["header_cell", "drop_column", "drop_row", "copy_row", "add_row"]
    for _ in range(draw(st.integers(0, 4))):
        operation = draw(st.sampled_from(operations))
        i = draw(st.integers(min(header + 1, len(rows) - 1), len(rows) - 1))
        if operation == "header_cell":
            i = header
        if operation in {"data_cell", "header_cell"} and rows[i]:
            rows[i][draw(st.integers(0, len(rows[i]) - 1))] = draw(CELL)
        elif operation == "drop_column":
            column = draw(st.integers(0, max(len(row) for row in rows) - 1))
            rows = [[cell for number, cell in enumerate(row) if number != column] for row in rows]
        elif operation == "drop_row" and len(rows) > 1:
            del rows[i]
        elif operation == "copy_row":  # the same participant twice, or a school twice in format B
            rows.insert(draw(st.integers(0, len(rows))), list(rows[i]))
        elif operation == "add_row":
            rows.insert(draw(st.integers(0, len(rows))), draw(st.lists(CELL, max_size=10)))
    return rows


DELIMITERS = {";": "semicolon", ",": "comma"}


@st.composite
def serialised(draw, rows: list[list], xlsx, csv_file) -> tuple[bytes, str]:
    if draw(st.booleans()):
        return write_xlsx(xlsx, rows), "fuzz.xlsx"
    encoding = draw(st.sampled_from(["cp1251", "utf-8", "utf-8-sig"]))
    delimiter = draw(st.sampled_from([";", ","]))
    try:
        return write_csv(csv_file, rows, encoding, delimiter), f"fuzz.{encoding}.{DELIMITERS[delimiter]}.csv"
    except UnicodeEncodeError:  # a character Windows-1251 has no place for: UTF-8 then
        return write_csv(csv_file, rows, "utf-8", delimiter), f"fuzz.utf-8.{DELIMITERS[delimiter]}.csv"


def write_csv(csv_file, rows: list[list], encoding: str, delimiter: str) -> bytes:
    return csv_file(
        [["" if cell is None else str(cell) for cell in row] for row in rows], encoding=encoding, delimiter=delimiter
    )


def write_xlsx(xlsx, rows: list[list]) -> bytes:
    """A workbook cannot hold control characters (openpyxl refuses them): they are left out."""
    return xlsx([[NOT_IN_XML.sub("", cell) if isinstance(cell, str) else cell for cell in row] for row in rows])


NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_like(filename: str, rows: list[list], xlsx, csv_file) -> bytes:
    """The rows written the way the fuzzed file was (the file name records how)."""
    if filename.endswith(".xlsx"):
        return write_xlsx(xlsx, rows)
    _, encoding, delimiter, _ = filename.split(".")
    return write_csv(csv_file, rows, encoding, {name: char for char, name in DELIMITERS.items()}[delimiter])


@st.composite
def broken_bytes(draw, data: bytes) -> bytes:
    """Junk inserted, bytes overwritten, or the file cut short (an interrupted upload)."""
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(st.sampled_from(["insert", "overwrite", "truncate"]))
        # Not integers(0, len(data)): a workbook's length varies with the time it was written
        # (zip timestamps), and Hypothesis needs the same draws to replay an example.
        position = draw(st.integers(0, 1 << 20)) % (len(data) + 1)
        if operation == "insert":
            data = data[:position] + draw(st.binary(min_size=1, max_size=16)) + data[position:]
        elif operation == "overwrite":
            junk = draw(st.binary(min_size=1, max_size=8))
            data = data[:position] + junk + data[position + len(junk) :]
        else:
            data = data[:position]
    return data


@st.composite
def fuzz_case(draw, base: list[list], xlsx, csv_file) -> dict:
    rows = draw(mutated_rows(base, header=next(i for i, row in enumerate(base) if "Код ОО" in row)))
    data, filename = draw(serialised(rows, xlsx, csv_file))
    byte_level = draw(st.integers(0, 4)) == 0
    if byte_level:
        data = draw(broken_bytes(data))
    return {
        "rows": rows,
        "data": data,
        "filename": filename,
        "byte_level": byte_level,
        "accept_partial": draw(st.sampled_from([True, True, False])),
        "subject": draw(st.sampled_from(["", "", "Математика"])),
        "grade": draw(st.sampled_from([None, None, 5])),
    }


# --------------------------------------------------------------------------- running and checking


def import_through_service(municipality, case: dict, *, data: bytes | None = None, accept_partial=None):
    """Upload, preview, then import — the order the page follows. Returns (record, preview, outcome)."""
    result_import = result_import_create(
        municipality=municipality,
        data=case["data"] if data is None else data,
        filename=case["filename"],
        kind="vpr",
        year=YEAR,
        subject=case["subject"],
        grade=case["grade"],
        format=case["format"],
    )
    before = snapshot()
    preview = result_import_preview(result_import=ResultImport.objects.get(pk=result_import.pk))
    assert snapshot() == before, "a preview wrote data"
    outcome = result_import_apply(
        result_import=ResultImport.objects.get(pk=result_import.pk),
        accept_partial=case["accept_partial"] if accept_partial is None else accept_partial,
    )
    result_import.refresh_from_db()
    return result_import, preview, outcome


def assert_reported_in_russian(result_import, preview, outcome) -> None:
    assert result_import.status in {ResultImport.Status.IMPORTED, ResultImport.Status.REJECTED}, result_import.status
    for problem in outcome.problems:
        assert CYRILLIC.search(problem["reason"]), problem
    if result_import.status == ResultImport.Status.REJECTED:
        assert outcome.problems, "a refused file must say why"
        assert outcome.imported == 0
    assert (preview.read, preview.rejected) == (outcome.read, outcome.rejected)


def outside(counter: Counter, covered: set) -> Counter:
    return Counter({row: n for row, n in counter.items() if pair_of(row) not in covered})


def assert_pairs_replaced(before: dict, after: dict, result_import) -> None:
    """Format A: the (assessment, school) pairs the import wrote hold only its rows, every other
    pair is as it was, and the computed statistics of the written pairs agree with the rows."""
    written = Counter(StudentResult.objects.filter(result_import=result_import).values_list(*RESULT_FIELDS))
    assert sum(written.values()) == result_import.imported_count
    covered = {pair_of(row) for row in written}
    assert after["results"] - outside(after["results"], covered) == written, "old rows left in a replaced pair"
    assert outside(after["results"], covered) == outside(before["results"], covered), "other pairs changed"
    assert outside(after["stats"], covered) == outside(before["stats"], covered), "other statistics changed"
    stats = {pair_of(row): row for row in after["stats"] if pair_of(row) in covered}
    assert set(stats) == covered
    for pair, stat in stats.items():
        rows = [row for row in written.elements() if pair_of(row) == pair]
        marks = Counter(row[RESULT_FIELDS.index("mark")] for row in rows)
        source, participants, *counts = stat[5:11]
        assert (source, participants, counts) == (
            SchoolStat.Source.COMPUTED,
            len(rows),
            [marks[2], marks[3], marks[4], marks[5]],
        ), pair


def rejected_rows(outcome) -> set[int]:
    # One sheet (the CSV's is named after the file), so a row number names a row of `rows`.
    assert len({problem["sheet"] for problem in outcome.problems if problem["row"] is not None}) <= 1
    return {problem["row"] for problem in outcome.problems if problem["row"] is not None}


def check_case(case: dict, municipality, earlier: dict, xlsx, csv_file) -> str:
    """Run one fuzzed file through the service and check it; returns what happened, for statistics."""
    assert snapshot() == earlier
    with rolled_back():
        result_import, preview, outcome = import_through_service(municipality, case)
        assert_reported_in_russian(result_import, preview, outcome)
        label = f"{result_import.status}, rows rejected: {bool(outcome.rejected)}, junk bytes: {case['byte_level']}"
        after = snapshot()
        if result_import.status == ResultImport.Status.REJECTED:
            assert after == earlier, "a refused import changed the data"
            return label
        assert outcome.rejected == 0 or case["accept_partial"], "rows were rejected but the file was imported"
        if case["format"] == ResultImport.Format.STUDENTS:
            assert_pairs_replaced(earlier, after, result_import)
        skipped = rejected_rows(outcome)
    if case["byte_level"]:
        return label  # the rows of a file with junk bytes are not known here; the checks above hold
    # The same file without the rows the importer refused, imported cleanly from the same data.
    clean_rows = [row for number, row in enumerate(case["rows"], start=1) if number not in skipped]
    clean = {**case, "rows": clean_rows}
    clean_data = write_like(case["filename"], clean_rows, xlsx, csv_file)
    with rolled_back():
        clean_import, _, clean_outcome = import_through_service(
            municipality, clean, data=clean_data, accept_partial=False
        )
        assert clean_outcome.rejected == 0, clean_outcome.problems
        assert snapshot() == after, "the accepted import differs from a clean import of its valid rows"
    assert clean_import.status == ResultImport.Status.IMPORTED, clean_outcome.problems
    return label


# --------------------------------------------------------------------------- the properties


def test_fuzzed_format_a_imports_are_all_or_valid_rows_only(
    municipality, earlier_data, a_rows, xlsx, csv_file, school_a, school_b
):
    @FUZZ
    @given(case=fuzz_case(a_rows, xlsx, csv_file))
    def run(case):
        event(check_case({**case, "format": ResultImport.Format.STUDENTS}, municipality, earlier_data, xlsx, csv_file))

    run()


def test_fuzzed_format_b_imports_are_all_or_valid_rows_only(
    municipality, earlier_data, b_rows, xlsx, csv_file, school_a, school_b
):
    @FUZZ
    @given(case=fuzz_case(b_rows, xlsx, csv_file))
    def run(case):
        event(
            check_case({**case, "format": ResultImport.Format.SCHOOL_STATS}, municipality, earlier_data, xlsx, csv_file)
        )

    run()


def test_the_fuzz_can_tell_a_partial_write(municipality, earlier_data, a_rows, xlsx, csv_file, monkeypatch):
    """The checks are not vacuous: a writer that keeps the old rows of a pair it replaces is caught."""
    from django.db.models import QuerySet

    real_raw_delete = QuerySet._raw_delete

    def keeps_old_results(self, using):
        return 0 if self.model is StudentResult else real_raw_delete(self, using)

    monkeypatch.setattr(QuerySet, "_raw_delete", keeps_old_results)
    case = {
        "rows": a_rows,
        "data": xlsx(a_rows),
        "filename": "clean.xlsx",
        "byte_level": False,
        "accept_partial": False,
        "subject": "",
        "grade": None,
        "format": ResultImport.Format.STUDENTS,
    }
    with pytest.raises(AssertionError, match="old rows left in a replaced pair"):
        check_case(case, municipality, earlier_data, xlsx, csv_file)


# --------------------------------------------------------------------------- what the fuzz found
# Each of these crashed the import (an unhandled exception, the job failed with an English or
# empty message) before the fix that came with it.


def test_control_character_in_a_rejected_csv_row_is_reported(municipality, earlier_data, csv_file, school_a):
    """The rejected-rows workbook copies the row; openpyxl refused the control character."""
    from openpyxl import load_workbook

    rows = [
        B_HEADER,
        [school_a.code, "Математика", 5, 20, 2, 8, 6, 4],
        [school_a.code, "История", "6\x01", 8, 0, 2, 4, 2],
    ]
    result_import = result_import_create(
        municipality=municipality, data=csv_file(rows), filename="b.csv", kind="vpr", year=YEAR, format="school_stats"
    )
    outcome = result_import_apply(result_import=result_import)
    result_import.refresh_from_db()
    assert result_import.status == ResultImport.Status.REJECTED
    assert [problem["row"] for problem in outcome.problems] == [3]
    assert snapshot() == earlier_data
    sheet = load_workbook(result_import.rejected_file.path).active
    assert [cell.value for cell in sheet[2]][:5] == ["b.csv", 3, school_a.code, "История", "6"]


@pytest.mark.parametrize("accept_partial", [False, True])
def test_a_file_with_nothing_to_take_is_refused_with_a_reason(
    municipality, earlier_data, csv_file, xlsx, school_a, accept_partial
):
    header_only = csv_file([A_HEADER])
    all_rejected = xlsx([A_HEADER, ["sch404", "5А", "Математика", "x1", 1, 1, 7, 3, 4]])
    for data, filename in [(header_only, "header.csv"), (all_rejected, "unknown.xlsx")]:
        result_import = result_import_create(
            municipality=municipality, data=data, filename=filename, kind="vpr", year=YEAR
        )
        outcome = result_import_apply(result_import=result_import, accept_partial=accept_partial)
        result_import.refresh_from_db()
        assert result_import.status == ResultImport.Status.REJECTED, filename
        assert outcome.problems and all(CYRILLIC.search(problem["reason"]) for problem in outcome.problems)
        assert snapshot() == earlier_data
    assert "нет ни одной строки" in ResultImport.objects.get(original_name="header.csv").problems[0]["reason"]


def test_a_school_written_two_ways_is_one_school(municipality, earlier_data, xlsx, school_a):
    """The registry matches «SCH000101» and «sch000101» as one school, so the duplicate checks do too
    (format B broke on the statistics' unique constraint; format A counted a pupil twice)."""
    stats = [
        B_HEADER,
        [school_a.code, "Математика", 5, 20, 2, 8, 6, 4],
        [" SCH000101 ", "Математика", 5, 4, 1, 1, 1, 1],
    ]
    pupils = [
        A_HEADER,
        [school_a.code, "5А", "Математика", "p1", 1, 1, 7, 3, 4],
        ["SCH000101", "5А", "Математика", "p1", 2, 2, 15, 5, 5],
    ]
    for rows, format in [(stats, "school_stats"), (pupils, "students")]:
        result_import = result_import_create(
            municipality=municipality, data=xlsx(rows), filename=f"{format}.xlsx", kind="vpr", year=YEAR, format=format
        )
        outcome = result_import_apply(result_import=result_import)
        result_import.refresh_from_db()
        assert result_import.status == ResultImport.Status.REJECTED, format
        assert [problem["row"] for problem in outcome.problems] == [3], outcome.problems
        assert "уже есть в строке 2" in outcome.problems[0]["reason"]
    assert snapshot() == earlier_data
