"""Benchmark: render a 300-measure roadmap to PDF (goal: under 10 s) and print the page count.

Runs on its own temporary SQLite database (migrated, catalogue loaded, roadmap built with the
ORM), so it touches nothing else. Two baselines are printed in the same run:
  * «30 measures»: the same code on a roadmap ten times smaller;
  * «no pagination CSS»: the same 300-measure HTML rendered by WeasyPrint without the print
    rules (repeated header, keep-together rows, orphans/widows, page counters), to show what
    the pagination costs.

    /work/main/.venv/bin/python bench/render.py
"""

import re
import time

from embedded import DB  # Django on a temporary SQLite database: before any project import

# isort: split
from django.core.management import call_command

from reports.pdf import html_to_document, print_css, roadmap_html
from reports.testing import build_roadmap
from roadmaps.catalogue import catalogue_load
from roadmaps.document import roadmap_document
from schools.models import Municipality, Organization

PAGINATION_RULES = re.compile(
    r"(display: table-header-group;|break-inside: avoid;|break-after: avoid;|orphans: 2; widows: 2;|"
    r"@bottom-right \{[^}]*\})"
)


def timed(label: str, build_html, sections: int, measures: int, owner, css=None) -> float:
    roadmap = build_roadmap(owner, sections=sections, measures=measures, long=True, code=f"{sections}.{measures}")
    started, cpu_started = time.perf_counter(), time.process_time()
    html = roadmap_html(roadmap_document(roadmap), css=css)
    document = html_to_document(html)
    data = document.write_pdf()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"{label:<44} {sections * measures:>4} measures  wall {elapsed:6.2f} s  cpu {cpu:6.2f} s  "
        f"{len(document.pages):>4} pages  {len(data) // 1024:>5} KiB",
        flush=True,
    )
    return elapsed, cpu


def main() -> None:
    call_command("migrate", verbosity=0)
    catalogue_load()
    municipality = Municipality.objects.create(name="Бенчмарк", region="Саратовская область")
    owner = Organization.objects.create(
        municipality=municipality, code="uo", kind=Organization.Kind.AUTHORITY, short_name="УО", full_name="УО"
    )
    print(f"database: {DB}")
    timed("baseline: 30 measures", None, 3, 10, owner)
    wall, cpu = timed("roadmap PDF (print CSS)", None, 10, 30, owner)
    timed("baseline: 300 measures, no pagination CSS", None, 10, 30, owner, css=PAGINATION_RULES.sub("", print_css()))
    # the machine may be shared: the CPU time of this process is the fair number, wall time is what a person waits
    print(f"goal < 10 s: wall {'met' if wall < 10 else 'NOT met'}, cpu {'met' if cpu < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
