"""Targets and attainment (issue 21 part 4): the verdict, its sources, its cost, and the places
that show it (the roadmap page, its PDF and .docx, the measure form)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.models import IndicatorDefinition, IndicatorValue
from reports.pdf import render_roadmap_pdf
from reports.testing import flat, pdf_pages
from reports.typography import typograph
from reports.word import roadmap_docx_bytes
from roadmaps.attainment import (
    ATTAINED,
    NO_DATA,
    NOT_ATTAINED,
    Occurrence,
    YearFacts,
    attainment,
    indicator_choices,
    occurrence_year,
    report_year,
    roadmap_attainment,
    roadmap_years,
)
from roadmaps.document import roadmap_document
from roadmaps.forms import MeasureForm
from roadmaps.models import Assignment, Measure, Roadmap
from roadmaps.table import ATTAINMENT_PREFIX
from schools.models import Organization
from tests.conftest import make_organization
from tests.reports.test_word_documents import plain, read, table_rows
from tests.roadmaps.execution_factories import make_assignment, make_measure, make_roadmap, make_section

ACCEPTED = Assignment.Status.ACCEPTED


def target(comparator="gte", value="5", unit="%", per_year=None, indicator="") -> Measure:
    return Measure(
        target_comparator=comparator,
        target_value=None if value is None else Decimal(value),
        target_unit=unit,
        target_per_year=per_year or {},
        target_indicator_code=indicator,
    )


def occ(org=1, accepted=True, value=None, number=1) -> Occurrence:
    return Occurrence(org, number, accepted, None if value is None else Decimal(value))


# --- the verdict (pure) ---------------------------------------------------------------------


def test_entered_share_at_least_target_is_attained_and_below_is_not():
    measure = target("gte", "5")
    assert attainment(measure, 2026, YearFacts((occ(value="5"),))).verdict == ATTAINED
    missed = attainment(measure, 2026, YearFacts((occ(value="4.9"),)))
    assert (missed.verdict, missed.achieved, missed.source) == (NOT_ATTAINED, Decimal("4.9"), "entered")


def test_at_most_and_equal_compare_the_other_way():
    assert attainment(target("lte", "10"), 2026, YearFacts((occ(value="12"),))).verdict == NOT_ATTAINED
    assert attainment(target("lte", "10"), 2026, YearFacts((occ(value="8"),))).verdict == ATTAINED
    assert attainment(target("eq", "1", unit="шт."), 2026, YearFacts((occ(value="1"),))).verdict == ATTAINED
    assert attainment(target("eq", "1", unit="шт."), 2026, YearFacts((occ(value="2"),))).verdict == NOT_ATTAINED


def test_every_organisation_must_reach_the_target_the_worst_decides():
    facts = YearFacts((occ(1, value="60"), occ(2, value="40"), occ(3, value="70")))
    result = attainment(target("gte", "50"), 2026, facts)
    assert (result.verdict, result.achieved, result.lowest, result.highest, result.organizations) == (
        NOT_ATTAINED,
        Decimal("40"),
        Decimal("40"),
        Decimal("70"),
        3,
    )


def test_only_accepted_values_count_and_the_latest_occurrence_of_an_organisation_wins():
    facts = YearFacts((occ(1, value="3", number=1), occ(1, value="7", number=2), occ(2, accepted=False, value="1")))
    result = attainment(target("gte", "5"), 2026, facts)
    assert (result.verdict, result.achieved, result.organizations) == (ATTAINED, Decimal("7"), 1)
    assert attainment(target("gte", "5"), 2026, YearFacts((occ(accepted=False, value="9"),))).verdict == NO_DATA


def test_the_year_value_overrides_the_measure_value():
    measure = target("gte", "5", per_year={"2026": "0.337", "2027": "10"})
    assert attainment(measure, 2026, YearFacts((occ(value="1"),))).verdict == ATTAINED
    assert attainment(measure, 2027, YearFacts((occ(value="9"),))).target == Decimal("10")
    assert attainment(measure, 2028, YearFacts((occ(value="9"),))).target == Decimal("5")


def test_presence_is_accepted_evidence_in_the_year():
    measure = target("present", None, unit="")
    assert attainment(measure, 2026, YearFacts((occ(accepted=False), occ(2)))).verdict == ATTAINED
    assert attainment(measure, 2026, YearFacts((occ(accepted=False),), finished=True)).verdict == NOT_ATTAINED
    # the year goes on: the document may still come
    assert attainment(measure, 2026, YearFacts((occ(accepted=False),), finished=False)).verdict == NO_DATA
    assert attainment(measure, 2026, YearFacts(())).verdict == NO_DATA


def test_a_count_without_values_is_the_number_of_accepted_occurrences():
    measure = target("gte", "2", unit="мероприятий")
    two = YearFacts((occ(1, number=1), occ(1, number=2), occ(1, accepted=False, number=3)))
    result = attainment(measure, 2026, two)
    assert (result.verdict, result.achieved, result.source) == (ATTAINED, Decimal(2), "accepted")
    one = YearFacts((occ(1, number=1), occ(1, accepted=False, number=2)), finished=True)
    assert attainment(measure, 2026, one).verdict == NOT_ATTAINED
    assert attainment(measure, 2026, YearFacts(one.occurrences, finished=False)).verdict == NO_DATA


def test_a_share_without_values_or_indicator_has_no_data():
    assert attainment(target("gte", "50"), 2026, YearFacts((occ(),))).verdict == NO_DATA


def test_the_linked_indicator_decides_when_it_has_a_value():
    measure = target("gte", "5", indicator="teachers_diagnosed")
    result = attainment(measure, 2026, YearFacts((occ(value="1"),), indicator_value=7.25))
    assert (result.verdict, result.achieved, result.source) == (ATTAINED, Decimal("7.25"), "indicator")
    # without the indicator's value the school's entries still count
    assert attainment(measure, 2026, YearFacts((occ(value="1"),))).verdict == NOT_ATTAINED
    assert attainment(measure, 2026, YearFacts(())).verdict == NO_DATA


def test_academic_years_are_numbered_by_their_end_and_start_in_august():
    roadmap = Roadmap(
        period_kind=Roadmap.PeriodKind.ACADEMIC,
        period_start=datetime.date(2025, 9, 1),
        period_end=datetime.date(2027, 8, 31),
    )
    assert report_year(roadmap, datetime.date(2025, 9, 1)) == 2026
    assert report_year(roadmap, datetime.date(2026, 8, 25)) == 2027  # the August conference opens 2026/2027
    assert roadmap_years(roadmap, today=datetime.date(2030, 1, 1)) == [2026, 2027]
    assert roadmap_years(roadmap, today=datetime.date(2026, 3, 1)) == [2026]
    assert occurrence_year(roadmap, datetime.date(2027, 8, 31)) == 2027  # the last day stays in the plan
    calendar = Roadmap(
        period_kind=Roadmap.PeriodKind.CALENDAR,
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2022, 12, 31),
    )
    assert roadmap_years(calendar, today=datetime.date(2030, 1, 1)) == [2021, 2022]


# --- in bulk, from the database -------------------------------------------------------------


def _targeted_plan(authority, schools, *, measures: int) -> Roadmap:
    roadmap = make_roadmap(authority)
    section = make_section(roadmap)
    last_year = timezone.localdate() - datetime.timedelta(days=400)
    for index in range(measures):
        measure = make_measure(section, number=str(index + 1), order=index)
        Measure.objects.filter(pk=measure.pk).update(target_comparator="gte", target_value=50, target_unit="%")
        for school in schools:
            a = make_assignment(measure, school, due=max(last_year, roadmap.period_start), status=ACCEPTED)
            Assignment.objects.filter(pk=a.pk).update(achieved_value=40 + 10 * index)
    return roadmap


def test_a_roadmap_attainment_takes_the_same_queries_for_two_or_eight_measures(authority, school_a, school_b):
    small = _targeted_plan(authority, [school_a, school_b], measures=2)
    large = _targeted_plan(authority, [school_a, school_b], measures=8)
    counts = []
    for roadmap in (small, large):
        roadmap = Roadmap.objects.get(pk=roadmap.pk)
        with CaptureQueriesContext(connection) as queries:
            result = roadmap_attainment(roadmap)
        counts.append(len(queries))
        assert len(result) in (2, 8)
    assert counts[0] == counts[1] <= 4
    first = roadmap_attainment(large)
    verdicts = [items[0].verdict for items in first.values()]
    assert verdicts[:2] == [NOT_ATTAINED, ATTAINED]  # 40 % and 50 % against «не менее 50 %»


def test_the_roadmap_page_costs_no_query_per_measure_for_its_targets(client, methodist, authority, school_a, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0  # the table computed every time
    small = _targeted_plan(authority, [school_a], measures=2)
    large = _targeted_plan(authority, [school_a], measures=8)
    client.force_login(methodist)
    client.get(reverse("roadmaps:detail", args=[small.pk]))  # the session, once
    counts = []
    for roadmap in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("roadmaps:detail", args=[roadmap.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_draft_shows_no_attainment(authority, school_a):
    roadmap = _targeted_plan(authority, [school_a], measures=1)
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.DRAFT)
    assert roadmap_attainment(Roadmap.objects.get(pk=roadmap.pk)) == {}


def test_monitoring_supplies_the_pooled_municipal_value_of_the_linked_indicator(municipality, authority, school_a):
    indicator = IndicatorDefinition.objects.create(code="teachers_diagnosed", name="Доля педагогов", unit="%")
    assert ("teachers_diagnosed", "Доля педагогов (%)") in indicator_choices()
    roadmap = make_roadmap(authority)
    measure = make_measure(make_section(roadmap))
    Measure.objects.filter(pk=measure.pk).update(
        target_comparator="gte", target_value=5, target_unit="%", target_indicator_code="teachers_diagnosed"
    )
    year = report_year(roadmap, timezone.localdate())
    pooled = dict(indicator=indicator, year=year - 1, municipality=municipality)
    IndicatorValue.objects.create(**pooled, value=4.0)
    IndicatorValue.objects.create(**pooled, organization=school_a, value=90.0)  # a school's: not the municipality's
    IndicatorValue.objects.create(**pooled, subject="Математика", value=95.0)  # a slice: not the whole
    (result,) = [item for item in roadmap_attainment(roadmap)[measure.pk] if item.year == year - 1]
    assert (result.achieved, result.verdict, result.source) == (Decimal("4.0"), NOT_ATTAINED, "indicator")


# --- where it shows --------------------------------------------------------------------------


def test_page_pdf_and_docx_show_the_same_attainment_line(client, methodist, authority, school_a):
    roadmap = _targeted_plan(authority, [school_a], measures=2)
    document = roadmap_document(roadmap)
    lines = [
        line for row in document.measure_rows for line in row.cells["result"].split("\n") if ATTAINMENT_PREFIX in line
    ]
    assert len(lines) == 2 and "50 %: достигнуто" in lines[1] and "40 %: не достигнуто" in lines[0]

    client.force_login(methodist)
    page = client.get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    assert 'data-verdict="не достигнуто"' in page and 'data-verdict="достигнуто"' in page
    assert "40 %: не достигнуто" in page

    pdf = flat(" ".join(pdf_pages(render_roadmap_pdf(roadmap))))
    words = flat(typograph(lines[0]))
    assert words[:60] in pdf
    word_cells = [cell for row in table_rows(read(roadmap_docx_bytes(roadmap)).tables[0]) for cell in row]
    assert any(plain(typograph(lines[0])) in cell for cell in word_cells)


def test_the_xlsx_round_trip_leaves_the_attainment_line_out(authority, school_a):
    from roadmaps.xlsx import parse_roadmap_workbook, roadmap_xlsx_bytes

    roadmap = _targeted_plan(authority, [school_a], measures=1)
    data = roadmap_xlsx_bytes(roadmap)
    assert ATTAINMENT_PREFIX.strip().encode() not in data  # the export is compressed: check the parse
    parsed = parse_roadmap_workbook(data, owner=authority)
    (measure,) = [m for s in parsed.sections for m in s.measures]
    assert ATTAINMENT_PREFIX.strip() not in measure.expected_result + measure.target_text


# --- the measure form ------------------------------------------------------------------------


def _form(**fields):
    data = {"description": "Диагностика дефицитов педагогов", "deadline_text": "Октябрь", **fields}
    return MeasureForm(data, organizations=Organization.objects.none())


def test_the_form_links_a_target_to_an_indicator_of_the_catalogue(db):
    IndicatorDefinition.objects.create(code="teachers_diagnosed", name="Доля педагогов", unit="%")
    form = _form(target_comparator="gte", target_value="5", target_unit="%", target_indicator_code="teachers_diagnosed")
    assert form.is_valid(), form.errors
    assert form.service_fields()["target_indicator_code"] == "teachers_diagnosed"


def test_the_form_refuses_an_unknown_indicator_and_a_comparison_without_value(db):
    form = _form(target_comparator="gte", target_value="5", target_indicator_code="no_such")
    assert not form.is_valid()
    assert "Показателя «no_such» нет в перечне показателей мониторинга" in form.errors["target_indicator_code"][0]
    form = _form(target_comparator="gte")
    assert not form.is_valid() and "Укажите значение показателя" in form.errors["target_value"][0]
    IndicatorDefinition.objects.create(code="teachers_diagnosed", name="Доля педагогов", unit="%")
    form = _form(target_comparator="present", target_indicator_code="teachers_diagnosed")
    assert not form.is_valid() and "выберите сравнение" in form.errors["target_comparator"][0]


def test_an_organisation_in_another_municipality_is_not_mixed_in(authority, other_municipality, school_a):
    """The verdict reads the roadmap's own occurrences: another plan's values never count."""
    roadmap = _targeted_plan(authority, [school_a], measures=1)
    other = make_organization(other_municipality, "uo9", "УО другого района", Organization.Kind.AUTHORITY)
    _targeted_plan(other, [], measures=1)
    assert len(roadmap_attainment(roadmap)) == 1


@pytest.mark.parametrize("value", ["50", "100"])
def test_the_verdict_is_stable_for_repeated_reads(authority, school_a, value):
    roadmap = _targeted_plan(authority, [school_a], measures=1)
    Assignment.objects.filter(measure__section__roadmap=roadmap).update(achieved_value=value)
    assert roadmap_attainment(roadmap) == roadmap_attainment(roadmap)


def test_the_cached_roadmap_table_follows_what_was_achieved(
    client, methodist, director_a, authority, school_a, settings
):
    """The page's table is cached; a value entered with the evidence (execution) refreshes its verdict."""
    from roadmaps.execution import services as execution

    settings.FRAGMENT_CACHE_SECONDS = 300
    roadmap = _targeted_plan(authority, [school_a], measures=1)
    client.force_login(methodist)
    url = reverse("roadmaps:detail", args=[roadmap.pk])
    assert "40 %: не достигнуто" in client.get(url).content.decode()
    assignment = Assignment.objects.get(measure__section__roadmap=roadmap)
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.RETURNED)
    execution.assignment_set_achieved(assignment=assignment, by=director_a, value=Decimal("55"))
    Assignment.objects.filter(pk=assignment.pk).update(status=ACCEPTED)  # accepted: no write of its own here
    assert "55 %: достигнуто" in client.get(url).content.decode()
