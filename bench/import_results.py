"""Benchmark of the results import on PostgreSQL: the product against a baseline and a floor.

    createdb -h 127.0.0.1 -U postgres bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import \\
        python bench/import_results.py --rows 100000

One run generates (or reuses, from --cache) a realistic format-A ВПР workbook of N rows over
1000 schools and times, on the same file, each in its own process (so that peak memory is that
of the phase alone):

* product  — `result_import_create` + `result_import_apply`: read and validate with
  monitoring.readers, check codes against the registry, replace with COPY, rebuild statistics;
* baseline — what a Django developer would reach for: a django-import-export ModelResource
  loading the file through tablib (xlsx), `use_bulk=True`, `skip_diff=True`, schools and
  assessments looked up from dicts (not one query per row);
* floor    — python-calamine reads the cells and COPY writes them into a bare table with no
  indexes or constraints: no validation, no statistics.

It prints rows/s, peak memory (max RSS) and the ratios product/floor and baseline/product.
Goals at 1,000,000 rows on 2 cores: product ≤ 1.5× floor, baseline ≥ 5× product, < 1.5 GB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("MEDIA_ROOT", "/tmp/bench-import-media")

SCHOOLS = 1000
SUBJECTS = ("Русский язык", "Математика")
TASKS = 10
HEADER = [
    "Логин ОО",
    "Класс",
    "Предмет",
    "Код участника",
    *map(str, range(1, TASKS + 1)),
    "Первичный балл",
    "Отметка",
    "Отметка по журналу",
]
MUNICIPALITY = "Бенчмарк-район"


def school_code(number: int) -> str:
    return f"sch{640000 + number:06d}"


def generate(path: Path, rows: int) -> None:
    """A ВПР workbook as the federal system gives it: a row per pupil and work, grades 4–8."""
    from openpyxl import Workbook

    rng = random.Random(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Результаты")
    sheet.append(HEADER)
    for number in range(rows):
        school = number % SCHOOLS
        grade = 4 + (number // SCHOOLS) % 5
        subject = SUBJECTS[(number // (SCHOOLS * 5)) % 2]
        ability = rng.random()
        tasks = [1 if rng.random() < ability else 0 for _ in range(TASKS)]
        mark = 2 + min(3, int(ability * 4))
        journal = min(5, max(2, mark + rng.choice((0, 0, 1, -1))))
        sheet.append(
            [
                school_code(school),
                f"{grade}{'АБВ'[number % 3]}",
                subject,
                f"{number:07d}",
                *tasks,
                sum(tasks),
                mark,
                journal,
            ]
        )
    workbook.save(path)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def setup_django():
    import django

    django.setup()


def prepare_database() -> None:
    """Migrate the bench database and make sure the municipality and its 1000 schools exist."""
    setup_django()
    from django.core.management import call_command

    from schools.models import Municipality, Organization

    call_command("migrate", verbosity=0)
    municipality, _ = Municipality.objects.get_or_create(name=MUNICIPALITY, region="Бенчмарк")
    existing = set(Organization.objects.filter(municipality=municipality).values_list("code", flat=True))
    Organization.objects.bulk_create(
        [
            Organization(
                municipality=municipality,
                kind="school",
                code=school_code(n),
                short_name=f"Школа {n}",
                full_name=f"Школа {n}",
            )
            for n in range(SCHOOLS)
            if school_code(n) not in existing
        ]
    )


def clean_results() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_studentresult, monitoring_schoolstat, monitoring_resultimport, jobs_job CASCADE"
        )


def phase_product(path: Path) -> dict:
    setup_django()
    from monitoring.services import result_import_apply, result_import_create
    from schools.models import Municipality

    clean_results()
    municipality = Municipality.objects.get(name=MUNICIPALITY)
    started = time.perf_counter()
    result_import = result_import_create(
        municipality=municipality, data=path.read_bytes(), filename=path.name, kind="vpr", year=2024
    )
    outcome = result_import_apply(result_import=result_import)
    seconds = time.perf_counter() - started
    from monitoring.models import SchoolStat, StudentResult

    assert result_import.status == "imported", outcome.problems[:5]
    return {"seconds": seconds, "rows": StudentResult.objects.count(), "stats": SchoolStat.objects.count()}


def phase_baseline(path: Path) -> dict:
    setup_django()
    import tablib
    from import_export import fields, resources, widgets

    from monitoring.models import Assessment, StudentResult
    from schools.models import Organization

    clean_results()
    started = time.perf_counter()
    schools = dict(Organization.objects.filter(municipality__name=MUNICIPALITY).values_list("code", "pk"))
    assessments: dict[tuple[str, int], int] = {}

    class StudentResultResource(resources.ModelResource):
        participant_code = fields.Field(
            attribute="participant_code", column_name="Код участника", widget=widgets.CharWidget()
        )
        class_name = fields.Field(attribute="class_name", column_name="Класс", widget=widgets.CharWidget())
        primary_score = fields.Field(
            attribute="primary_score", column_name="Первичный балл", widget=widgets.IntegerWidget()
        )
        mark = fields.Field(attribute="mark", column_name="Отметка", widget=widgets.IntegerWidget())
        journal_mark = fields.Field(
            attribute="journal_mark", column_name="Отметка по журналу", widget=widgets.IntegerWidget()
        )

        class Meta:
            model = StudentResult
            fields = ["participant_code", "class_name", "primary_score", "mark", "journal_mark"]
            import_id_fields = []
            use_bulk = True
            batch_size = 5000
            skip_diff = True
            force_init_instance = True

        def before_import_row(self, row, **kwargs):
            grade = int(str(row["Класс"])[:-1])
            key = (row["Предмет"], grade)
            if key not in assessments:
                assessments[key] = Assessment.objects.get_or_create(kind="vpr", year=2024, subject=key[0], grade=grade)[
                    0
                ].pk
            row["_assessment"] = assessments[key]
            row["_school"] = schools[row["Логин ОО"]]

        def import_instance(self, instance, row, **kwargs):
            super().import_instance(instance, row, **kwargs)
            instance.assessment_id = row["_assessment"]
            instance.organization_id = row["_school"]
            instance.task_scores = ",".join(str(row[str(n)]) for n in range(1, TASKS + 1))

    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle, format="xlsx")
    result = StudentResultResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors()
    return {"seconds": seconds, "rows": StudentResult.objects.count()}


def phase_floor(path: Path) -> dict:
    setup_django()
    from django.db import connection
    from python_calamine import CalamineWorkbook

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(
            "CREATE TABLE bench_floor (school text, class_name text, subject text, participant text, "
            + ", ".join(f"t{n} smallint" for n in range(1, TASKS + 1))
            + ", primary_score smallint, mark smallint, journal_mark smallint)"
        )
    started = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    buffer = io.StringIO()
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for number, row in enumerate(sheet.iter_rows()):
            if number == 0:
                continue
            buffer.write("\t".join(str(int(v)) if isinstance(v, float) else str(v) for v in row) + "\n")
            written += 1
            if written % 200_000 == 0:
                buffer.seek(0)
                raw.copy_expert("COPY bench_floor FROM STDIN", buffer)
                buffer = io.StringIO()
        buffer.seek(0)
        raw.copy_expert("COPY bench_floor FROM STDIN", buffer)
        cursor.execute("SELECT count(*) FROM bench_floor")
        count = cursor.fetchone()[0]
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")
    return {"seconds": seconds, "rows": count}


PHASES = {"product": phase_product, "baseline": phase_baseline, "floor": phase_floor}


def run_phase(name: str, path: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--file", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cache", default="/tmp", help="folder for the generated workbook")
    parser.add_argument("--skip", action="append", default=[], choices=list(PHASES), help="phase not to run")
    parser.add_argument("--phase", choices=list(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        result = PHASES[args.phase](Path(args.file))
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Нужен PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import")
    path = Path(args.cache) / f"bench-vpr-{args.rows}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    prepare_database()
    results = {}
    for name in ("floor", "product", "baseline"):
        if name in args.skip:
            continue
        results[name] = run_phase(name, path)
        item = results[name]
        print(
            f"{name:<9} {item['rows']:>9} rows  {item['seconds']:8.2f} s  {item['rows'] / item['seconds']:>10,.0f} rows/s"
            f"  peak {item['peak_mb']:7.0f} MB",
            flush=True,
        )
    if "product" in results and "floor" in results:
        print(f"product / floor     = {results['product']['seconds'] / results['floor']['seconds']:.2f}× (goal ≤ 1.5)")
    if "product" in results and "baseline" in results:
        print(f"baseline / product  = {results['baseline']['seconds'] / results['product']['seconds']:.2f}× (goal ≥ 5)")


if __name__ == "__main__":
    main()
