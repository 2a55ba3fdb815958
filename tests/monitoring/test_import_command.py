"""`manage.py import_results`: the summary, one line per problem, --json, the exit code, and
nothing written on rejection unless --accept-partial."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from monitoring.models import StudentResult

HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"]


@pytest.fixture
def good_file(tmp_path, xlsx, school_a, school_b):
    path = tmp_path / "vpr.xlsx"
    path.write_bytes(
        xlsx(
            [HEADER, [school_a.code, "5а", "Математика", "1", 4], [school_b.code, "5", "Математика", "2", 3]],
            title_rows=2,
        )
    )
    return path


@pytest.fixture
def bad_file(tmp_path, xlsx, school_a):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 4], ["sch404", "5а", "Математика", "2", 6]])
    )
    return path


def run(*args):
    out = io.StringIO()
    code = 0
    try:
        call_command("import_results", *map(str, args), stdout=out)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue()


def test_imports_and_prints_the_summary(good_file, municipality):
    code, out = run(good_file, "--kind", "vpr", "--year", 2024, "--municipality", municipality.name)
    assert code == 0
    assert "Прочитано: 2; импортировано: 2; отсутствовали: 0; отклонено: 0" in out
    assert StudentResult.objects.count() == 2


def test_json_output(good_file, municipality):
    code, out = run(good_file, "--kind", "vpr", "--year", 2024, "--json")
    assert code == 0
    assert json.loads(out) == {
        "read": 2,
        "imported": 2,
        "absent": 0,
        "rejected": 0,
        "problems": [],
        "found": [],
        "skipped": [],
    }


def test_rejected_rows_exit_non_zero_and_write_nothing(bad_file, municipality):
    code, out = run(bad_file, "--kind", "vpr", "--year", 2024, "--json")
    assert code == 1
    result = json.loads(out)
    assert (result["read"], result["imported"], result["rejected"]) == (2, 0, 1)
    assert result["problems"] == [
        {"sheet": "Лист1", "row": 3, "column": "Отметка", "value": "6", "reason": result["problems"][0]["reason"]}
    ]
    assert "ожидается 2, 3, 4 или 5" in result["problems"][0]["reason"]
    assert StudentResult.objects.count() == 0


def test_one_line_per_problem(bad_file, municipality):
    code, out = run(bad_file, "--kind", "vpr", "--year", 2024)
    assert code == 1
    assert "лист «Лист1», строка 3, столбец «Отметка», значение «6»: Отметка «6» не допускается" in out
    assert "Ничего не записано" in out


def test_accept_partial_writes_the_good_rows(bad_file, municipality):
    code, _ = run(bad_file, "--kind", "vpr", "--year", 2024, "--accept-partial")
    assert code == 1  # still non-zero: rows were rejected
    assert StudentResult.objects.count() == 1


def test_dry_run_writes_nothing(good_file, municipality):
    code, out = run(good_file, "--kind", "vpr", "--year", 2024, "--dry-run")
    assert code == 0 and "будет принято 2" in out
    assert StudentResult.objects.count() == 0


def test_subject_and_grade_for_the_whole_file(tmp_path, xlsx, school_a):
    path = tmp_path / "kdr.xlsx"
    path.write_bytes(xlsx([["Код ОО", "Код участника", "Уровень"], [school_a.code, "1", "базовый"]]))
    code, out = run(path, "--kind", "kdr", "--year", 2025, "--subject", "ЧГ", "--grade", 4)
    assert code == 0, out
    result = StudentResult.objects.select_related("assessment").get()
    assert (result.assessment.subject, result.assessment.grade, result.level) == ("Читательская грамотность", 4, "base")


def test_same_file_twice_says_nothing_changed(good_file, municipality):
    run(good_file, "--kind", "vpr", "--year", 2024)
    code, out = run(good_file, "--kind", "vpr", "--year", 2024)
    assert code == 0 and "уже импортирован" in out
    assert StudentResult.objects.count() == 2


def test_unknown_municipality_is_an_error(good_file, municipality):
    with pytest.raises(CommandError, match="не найден"):
        call_command(
            "import_results", str(good_file), "--kind", "vpr", "--year", "2024", "--municipality", "Нет такого"
        )


def test_missing_file_is_an_error(municipality):
    with pytest.raises(CommandError, match="Файл не найден"):
        call_command("import_results", "/nonexistent.xlsx", "--kind", "vpr", "--year", "2024")
