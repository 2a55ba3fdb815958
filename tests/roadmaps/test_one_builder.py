"""One measure builder: the same rows typed in the editor, imported from Excel, copied to the next
period, carried into an amendment and targeted from zones are stored alike (deadline text and its
parsed dates, occurrence windows, executors, assignments, history by the person who acted)."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from monitoring.analysis.services import targeted_measure_create
from reports.services import roadmap_import_xlsx
from roadmaps import services
from roadmaps.document import COLUMNS
from roadmaps.models import EvidenceKind, ExecutorKind, Measure, Roadmap, Section
from roadmaps.services import RoadmapStateError, occurrence_windows
from roadmaps.table import EVIDENCE_PREFIX, LEAD_MARK
from roadmaps.xlsx import PARAMS, SHEET_PARAMS, SHEET_PLAN

PERIOD = (date(2025, 9, 1), date(2026, 8, 31))
DEADLINES = ["Май", "ежемесячно", "до 15.10.2025", "В течение учебного года"]
TITLE = "Методический десант в школы с необъективными результатами"
RESULT = "Протокол совещания"


@pytest.fixture
def row(authority, school_a):
    """What a methodist writes for each measure, whichever way it comes in."""
    kind = ExecutorKind.objects.order_by("order").first()
    evidence = EvidenceKind.objects.order_by("order").first()
    return {
        "executors": [
            {"organization": authority, "is_lead": True},
            {"executor_kind": kind},
            {"organization": school_a, "qualifier": "совместно с ДМиС"},
        ],
        "executor_lines": f"{authority.short_name}{LEAD_MARK}\n{kind.title}\n{school_a.short_name} совместно с ДМиС",
        "evidence": evidence,
    }


def new_roadmap(authority, methodist, period=PERIOD, title="План на 2025/2026 учебный год"):
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title=title, period_start=period[0], period_end=period[1]
    )
    section = services.section_create(
        roadmap=roadmap, by=methodist, kind=Section.Kind.HEADING, heading="Адресная работа"
    )
    return roadmap, section


def typed(authority, methodist, row, period=PERIOD) -> Roadmap:
    roadmap, section = new_roadmap(authority, methodist, period)
    for deadline in DEADLINES:
        services.measure_create(
            section=section,
            by=methodist,
            description=f"{TITLE}: {deadline}",
            deadline_text=deadline,
            expected_result=RESULT,
            executors=row["executors"],
            evidence_kinds=[row["evidence"]],
        )
    return roadmap


def assign(roadmap, organizations, by):
    for measure in Measure.objects.filter(section__roadmap=roadmap).order_by("order"):
        services.measure_assign(measure=measure, organizations=organizations, by=by)


def workbook_bytes(row) -> bytes:
    """A workbook in the export's layout: the plan's table under a title, parameters on their sheet."""
    book = Workbook()
    plan = book.active
    plan.title = SHEET_PLAN
    plan.append(["План на 2025/2026 учебный год"])
    plan.append([])
    plan.append([label for _, label in COLUMNS])
    plan.append(["1. Адресная работа"])
    for deadline in DEADLINES:
        result = f"{RESULT}\n{EVIDENCE_PREFIX}{row['evidence'].title}"
        plan.append(["", f"{TITLE}: {deadline}", deadline, row["executor_lines"], "", result])
    params = book.create_sheet(SHEET_PARAMS)
    params.append(["Параметр", "Значение"])
    values = {"title": "План на 2025/2026 учебный год", "period_start": "01.09.2025", "period_end": "31.08.2026"}
    for key, label in PARAMS:
        params.append([label, values.get(key, "")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stored(roadmap, *, with_plan_fields=True) -> list[dict]:
    """What the database holds for each measure of the roadmap, in order."""
    rows = []
    for measure in Measure.objects.filter(section__roadmap=roadmap).order_by("section__order", "order"):
        item = {
            "description": measure.description,
            "number": measure.number,
            "deadline_text": measure.deadline_text,
            "deadline": measure.deadline,
            "deadline_manual": measure.deadline_manual,
            "windows": occurrence_windows(measure, roadmap),
            "assignments": sorted(
                measure.assignments.values_list(
                    "organization_id", "occurrence", "window_start", "window_end", "due_date", "status"
                )
            ),
        }
        if with_plan_fields:
            item["expected_result"] = measure.expected_result
            item["executors"] = list(
                measure.executors.order_by("order").values_list(
                    "organization_id", "executor_kind_id", "is_lead", "qualifier"
                )
            )
            item["evidence"] = sorted(measure.evidence_kinds.values_list("pk", flat=True))
        rows.append(item)
    return rows


def assert_history_by(roadmap, person):
    """Every measure, executor and assignment was recorded as created, by the person who acted;
    the measure's record holds its evidence kinds."""
    for measure in Measure.objects.filter(section__roadmap=roadmap):
        created = measure.history.get(history_type="+")
        assert created.history_user == person, measure.description
        assert sorted(created.evidence_kinds.values_list("evidencekind_id", flat=True)) == sorted(
            measure.evidence_kinds.values_list("pk", flat=True)
        )
        for executor in measure.executors.all():
            assert executor.history.get(history_type="+").history_user == person
        for assignment in measure.assignments.all():
            assert assignment.history.get(history_type="+").history_user == person


def test_the_same_rows_are_stored_alike_through_every_path(authority, methodist, official, school_a, school_b, row):
    schools = [school_a, school_b]

    editor = typed(authority, methodist, row)
    assign(editor, schools, methodist)
    expected = stored(editor)
    may, monthly, by_date, all_year = expected
    assert may["windows"] == [(date(2026, 5, 1), date(2026, 5, 31), date(2026, 5, 31))]
    assert len(monthly["windows"]) == 12 and monthly["windows"][0] == (
        date(2025, 9, 1),
        date(2025, 9, 30),
        date(2025, 9, 30),
    )
    assert by_date["deadline"]["kind"] == "date" and by_date["windows"][0][2] == date(2025, 10, 15)
    assert all_year["windows"] == [(PERIOD[0], PERIOD[1], PERIOD[1])]
    assert len(monthly["assignments"]) == 24 and {a[5] for a in monthly["assignments"]} == {"planned"}
    assert_history_by(editor, methodist)

    imported = roadmap_import_xlsx(data=workbook_bytes(row), by=methodist, owner=authority).roadmap
    assign(imported, schools, methodist)
    assert stored(imported) == expected
    assert_history_by(imported, methodist)

    last_year = typed(authority, methodist, row, period=(date(2024, 9, 1), date(2025, 8, 31)))
    copied, _flags = services.roadmap_copy_to_period(
        roadmap=last_year, by=methodist, period_start=PERIOD[0], period_end=PERIOD[1]
    )
    assign(copied, schools, methodist)
    assert stored(copied) == expected
    assert_history_by(copied, methodist)

    services.roadmap_submit(roadmap=editor, by=methodist)
    services.roadmap_approve(
        roadmap=editor,
        by=official,
        order_number="215-о",
        order_date=date(2025, 8, 29),
        signatory_position="Начальник управления",
        signatory_name="Т. В. Разуваева",
    )
    amendment = services.roadmap_amend(roadmap=editor, by=methodist)
    assert stored(amendment) == expected  # the assignments come along, planned again
    assert_history_by(amendment, methodist)

    targeted, section = new_roadmap(authority, methodist)
    for deadline in DEADLINES:
        targeted_measure_create(
            section=section,
            organizations=schools,
            by=methodist,
            description=f"{TITLE}: {deadline}",
            deadline_text=deadline,
        )
    # the zones' form asks for the measure and its deadline only: no executors, result or evidence
    assert stored(targeted, with_plan_fields=False) == stored(editor, with_plan_fields=False)
    assert_history_by(targeted, methodist)


def test_an_imported_month_is_dated_within_the_period(authority, methodist, row):
    roadmap = roadmap_import_xlsx(data=workbook_bytes(row), by=methodist, owner=authority).roadmap
    may = Measure.objects.get(section__roadmap=roadmap, deadline_text="Май")
    assert may.deadline["kind"] == "window"
    assert occurrence_windows(may, roadmap) == [(date(2026, 5, 1), date(2026, 5, 31), date(2026, 5, 31))]


def test_import_writes_in_bulk_whatever_the_number_of_measures(authority, methodist, row):
    def queries_for(measures: int) -> int:
        book = Workbook()
        plan = book.active
        plan.title = SHEET_PLAN
        plan.append([label for _, label in COLUMNS])
        plan.append(["1. Адресная работа"])
        for index in range(measures):
            plan.append(["", f"{TITLE} {index}", DEADLINES[index % 4], row["executor_lines"], "", RESULT])
        params = book.create_sheet(SHEET_PARAMS)
        params.append(["Параметр", "Значение"])
        params.append(["Наименование", f"План из {measures} мероприятий"])
        params.append(["Начало периода", "01.09.2025"])
        params.append(["Окончание периода", "31.08.2026"])
        buffer = io.BytesIO()
        book.save(buffer)
        with CaptureQueriesContext(connection) as queries:
            roadmap_import_xlsx(data=buffer.getvalue(), by=methodist, owner=authority)
        return len(queries)

    few, many = queries_for(4), queries_for(40)
    # A write per measure would add at least 36 queries; SQLite splits a bulk insert into batches
    # of 999 parameters, which adds one or two for the history of 120 executors.
    assert many - few <= 3, (few, many)


def test_a_targeted_measure_for_another_municipality_is_refused_by_name(authority, methodist, other_school):
    roadmap, section = new_roadmap(authority, methodist)
    with pytest.raises(RoadmapStateError, match="«СОШ № 1 г. Ершова» не относится к муниципалитету"):
        targeted_measure_create(section=section, organizations=[other_school], by=methodist, description="Консультации")
    assert not Measure.objects.filter(section=section).exists()
