"""A measure carries one number everywhere: the roadmap page, the editor's row, the PDF, the Excel
workbook, the execution pages and the execution report (issue 19, part 1).

Each test builds (or loads) roadmaps, reads the number of every measure from each place and
compares them measure by measure, in the table's order."""

import html
import io
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from reports.pdf import render_roadmap_pdf
from reports.selectors import execution_report
from reports.services import roadmap_import_xlsx
from reports.testing import flat, pdf_pages
from reports.typography import typograph
from roadmaps import services
from roadmaps.demo import load_demo_roadmaps
from roadmaps.execution.services import _measure_label
from roadmaps.models import Assignment, Direction, FunctionType, Measure, Roadmap, Section, Track
from roadmaps.table import roadmap_table, split_typed_number
from roadmaps.xlsx import SHEET_PLAN, roadmap_xlsx_bytes
from schools.demo import load_demo_schools
from schools.models import Membership

ROW = re.compile(
    r'<tr id="measure-(\d+)"[^>]*>\s*<td class="col-number"[^>]*>(?:<span class="drag-handle[^>]*>[^<]*</span>\s*)?([^<]*)</td>'
)


def in_table_order(roadmap: Roadmap) -> list[Measure]:
    """The measures in the order of the plan, read from the database, not from the table."""
    return list(
        Measure.objects.filter(section__roadmap=roadmap).order_by("section__order", "section__pk", "order", "pk")
    )


def page_numbers(client, roadmap: Roadmap) -> dict[int, str]:
    response = client.get(reverse("roadmaps:detail", args=[roadmap.pk]))
    assert response.status_code == 200
    return {int(pk): html.unescape(number).strip() for pk, number in ROW.findall(response.content.decode())}


def xlsx_rows(roadmap: Roadmap) -> list[tuple[str, str]]:
    """(number, description) of the workbook's measure rows, top to bottom."""
    sheet = load_workbook(io.BytesIO(roadmap_xlsx_bytes(roadmap)))[SHEET_PLAN]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "№ п/п")
    return [(row[0], row[1]) for row in rows[header + 1 :] if len(row) > 1 and row[1]]


def first_words(text: str) -> str:
    words = re.findall(r"[А-Яа-яЁёA-Za-z0-9]+", text)[:2]
    return r"\W*".join(re.escape(flat(typograph(word))) for word in words)


def assert_pdf_numbers(roadmap: Roadmap, measures: list[Measure], numbers: dict[int, str]) -> None:
    """Every measure's number stands before its description in the PDF, in the table's order."""
    text = flat(" ".join(pdf_pages(render_roadmap_pdf(roadmap))))
    position = 0
    for measure in measures:
        pattern = re.compile(re.escape(numbers[measure.pk]) + r"\s+\W*" + first_words(measure.description))
        found = pattern.search(text, position)
        assert found, f"в PDF нет «{numbers[measure.pk]} {measure.description[:40]}» после позиции {position}"
        position = found.end()


def assert_one_number(client, roadmap: Roadmap, *, rows: bool = True) -> dict[int, str]:
    """The page, the editor's row refresh, the Excel workbook and the PDF agree for every measure."""
    measures = in_table_order(roadmap)
    numbers = page_numbers(client, roadmap)
    assert set(numbers) == {m.pk for m in measures}
    assert all(numbers.values())
    workbook = xlsx_rows(roadmap)
    assert [number for number, _ in workbook] == [numbers[m.pk] for m in measures]
    assert [description for _, description in workbook] == [m.description.strip() for m in measures]
    if rows:
        for measure in measures:
            row = client.get(reverse("roadmaps:measure_row", args=[measure.pk])).content.decode()
            assert {int(pk): html.unescape(n).strip() for pk, n in ROW.findall(row)} == {
                measure.pk: numbers[measure.pk]
            }
    assert_pdf_numbers(roadmap, measures, numbers)
    return numbers


def assert_execution_numbers(client_for, staff, roadmap: Roadmap, numbers: dict[int, str]) -> None:
    """The occurrence page, the notification text, a director's list and the execution report
    show the table's number."""
    client = client_for(staff)
    first = {}
    for a in Assignment.objects.filter(measure__section__roadmap=roadmap).order_by("pk"):
        first.setdefault(a.measure_id, a)
    assert first
    for measure_id, assignment in first.items():
        page = client.get(reverse("execution:assignment", args=[assignment.pk])).content.decode()
        heading = re.search(r'<h1 class="h4">([^<]*)', page).group(1)
        assert html.unescape(heading).startswith(numbers[measure_id] + " "), heading
        assert _measure_label(assignment).startswith(numbers[measure_id] + " ")
    director = (
        Membership.objects.filter(
            role=Membership.Role.DIRECTOR, organization__assignments__measure__section__roadmap=roadmap
        )
        .select_related("user")
        .first()
        .user
    )
    listed = client_for(director).get(reverse("execution:my"), {"roadmap": roadmap.pk}).content.decode()
    links = re.findall(r'/execution/occurrence/(\d+)/">([^ <]*) ', listed)
    assert links
    for pk, number in links:
        assert number == numbers[Assignment.objects.get(pk=pk).measure_id]
    report = execution_report(
        roadmap, date_from=roadmap.period_start, date_to=roadmap.period_end, as_of=roadmap.period_end, user=staff
    )
    measures = in_table_order(roadmap)
    assert [m.number for m in report.measures] == [numbers[m.pk] for m in measures]


# --- roadmaps built in the editor --------------------------------------------------------------


def measure(section, methodist, description, number=""):
    return services.measure_create(
        section=section, by=methodist, description=description, deadline_text="Октябрь", number=number
    )


@pytest.fixture
def plan(authority, methodist, school_a):
    """Numbered headings typed in their text, an unnumbered heading, a typed measure number, a
    catalogue direction with a track and a heading with a number in its «номер» field."""
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title="План", period_start=date(2026, 9, 1), period_end=date(2027, 8, 31)
    )

    def heading(text, number=""):
        return services.section_create(roadmap=roadmap, by=methodist, kind="heading", heading=text, number=number)

    first = heading("1. Мероприятия с педагогами")
    measure(first, methodist, "Совещание руководителей по итогам ВПР")
    measure(first, methodist, "Семинар для заместителей директоров")
    second = heading("1.2. Мероприятия с образовательными организациями")
    measure(second, methodist, "Мониторинг сайтов школ")
    measure(second, methodist, "Анализ графиков оценочных процедур")
    third = heading("Работа с родителями")
    measure(third, methodist, "Родительское собрание о ГИА")
    measure(third, methodist, "Акция ЕГЭ для родителей", number="2.5")
    measure(third, methodist, "Горячая линия для родителей")
    direction = Direction.objects.get(code="1.1")
    in_direction = services.section_create(
        roadmap=roadmap,
        by=methodist,
        kind="direction",
        direction=direction,
        tracks=Track.objects.filter(direction=direction)[:1],
        function_type=FunctionType.objects.get(code="regional_cycle"),
    )
    measure(in_direction, methodist, "Обсуждение регионального анализа результатов")
    measure(in_direction, methodist, "Информирование о региональных документах")
    last = heading("Итоги года", number="7")
    measure(last, methodist, "Анализ эффективности принятых мер")
    for m in Measure.objects.filter(section__roadmap=roadmap):
        services.measure_assign(measure=m, organizations=[school_a], by=methodist)
    return roadmap


EXPECTED = ["1.1.", "1.2.", "1.2.1.", "1.2.2.", "2.1.", "2.5.", "2.3.", "1.", "2.", "7.1."]


def test_the_rule_numbers_headings_directions_and_typed_numbers(plan):
    table = roadmap_table(plan)
    assert [row.number for row in table.rows] == EXPECTED
    assert [block.label for block in table][:3] == [
        "1. Мероприятия с педагогами",
        "1.2. Мероприятия с образовательными организациями",
        "2. Работа с родителями",
    ]
    assert table.blocks[3].label.startswith("1.1. ") and table.blocks[4].label == "7. Итоги года"


def test_a_typed_number_in_a_heading_is_read_but_a_year_is_not():
    assert split_typed_number("1. Мероприятия с педагогами") == ("1", "Мероприятия с педагогами")
    assert split_typed_number("1.2 Мероприятия") == ("1.2", "Мероприятия")
    assert split_typed_number("2023 год: итоги") == ("", "2023 год: итоги")
    assert split_typed_number("2023. Итоги") == ("", "2023. Итоги")


def test_page_row_pdf_and_excel_agree_for_every_measure(plan, methodist, client_for):
    numbers = assert_one_number(client_for(methodist), plan)
    assert [numbers[m.pk] for m in in_table_order(plan)] == EXPECTED


def test_a_moved_measure_is_renumbered_everywhere(plan, methodist, client_for):
    third = plan.sections.get(heading="Работа с родителями")
    last = third.measures.order_by("order").last()
    services.measure_move(measure=last, by=methodist, delta=-2)
    client = client_for(methodist)
    response = client.post(
        reverse("roadmaps:measure_move", args=[last.pk]), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    numbers = assert_one_number(client, plan)
    assert [numbers[m.pk] for m in third.measures.order_by("order", "pk")] == ["2.1.", "2.2.", "2.5."]
    assert numbers[last.pk] == "2.1."


def test_the_execution_pages_and_report_show_the_tables_number(plan, methodist, official, director_a, client_for):
    services.roadmap_submit(roadmap=plan, by=methodist)
    services.roadmap_approve(
        roadmap=plan,
        by=official,
        order_number="12",
        order_date=date(2026, 8, 30),
        signatory_position="Начальник управления",
        signatory_name="Т. В. Разуваева",
    )
    numbers = assert_one_number(client_for(official), plan, rows=False)
    assert_execution_numbers(client_for, methodist, plan, numbers)
    dashboard = client_for(methodist).get(reverse("execution:dashboard_roadmap", args=[plan.pk])).content.decode()
    labels = [block.label for block in roadmap_table(plan)]
    assert [label for label in labels if html.escape(label) in dashboard] == labels


def test_a_copy_for_the_next_period_keeps_the_numbers_and_names_them_in_its_flags(plan, methodist, client_for):
    source = assert_one_number(client_for(methodist), plan, rows=False)
    first = in_table_order(plan)[3]
    services.measure_update(measure=first, by=methodist, lock_version=first.lock_version, note="Итоги 2026 года")
    copy, flags = services.roadmap_copy_to_period(
        roadmap=plan, by=methodist, period_start=date(2027, 9, 1), period_end=date(2028, 8, 31)
    )
    copied = assert_one_number(client_for(methodist), copy, rows=False)
    assert [copied[m.pk] for m in in_table_order(copy)] == [source[m.pk] for m in in_table_order(plan)]
    assert any(flag.startswith("Мероприятие 1.2.2. (Анализ графиков") for flag in flags), flags


def test_an_excel_round_trip_keeps_the_numbers_and_stores_only_typed_ones(plan, authority, methodist, client_for):
    source = assert_one_number(client_for(methodist), plan, rows=False)
    draft = roadmap_import_xlsx(data=roadmap_xlsx_bytes(plan), by=methodist, owner=authority).roadmap
    imported = assert_one_number(client_for(methodist), draft, rows=False)
    assert [imported[m.pk] for m in in_table_order(draft)] == [source[m.pk] for m in in_table_order(plan)]
    # only the number that differs from its place stays typed, so a moved measure is renumbered
    assert [m.number for m in in_table_order(draft) if m.number] == ["2.5"]
    moved = Measure.objects.get(section__roadmap=draft, description="Семинар для заместителей директоров")
    services.measure_move(measure=moved, by=methodist, delta=-1)
    assert roadmap_table(draft).numbers()[moved.pk] == "1.1."


def test_a_section_number_typed_in_its_field_and_its_heading_is_shown_once(authority, methodist):
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title="План", period_start=date(2026, 9, 1), period_end=date(2027, 8, 31)
    )
    section = services.section_create(roadmap=roadmap, by=methodist, kind="heading", heading="3. Итоги", number="3")
    measure(section, methodist, "Анализ")
    table = roadmap_table(roadmap)
    assert table.blocks[0].label == "3. Итоги" and table.rows[0].number == "3.1."
    assert Section.objects.get(pk=section.pk).heading == "3. Итоги"  # the typed text is kept as typed


# --- the demo's roadmaps ---------------------------------------------------------------------


@pytest.fixture
def demo(db):
    load_demo_schools()
    load_demo_roadmaps()
    return Roadmap.objects.filter(owner__code="uo6401").order_by("pk")


def test_the_demos_roadmaps_carry_one_number_everywhere(demo, client_for):
    methodist = get_user_model().objects.get(username="methodist")
    total = 0
    for roadmap in demo:
        numbers = assert_one_number(client_for(methodist), roadmap, rows=False)
        total += len(numbers)
        if Assignment.objects.filter(measure__section__roadmap=roadmap).exists():
            assert_execution_numbers(client_for, methodist, roadmap, numbers)
    assert total >= 120
