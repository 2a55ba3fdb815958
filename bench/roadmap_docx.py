"""Bench: a Word plan of 300 measures — the product's parse and preview, and the full import into a
new draft, against python-docx alone reading the same file (the baseline), on the embedded default.

    python bench/roadmap_docx.py [--measures 300] [--runs 5]

Builds its own throwaway SQLite database in a temporary folder (never touches db.sqlite3) and a
.docx in the seed 002 layout (numbered headings across the table every ten measures, six columns,
deadlines of several kinds, two executors a measure). Times, as medians of N runs after one warm-up:

- baseline: `docx.Document(file)` and the text of every cell through `table.rows[i].cells` — what
  reading the file costs before the product does anything with it;
- parse + preview: `parse_roadmap_docx` (the file's checks, the grid walk, the column guess, the
  executors matched against the registry, every deadline parsed for the preview);
- import: `roadmap_import_docx` into a new draft (the above, the measures built by the one builder,
  the original kept); the draft of each run is deleted before the next.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_ms(function, runs: int, cleanup=None) -> tuple[float, float, float]:
    """Median, min and max of `runs` timed calls after one warm-up; `cleanup(result)` runs untimed."""
    samples = []
    for index in range(runs + 1):
        started = time.perf_counter()
        result = function()
        elapsed = (time.perf_counter() - started) * 1000
        if cleanup:
            cleanup(result)
        if index:
            samples.append(elapsed)
    return statistics.median(samples), min(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=300)
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

    import docx
    from django.contrib.auth import get_user_model

    from reports.models import ReportFile
    from reports.services import roadmap_import_docx
    from roadmaps.catalogue import catalogue_load
    from roadmaps.models import Roadmap
    from roadmaps.word import parse_roadmap_docx
    from schools.models import Membership, Municipality, Organization
    from tests.roadmaps.word_documents import big_plan

    catalogue_load()
    municipality = Municipality.objects.create(name="Бенчмарк-район", region="Саратовская область")
    authority = Organization.objects.create(
        municipality=municipality, kind="authority", code="uo-bench", short_name="Управление образования"
    )
    Organization.objects.create(municipality=municipality, kind="school", code="sch-bench", short_name="СОШ № 1")
    user = get_user_model().objects.create_user(username="bench-methodist", password="x", last_name="Методист")
    Membership.objects.create(user=user, organization=authority, role=Membership.Role.METHODIST)
    data = big_plan(args.measures)

    def baseline() -> None:
        document = docx.Document(io.BytesIO(data))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        assert len(cells) > args.measures

    def preview() -> None:
        result = parse_roadmap_docx(data, owner=authority)
        assert result.parsed.measure_count == args.measures

    def full_import():
        outcome = roadmap_import_docx(data=data, by=user, owner=authority)
        assert outcome.created and outcome.measures == args.measures
        return outcome

    def delete(outcome) -> None:  # the next run is not «the same file twice»
        ReportFile.objects.filter(roadmap=outcome.roadmap).delete()
        Roadmap.objects.filter(pk=outcome.roadmap.pk).delete()

    print(f"Word plan of {args.measures} measures, {len(data) // 1024} KB; medians over {args.runs} runs")
    for label, function, cleanup in (
        ("baseline: python-docx alone reads every cell", baseline, None),
        ("parse + preview (parse_roadmap_docx)", preview, None),
        ("full import into a new draft (roadmap_import_docx)", full_import, delete),
    ):
        median, low, high = median_ms(function, args.runs, cleanup)
        print(f"  {label}: {median:.0f} ms (min {low:.0f}, max {high:.0f})")
    with CaptureQueriesContext(connection) as queries:
        roadmap_import_docx(data=data, by=user, owner=authority)
    print(f"  queries of one import: {len(queries)}")


if __name__ == "__main__":
    main()
