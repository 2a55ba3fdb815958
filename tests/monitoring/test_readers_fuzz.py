"""Mutated CSV files never break the readers: they either refuse the file with a ReaderError or
read it, and every problem has a Russian reason and a row number inside the file."""

import csv
import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.readers import ReaderError, ReadResult, read_school_stats, read_student_results

CYRILLIC = re.compile(r"[А-Яа-яЁё]")

STUDENT_ROWS = [
    ["Результаты ВПР"],
    ["Код ОО", "Класс", "Предмет", "Код участника", "1", "2(1)", "Отметка", "Отметка по журналу", "Уровень"],
    ["000123", "5А", "Математика", "001", "1", "0", "4", "4", "базовый"],
    ["000123", "5Б", "Математика", "002", "2", "1", "5", "", "повышенный"],
    ["000124", "6", "Русский язык", "003", "0", "0", "2", "3", "пониженный"],
    ["000124", "6А", "Русский язык", "003", "Х", "1", "3", "3", "недостаточный"],
]
STATS_ROWS = [
    ["Код ОО", "Предмет", "Параллель", "Кол-во участников", "2", "3", "4", "5", "Понизили", "Подтвердили", "Повысили"],
    ["s1", "Математика", "5", "20", "2", "8", "6", "4", "2", "16", "2"],
    ["s2", "Математика", "5", "10", "10", "20", "30", "40", "", "", ""],
    ["s3", "История", "6", "8", "12,5", "37,5", "25", "25", "", "", ""],
]


@st.composite
def mutated_csv(draw, rows: list[list[str]]) -> bytes:
    rows = [list(row) for row in rows]
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(rows) - 1))
        if rows[i]:
            rows[i][draw(st.integers(0, len(rows[i]) - 1))] = draw(st.text(max_size=20))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=draw(st.sampled_from([";", ","])), lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251"])), errors="replace")
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(data)))
        data = data[:position] + draw(st.binary(min_size=1, max_size=16)) + data[position:]
    return data


def _check(data: bytes, read) -> None:
    try:
        result: ReadResult = read(io.BytesIO(data))
    except ReaderError as error:
        assert error.problems
        assert all(CYRILLIC.search(problem.reason) for problem in error.problems)
        assert CYRILLIC.search(str(error))
        return
    # A record never spans less than one line, so no row number can exceed the line count.
    last_row = len(data) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.count(b"\n") + 1
    for problem in result.problems:
        assert CYRILLIC.search(problem.reason), problem
        assert problem.row is not None and 1 <= problem.row <= last_row, problem
    assert result.read >= len(result.rows) + result.absent


# database=None: no .hypothesis folder left in the project tree.
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=mutated_csv(STUDENT_ROWS), kind=st.sampled_from(["vpr", "oge", "ege", "kdr"]))
def test_mutated_student_csv_only_ever_raises_reader_error(data, kind):
    _check(data, lambda source: read_student_results(source, filename="fuzz.csv", kind=kind, pseudonym_key=b"k"))


@FUZZ
@given(data=mutated_csv(STATS_ROWS))
def test_mutated_school_stats_csv_only_ever_raises_reader_error(data):
    _check(data, lambda source: read_school_stats(source, filename="fuzz.csv"))
