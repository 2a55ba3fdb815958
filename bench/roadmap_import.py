"""Bench: import a roadmap workbook of 200 measures into a new draft, on the embedded default (SQLite).

    python bench/roadmap_import.py [--measures 200] [--runs 5]

Builds its own throwaway SQLite database in a temporary folder (never touches db.sqlite3), exports a
roadmap of --measures measures (two executors, two evidence kinds, deadlines of several kinds) to
.xlsx and times `roadmap_import_xlsx` of that file into a new draft (median of N runs after one
warm-up; the draft of each run is deleted before the next, so the file is never «the same file
twice»). Prints the median and the SQL query count of one import.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEADLINES = [
    "Май",
    "Ежемесячно",
    "до 15.10.2022",
    "Сентябрь, ноябрь, март-апрель",
    "Ежеквартально (до 15 числа месяца, следующего за отчетным)",
    "В соответствии с графиком проведения ВПР",
    "В течение учебного года",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="muko-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{folder}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "true"  # query logging is only switched on around the count
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    from reports.models import ReportFile
    from reports.services import roadmap_import_xlsx
    from reports.testing import build_roadmap
    from roadmaps.catalogue import catalogue_load
    from roadmaps.models import Measure, Roadmap
    from roadmaps.xlsx import roadmap_xlsx_bytes
    from schools.models import Membership, Municipality, Organization

    catalogue_load()
    municipality = Municipality.objects.create(name="Бенчмарк-район", region="Саратовская область")
    authority = Organization.objects.create(
        municipality=municipality, kind="authority", code="uo-bench", short_name="УО", full_name="УО"
    )
    user = get_user_model().objects.create_user(username="bench-methodist", password="x", last_name="Методист")
    Membership.objects.create(user=user, organization=authority, role=Membership.Role.METHODIST)
    sections = 10
    source = build_roadmap(authority, sections=sections, measures=args.measures // sections)
    for index, measure in enumerate(Measure.objects.filter(section__roadmap=source).order_by("pk")):
        measure.deadline_text = DEADLINES[index % len(DEADLINES)]
        measure.save(update_fields=["deadline_text"])
    data = roadmap_xlsx_bytes(source)

    def run() -> float:
        started = time.perf_counter()
        outcome = roadmap_import_xlsx(data=data, by=user, owner=authority)
        elapsed = (time.perf_counter() - started) * 1000
        assert outcome.created and outcome.measures == args.measures
        ReportFile.objects.filter(roadmap=outcome.roadmap).delete()
        Roadmap.objects.filter(pk=outcome.roadmap.pk).delete()
        return elapsed

    run()  # warm-up
    samples = [run() for _ in range(args.runs)]
    with CaptureQueriesContext(connection) as queries:
        roadmap_import_xlsx(data=data, by=user, owner=authority)
    print(
        f"import of {args.measures} measures: median {statistics.median(samples):.0f} ms "
        f"over {args.runs} runs (min {min(samples):.0f}, max {max(samples):.0f}); {len(queries)} queries"
    )


if __name__ == "__main__":
    main()
