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

``--layout fisoko|rcoi|a`` writes the same pupils as a ФИС ОКО «Ф1 Индивидуальные результаты»
workbook, an РЦОИ protocol or the product's format A (the default); the floor reads that same file.

It prints rows/s, peak memory (max RSS), the phase's own CPU time and the ratios product/floor
and baseline/product.
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


def generate_fisoko(path: Path, rows: int) -> None:
    """The same pupils as a ФИС ОКО «Ф1 Индивидуальные результаты» workbook: title and meta rows,
    the difficulty row, task headers with maxima, a group line before each school, footers."""
    from openpyxl import Workbook

    rng = random.Random(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Индивидуальные результаты")
    sheet.append(["ВПР 2024 Математика 5 класс"])
    sheet.append(["Предмет", "Математика"])
    sheet.append(["Максимальный первичный балл", TASKS])
    sheet.append(["Дата", "18.04.2024"])
    sheet.append([])
    sheet.append(["", "", "", "", "", "", *("БП"[n % 2] for n in range(TASKS))])
    sheet.append(
        ["ОО", "Муниципалитет", "Название ОО", "Код участника", "Класс", "Вариант"]
        + [f"{n} (1б)" for n in range(1, TASKS + 1)]
        + ["Первичный балл", "Отметка", "Отметка по журналу"]
    )
    per_school = max(rows // SCHOOLS, 1)
    for number in range(rows):
        school = number // per_school % SCHOOLS
        if number % per_school == 0:
            sheet.append([f"Школа {school} ({school_code(school)}) | Кол-во участников: {per_school}"])
        ability = rng.random()
        tasks = [1 if rng.random() < ability else 0 for _ in range(TASKS)]
        mark = 2 + min(3, int(ability * 4))
        journal = min(5, max(2, mark + rng.choice((0, 0, 1, -1))))
        sheet.append(
            [school_code(school), MUNICIPALITY, f"Школа {school}", f"{number:07d}", f"5{'АБВ'[number % 3]}", 1]
            + [t if rng.random() > 0.05 else "Х" for t in tasks]
            + [sum(tasks), mark, journal if rng.random() > 0.03 else "НЕТ ОТМЕТКИ"]
        )
    for label in ("Средние", "Минимальная граница", "Всего участников"):
        sheet.append(["", "", label])
    workbook.save(path)


def generate_rcoi(path: Path, rows: int) -> None:
    """The same pupils as an РЦОИ ОГЭ protocol (xlsx): block title, a header with the empty
    columns merged cells leave, names and documents, task strings, footers."""
    from openpyxl import Workbook

    rng = random.Random(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Протокол")
    sheet.append(["02 - Математика 2024.06.04"])
    header = ["№", "", "Код МСУ", "", "Код ОО", "", "Класс", "", "Фамилия", "Имя", "Отчество", ""]
    header += ["Серия", "", "Номер", "", "Задания с кратким ответом", "", "Задания с развёрнутым ответом", ""]
    sheet.append(header + ["Первичный балл", "", "Балл"])
    for number in range(rows):
        school = number % SCHOOLS
        ability = rng.random()
        short = "".join("+" if rng.random() < ability else "-" for _ in range(TASKS - 2))
        extended = "".join(f"{rng.randint(0, 2)}(2)" for _ in range(2))
        total = short.count("+") + sum(int(c) for c in extended[::4])
        mark = 2 + min(3, int(ability * 4))
        sheet.append(
            [number + 1, "", "640", "", school_code(school), "", f"9{'АБВ'[number % 3]}", ""]
            + [f"Фамилия{number % 5000}", f"Имя{number % 97}", f"Отчество{number % 31}", ""]
            + [f"{4500 + number % 100}", "", f"{number:06d}", "", short, "", extended, "", total, "", mark]
        )
    sheet.append(["Средние"])
    sheet.append(["Всего участников", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", rows])
    workbook.save(path)


def generate_rcoi_csv(path: Path, rows: int) -> None:
    """The same protocol as the `;`-separated Windows-1251 text РЦОИ also send: the only shape in
    which a country-scale file (more rows than a sheet holds, 1,048,576) arrives in one piece."""
    rng = random.Random(rows)
    header = ["№", "", "Код МСУ", "", "Код ОО", "", "Класс", "", "Фамилия", "Имя", "Отчество", ""]
    header += ["Серия", "", "Номер", "", "Задания с кратким ответом", "", "Задания с развёрнутым ответом", ""]
    with open(path, "w", encoding="cp1251", newline="") as handle:
        handle.write("02 - Математика 2024.06.04\r\n")
        handle.write(";".join(header + ["Первичный балл", "", "Балл"]) + "\r\n")
        for number in range(rows):
            school = number % SCHOOLS
            ability = rng.random()
            short = "".join("+" if rng.random() < ability else "-" for _ in range(TASKS - 2))
            extended = "".join(f"{rng.randint(0, 2)}(2)" for _ in range(2))
            total = short.count("+") + sum(int(c) for c in extended[::4])
            mark = 2 + min(3, int(ability * 4))
            handle.write(
                f"{number + 1};;640;;{school_code(school)};;9{'АБВ'[number % 3]};;Фамилия{number % 5000};Имя{number % 97};"
                f"Отчество{number % 31};;{4500 + number % 100};;{number:06d};;{short};;{extended};;{total};;{mark}\r\n"
            )
        handle.write("Средние\r\n")
        handle.write("Всего участников" + ";" * 20 + f"{rows}\r\n")


def generate_csv(path: Path, rows: int) -> None:
    """The product's format A as `;`-separated UTF-8 text: the same pupils as `generate`, in the
    shape a file larger than one sheet (1,048,576 rows) can take."""
    rng = random.Random(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(";".join(HEADER) + "\r\n")
        for number in range(rows):
            school = number % SCHOOLS
            grade = 4 + (number // SCHOOLS) % 5
            subject = SUBJECTS[(number // (SCHOOLS * 5)) % 2]
            ability = rng.random()
            tasks = [1 if rng.random() < ability else 0 for _ in range(TASKS)]
            mark = 2 + min(3, int(ability * 4))
            journal = min(5, max(2, mark + rng.choice((0, 0, 1, -1))))
            cells = [school_code(school), f"{grade}{'АБВ'[number % 3]}", subject, f"{number:07d}", *tasks]
            handle.write(";".join(map(str, [*cells, sum(tasks), mark, journal])) + "\r\n")


LAYOUTS = {
    "a": (generate, "vpr"),
    "a-csv": (generate_csv, "vpr"),
    "fisoko": (generate_fisoko, "vpr"),
    "rcoi": (generate_rcoi, "oge"),
    "rcoi-csv": (generate_rcoi_csv, "oge"),
}


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
    started, cpu = time.perf_counter(), time.process_time()
    kind = LAYOUTS[os.environ.get("BENCH_LAYOUT", "a")][1]
    result_import = result_import_create(
        municipality=municipality, data=path.read_bytes(), filename=path.name, kind=kind, year=2024
    )
    outcome = result_import_apply(result_import=result_import)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    from monitoring.models import SchoolStat, StudentResult

    assert result_import.status == "imported", outcome.problems[:5]
    return {"seconds": seconds, "cpu": cpu, "rows": StudentResult.objects.count(), "stats": SchoolStat.objects.count()}


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
    """calamine reads every row of the file as it is, COPY writes it as text into a bare table."""
    setup_django()
    from django.db import connection
    from python_calamine import CalamineWorkbook

    started, cpu = time.perf_counter(), time.process_time()
    if path.suffix == ".csv":
        import csv
        import itertools

        encoding = "cp1251" if "rcoi" in path.name else "utf-8"
        with open(path, encoding=encoding, newline="") as head:
            width = max(len(row) for row in itertools.islice(csv.reader(head, delimiter=";"), 10))
        rows = csv.reader(open(path, encoding=encoding, newline=""), delimiter=";")  # noqa: SIM115 (read to the end below)
    else:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        width = sheet.width
        rows = sheet.iter_rows()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute("CREATE TABLE bench_floor (" + ", ".join(f"c{n} text" for n in range(width)) + ")")
    buffer = io.StringIO()
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for row in rows:
            cells = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in row]
            buffer.write("\t".join(cells + [""] * (width - len(cells))) + "\n")
            written += 1
            if written % 200_000 == 0:
                buffer.seek(0)
                raw.copy_expert("COPY bench_floor FROM STDIN", buffer)
                buffer = io.StringIO()
        buffer.seek(0)
        raw.copy_expert("COPY bench_floor FROM STDIN", buffer)
        cursor.execute("SELECT count(*) FROM bench_floor")
        count = cursor.fetchone()[0]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")
    return {"seconds": seconds, "cpu": cpu, "rows": count}


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
    parser.add_argument(
        "--layout", choices=list(LAYOUTS), default="a", help="the product's format A, ФИС ОКО «Ф1» or an РЦОИ protocol"
    )
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
    os.environ["BENCH_LAYOUT"] = args.layout
    if args.layout != "a":
        args.skip.append("baseline")  # import-export cannot read these layouts at all
    path = Path(args.cache) / f"bench-{args.layout}-{args.rows}.{'csv' if args.layout.endswith('csv') else 'xlsx'}"
    # a country-scale file is larger than the defaults allow an upload to be
    os.environ.setdefault("IMPORT_MAX_ROWS", str(max(2_000_000, args.rows + 1000)))
    os.environ.setdefault("IMPORT_MAX_MB", str(max(200, args.rows // 4000)))
    if not path.exists():
        started = time.perf_counter()
        LAYOUTS[args.layout][0](path, args.rows)
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
            f"  peak {item['peak_mb']:7.0f} MB" + (f"  cpu {item['cpu']:8.2f} s" if "cpu" in item else ""),
            flush=True,
        )
    if "product" in results and "floor" in results:
        print(f"product / floor     = {results['product']['seconds'] / results['floor']['seconds']:.2f}× (goal ≤ 1.3)")
        # This process's own CPU time (PostgreSQL's work on COPY is not in it, for either): a
        # steadier comparison on a machine that other work keeps busy.
        print(f"  by CPU time       = {results['product']['cpu'] / results['floor']['cpu']:.2f}×")
    if "product" in results and "baseline" in results:
        print(f"baseline / product  = {results['baseline']['seconds'] / results['product']['seconds']:.2f}× (goal ≥ 5)")


if __name__ == "__main__":
    main()
