"""Benchmark: an analytic report (справка) on a ВПР for a municipality of 30 schools and for a
region-size fixture of 1,500 schools, beside rendering the same numbers as a plain HTML table.

Runs on its own temporary SQLite database (migrated; results made by reports.testing, 20
participants a school, this year and the last), so it touches nothing else. For each size it prints:
  * «справка»: the contents computed from the data (SchoolStat, participants' task scores, zones),
    the page's HTML, the PDF (WeasyPrint, with the bar charts) and the Word file;
  * «таблица»: the baseline — the same per-school numbers read in one query and written as a plain
    HTML table (and that table as a PDF), nothing computed beyond the counts.

    /work/main/.venv/bin/python bench/spravka.py [--sizes 30 1500] [--per-school 20] [--runs 3]
"""

import argparse
import os
import statistics
import time

from embedded import DB  # Django on a temporary SQLite database: before any project import

# isort: split
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.html import escape

from monitoring.models import SchoolStat
from reports.models import AnalyticReport
from reports.pdf import html_to_document, spravka_html
from reports.spravka.builder import assessment_content
from reports.testing import results_for_spravka
from reports.word import spravka_docx_bytes
from schools.models import Membership, Municipality, Organization


def median_time(action, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def plain_table(assessment, municipality) -> str:
    """The baseline: the per-school counts as they are stored, one row a school, no analysis."""
    rows = SchoolStat.objects.filter(assessment=assessment, organization__municipality=municipality).values_list(
        "organization__short_name", "participants", "mark_2", "mark_3", "mark_4", "mark_5", "mean_primary"
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(value)}</td>" for value in row) + "</tr>"
        for row in rows.order_by("organization__code")
    )
    return (
        '<!doctype html><html lang="ru"><meta charset="utf-8"><table><tr><th>ОО</th><th>Участники</th><th>«2»</th>'
        f"<th>«3»</th><th>«4»</th><th>«5»</th><th>Средний балл</th></tr>{body}</table></html>"
    )


def one_size(size: int, *, author, per_school: int, runs: int) -> None:
    municipality = Municipality.objects.create(name=f"Бенчмарк {size}", region=f"Регион {size}")
    authority = Organization.objects.create(
        municipality=municipality, code=f"uo-bench-{size}", kind="authority", short_name="УО", full_name="УО"
    )
    Membership.objects.get_or_create(user=author, organization=authority, role=Membership.Role.METHODIST)
    started = time.perf_counter()
    assessment, _previous, _schools = results_for_spravka(
        municipality, schools=size, per_school=per_school, prefix=f"b{size}-"
    )
    print(f"\n{size} школ: данные сгенерированы за {time.perf_counter() - started:.1f} с")

    content_time, content = median_time(lambda: assessment_content(assessment, municipality=municipality), runs)

    report = AnalyticReport(
        municipality=municipality, subject="assessment", assessment=assessment, year=assessment.year,
        title=content["title"], content=content, conclusions="Выводы методиста.", created_by=author,
    )  # fmt: skip
    html_time, html = median_time(lambda: spravka_html(report), runs)
    pdf_time, pdf = median_time(lambda: html_to_document(html).write_pdf(), runs)
    docx_time, docx = median_time(lambda: spravka_docx_bytes(report), runs)
    table_time, table = median_time(lambda: plain_table(assessment, municipality), runs)
    table_pdf_time, table_pdf = median_time(lambda: html_to_document(table).write_pdf(), runs)
    participants = content["numbers"]["own"]["participants"]
    print(f"  справка: расчёт содержания {content_time * 1000:8.1f} мс ({participants} участников, "
          f"{len(content['numbers']['tasks'])} заданий)")  # fmt: skip
    print(f"  справка: HTML              {html_time * 1000:8.1f} мс ({len(html) // 1024} КиБ)")
    print(f"  справка: PDF               {pdf_time * 1000:8.1f} мс ({len(pdf) // 1024} КиБ)")
    print(f"  справка: Word              {docx_time * 1000:8.1f} мс ({len(docx) // 1024} КиБ)")
    print(f"  таблица: запрос и HTML     {table_time * 1000:8.1f} мс ({len(table) // 1024} КиБ)")
    print(f"  таблица: PDF               {table_pdf_time * 1000:8.1f} мс ({len(table_pdf) // 1024} КиБ)")
    print(
        f"  справка целиком (расчёт + PDF) {content_time + html_time + pdf_time:.2f} с против таблицы "
        f"{table_time + table_pdf_time:.2f} с"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 1500])
    parser.add_argument("--per-school", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with open(os.devnull, "w") as devnull:
        call_command("migrate", verbosity=0, stdout=devnull)
    author = get_user_model().objects.create_user("bench-methodist")
    print(f"База: SQLite {DB}; участников на школу: {args.per_school}; медиана из {args.runs} прогонов")
    for size in args.sizes:
        one_size(size, author=author, per_school=args.per_school, runs=args.runs)


if __name__ == "__main__":
    main()
