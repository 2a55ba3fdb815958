"""Every management command ends bad input with a CommandError in Russian — numbers no column
holds, paths that cannot be written or read, text longer than its column — and never with a
traceback. The bad numbers inside files (import_results, import_organizations) are covered by
tests/monitoring/test_number_ranges.py and tests/schools/test_registry_numbers.py."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
BIG = str(10**30)

#: command → the bad arguments it is given (one case per list); «{file}» is a small CSV, «{dir}» a folder.
BAD_INPUT = {
    "compute_indicators": [["--year", BIG], ["--year", "1999"], ["--year", "2024", "--municipality", BIG]],
    "compute_zones": [
        ["--method", BIG],
        ["--method", "-1"],
        ["--year", "1999"],
        ["--year", BIG],
        [],
        ["--method", "1", "--year", "2024"],
    ],
    "export_indicators": [
        ["--year", BIG, "--out", "{dir}/x.csv"],
        ["--year", "2024", "--municipality", BIG, "--out", "{dir}/x.xlsx"],
        ["--year", "2024", "--out", "{dir}/no-such-folder/x.csv"],
        ["--year", "2024", "--out", "{dir}/x.pdf"],
    ],
    "export_roadmap": [[BIG, "--out", "{dir}/x.xlsx"], ["1", "--out", "{dir}/x.xlsx"]],
    "render_roadmap": [[BIG, "--out", "{dir}/x.pdf"]],
    "render_order": [[BIG, "--out", "{dir}/x.pdf"]],
    "import_results": [
        ["{file}", "--kind", "vpr", "--year", BIG],
        ["{file}", "--kind", "vpr", "--year", "2024", "--grade", BIG],
        ["{file}", "--kind", "vpr", "--year", "2024", "--grade", "12"],
        ["{file}", "--kind", "vpr", "--year", "2024", "--subject", "П" * 201],
        ["{dir}/missing.csv", "--kind", "vpr", "--year", "2024"],
    ],
    "results_archive": [["--year", BIG], ["--year", "12"], ["--year", "2024", "--attach"]],
    "import_organizations": [
        ["{file}", "--municipality", "М" * 201],
        ["{file}", "--municipality", "М", "--region", "Р" * 201],
        ["{file}", "--municipality", "  "],
        ["{dir}/missing.csv", "--municipality", "М"],
    ],
    "import_roadmap_docx": [
        ["{file}", "--owner", "К" * 51],
        ["{file}", "--owner", "нет-такой"],
        ["{dir}/missing.docx", "--owner", "uo"],
        ["{file}", "--owner", "uo", "--roadmap", BIG],
    ],
    "send_reminders": [["--date", "2026-02-30"], ["--date", "99999-01-01"]],
    "parse_deadline": [["сентябрь", "--period", "2023-07-31:2022-08-01"], ["сентябрь", "--period", BIG]],
}
#: Commands that take no input a person could get wrong (only flags).
NO_INPUT = {"load_catalogue", "load_demo", "load_ege_min_scores", "load_indicators"}


def project_commands() -> set[str]:
    return {
        path.stem
        for path in ROOT.glob("*/management/commands/*.py")
        if path.stem != "__init__" and ".venv" not in path.parts
    }


def test_every_command_of_the_project_is_listed_here():
    assert project_commands() == set(BAD_INPUT) | NO_INPUT


CASES = [(name, args) for name, cases in BAD_INPUT.items() for args in cases]


@pytest.mark.parametrize(("name", "args"), CASES, ids=[f"{name}-{i}" for i, (name, _) in enumerate(CASES)])
def test_bad_input_is_a_russian_command_error(name, args, tmp_path, municipality):
    source = tmp_path / "file.csv"
    source.write_text("Код ОО;Класс\r\n", encoding="utf-8")
    args = [arg.format(file=source, dir=tmp_path) for arg in args]
    with pytest.raises(CommandError) as error:
        call_command(name, *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert CYRILLIC.search(str(error.value)), str(error.value)


def test_an_unwritable_output_names_the_path_and_the_reason(tmp_path, municipality):
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(CommandError, match=r"Не удалось записать файл «.*out\.csv»: это папка, а не файл"):
        call_command("export_indicators", "--year", "2024", "--out", str(tmp_path / "out.csv"), stdout=io.StringIO())


def test_a_number_too_large_is_named_with_its_range(db):
    with pytest.raises(
        CommandError, match=r"Учебный год «1e\+30» вне диапазона: ожидается целое число от 2000 до 2100"
    ):
        call_command("compute_indicators", "--year", BIG, stdout=io.StringIO())


@pytest.mark.parametrize(
    "argv",
    [
        ["compute_indicators", "--year", BIG],
        ["export_roadmap", BIG, "--out", "x.xlsx"],
        ["import_results", "x.csv", "--kind", "vpr", "--year", "2024", "--grade", "inf"],
    ],
)
def test_on_the_command_line_there_is_no_traceback(argv):
    """Run as a person runs it: the option is refused before anything touches the database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    result = subprocess.run(
        [sys.executable, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert CYRILLIC.search(result.stderr.splitlines()[-1]), result.stderr


def test_a_database_refusal_the_checks_missed_is_a_command_error(tmp_path, municipality, school_a, monkeypatch):
    """Belt and braces: should a row the checks passed still be refused by the database, the
    command says so in Russian, the import is recorded as failed and nothing is written."""
    from django.db import DataError

    from monitoring import services
    from monitoring.models import ResultImport, StudentResult

    def refused(*args, **kwargs):
        raise DataError("value too long for type character varying(20)")

    monkeypatch.setattr(services, "_write_student_results", refused)
    path = tmp_path / "vpr.csv"
    path.write_text(f"Код ОО;Класс;Предмет;Отметка\r\n{school_a.code};5а;Математика;4\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match="база данных не приняла данные .*Прежние результаты не изменены"):
        call_command("import_results", str(path), "--kind", "vpr", "--year", "2024", stdout=io.StringIO())
    assert ResultImport.objects.get().status == ResultImport.Status.FAILED
    assert not StudentResult.objects.exists()
