"""The standing hostile-files suite: every file of `hostile_files.HOSTILE` goes to every upload
URL and command that reads tables, and each must answer with a Russian refusal, never a 500,
leave no file behind, and stay under the memory limit (measured in a subprocess of its own)."""

from __future__ import annotations

import html
import io
import json
import os
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from monitoring.models import ResultImport, StudentResult
from schools.models import Organization
from tests.hardening.hostile_files import HOSTILE

ROOT = Path(__file__).resolve().parents[2]
#: Peak resident memory of a process reading any upload.
MEMORY_LIMIT_MB = 300
# Every refusal of a table reader; deep nesting holds no rows, so each reader says what it missed.
NO_TABLE = "заголов|Нет столбца|Книга пуста|нет листа"
CYRILLIC = re.compile("[а-яё]{4,}", re.IGNORECASE)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, tuple[str, Path, str]]:
    folder = tmp_path_factory.mktemp("hostile")
    built = {}
    for key, (name, build, words) in HOSTILE.items():
        path = folder / f"{key}-{name}"
        path.write_bytes(build())
        built[key] = (name, path, NO_TABLE if key == "deep-nesting" else words)
    return built


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def page_text(response) -> str:
    assert response.status_code != 500
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def assert_refused(text: str, words: str) -> None:
    assert re.search(words, text), " ".join(text.split())[-1500:]


KEYS = list(HOSTILE)


@pytest.mark.parametrize("key", KEYS)
def test_results_upload_refuses(key, files, client_for, methodist, school_a, django_capture_on_commit_callbacks):
    name, path, words = files[key]
    before = media_files()
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("results:results"),
            {"file": SimpleUploadedFile(name, path.read_bytes()), "format": "students", "kind": "vpr", "year": 2024},
        )
    if response.status_code == 302:  # stored, and the preview job refused it
        response = client.get(response["Location"])
    assert_refused(page_text(response), words)
    assert not StudentResult.objects.exists()
    assert media_files() == before  # refused as a whole: the file is not kept
    assert all(not imp.file for imp in ResultImport.objects.all())


@pytest.mark.parametrize("key", KEYS)
def test_registry_upload_refuses(key, files, client_for, methodist):
    name, path, words = files[key]
    before, count = media_files(), Organization.objects.count()
    response = client_for(methodist).post(
        reverse("registry:organizations"), {"file": SimpleUploadedFile(name, path.read_bytes())}
    )
    assert_refused(page_text(response), words)
    assert Organization.objects.count() == count
    assert media_files() == before


@pytest.mark.parametrize("key", KEYS)
def test_admin_registry_import_refuses(key, files, client_for, admin_user):
    name, path, words = files[key]
    response = client_for(admin_user).post(
        reverse("admin:schools_organization_import"),
        {"import_file": SimpleUploadedFile(name, path.read_bytes()), "format": "0", "resource": "0"},
    )
    assert_refused(page_text(response), words)


@pytest.fixture
def campaign(municipality, methodist, school_a):
    from monitoring.analysis.services import campaign_create, indicators_load
    from monitoring.models import IndicatorDefinition

    indicators_load()
    return campaign_create(
        municipality=municipality, by=methodist, title="Сбор 2024", year=2024, period_start=date(2023, 9, 1),
        period_end=date(2024, 8, 31), deadline=date(2024, 6, 1),
        indicators=IndicatorDefinition.objects.filter(code="teachers_diagnosed"), organizations=[school_a],
    )  # fmt: skip


@pytest.mark.parametrize("key", KEYS)
def test_data_collection_upload_refuses(key, files, client_for, methodist, campaign):
    from monitoring.models import ReportedValue

    name, path, words = files[key]
    response = client_for(methodist).post(
        reverse("monitoring:campaign", args=[campaign.pk]), {"file": SimpleUploadedFile(name, path.read_bytes())}
    )
    assert_refused(page_text(response), words)
    assert not ReportedValue.objects.exists()


@pytest.mark.parametrize("key", KEYS)
def test_roadmap_import_refuses(key, files, client_for, methodist, authority):
    from roadmaps.models import Roadmap

    _, path, words = files[key]
    before = media_files()
    response = client_for(methodist).post(
        reverse("reports:roadmap_import_new"),
        {"file": SimpleUploadedFile("план.xlsx", path.read_bytes()), "owner": authority.pk},
    )
    # A roadmap import needs the sheets «Параметры» and «Дорожная карта»: a table without them is
    # refused for that, a bomb or a formula before it.
    assert_refused(page_text(response), f"{words}|нет листа")
    assert not Roadmap.objects.exists()
    assert media_files() == before


@pytest.mark.parametrize("key", ["zip-bomb", "huge-shared-strings", "mimetype-bomb"])
def test_evidence_upload_refuses_archive_bombs(key, files, client_for, director_a, authority, school_a):
    from roadmaps.models import Evidence
    from tests.roadmaps.execution_factories import kind, make_plan

    name, path, words = files[key]
    assignment = make_plan(authority, school_a)[2][0]
    before = media_files()
    response = client_for(director_a).post(
        reverse("execution:evidence_add", args=[assignment.pk]),
        {"kind": kind().pk, "title": "Протокол", "file": SimpleUploadedFile(name, path.read_bytes())},
    )
    assert_refused(page_text(response), words)
    assert not Evidence.objects.exists()
    assert media_files() == before


def run_command(*args, **options) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            call_command(*args, stdout=out, stderr=err, **options)
    except CommandError as error:
        return str(error)
    except SystemExit:
        pass
    return out.getvalue() + err.getvalue()


@pytest.mark.parametrize("key", KEYS)
def test_import_results_command_refuses(key, files, municipality, school_a):
    _, path, words = files[key]
    before = media_files()
    for dry_run in (True, False):
        output = run_command(
            "import_results", str(path), kind="vpr", year=2024, municipality=municipality.name, dry_run=dry_run
        )
        assert_refused(output, words)
        assert "Traceback" not in output
    assert not StudentResult.objects.exists()
    assert media_files() == before


@pytest.mark.parametrize("key", KEYS)
def test_import_organizations_command_refuses(key, files, municipality):
    _, path, words = files[key]
    count = Organization.objects.count()
    output = run_command("import_organizations", str(path), municipality=municipality.name)
    assert_refused(output, words)
    assert Organization.objects.count() == count


MEASURE = """
import json, re, sys
import django

def peak_mb():
    # VmHWM: the peak of this program's own memory. ru_maxrss would carry over the parent's peak
    # through fork and exec (Linux keeps it in the process's signal structure).
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1)) / 1024

django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from config.lib.untrusted import FileRefused, open_table
from monitoring.readers import ReaderError, read_school_stats, read_student_results
from roadmaps.uploads import detect_kind
from roadmaps.xlsx import _read_sheets
from schools.resources import dataset_from_file

def consume(path, name):
    with open_table(path, filename=name) as table:
        for _, rows in table.sheets:
            for _ in rows:
                pass

readers = {
    "open_table": consume,
    "results": lambda path, name: read_student_results(path, filename=name, kind="vpr", pseudonym_key=b"k"),
    "school_stats": lambda path, name: read_school_stats(path, filename=name),
    "registry": lambda path, name: dataset_from_file(open(path, "rb").read(), name),
    "roadmap": lambda path, name: _read_sheets(open(path, "rb").read()),
    "evidence": lambda path, name: detect_kind(SimpleUploadedFile(name, open(path, "rb").read()), name),
}
out = {}
for path, name in json.loads(sys.argv[1]):
    for reader, read in readers.items():
        try:
            read(path, name)
            outcome = "read"
        except (FileRefused, ReaderError, ValueError, Exception) as error:
            outcome = type(error).__name__ + ": " + str(error)[:200]
        out[f"{name} / {reader}"] = outcome
    out[f"{name} / peak so far, MB"] = peak_mb()
out["peak_mb"] = peak_mb()
print(json.dumps(out, ensure_ascii=False))
"""


def test_every_reader_stays_under_the_memory_limit(files):
    """All readers on all hostile files in one fresh process: its peak resident memory is the
    most any of them took (Django and the libraries included)."""
    paths = [(str(path), name) for name, path, _ in files.values()]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)  # the readers touch no database
    env.pop("DATABASE_REPLICA_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps(paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    peak = report.pop("peak_mb")
    print(f"peak resident memory of all readers on all hostile files: {peak:.0f} MB")
    assert peak < MEMORY_LIMIT_MB, {where: mb for where, mb in report.items() if where.endswith("MB")}
    for where, outcome in report.items():
        if where.endswith("MB"):
            continue
        assert "PanicException" not in outcome and "MemoryError" not in outcome, where
        if outcome != "read":
            assert CYRILLIC.search(outcome.split(": ", 1)[1]), (where, outcome)
