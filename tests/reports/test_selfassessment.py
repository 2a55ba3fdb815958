"""Self-assessment of the municipality's quality-management mechanisms (issue 23): the matrix of
directions × cycle stages computed from the product's records, checked against a hand count of a
fixture whose records sit in known cells."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from monitoring.models import IndicatorDefinition, IndicatorValue
from reports.models import AnalyticReport
from reports.selfassessment import selectors, services
from roadmaps.execution.services import assignment_accept
from roadmaps.models import Assignment, CycleStage, Evidence, EvidenceKind, Measure, Roadmap, StageRule
from tests.roadmaps.execution_factories import make_assignment, make_roadmap, make_section

YEAR = 2026  # the academic year 2025/2026
DUE = datetime.date(2026, 3, 2)


def _measure(section, stage_code, description="Мероприятие"):
    return Measure.objects.create(
        section=section, description=description, stage=CycleStage.objects.get(code=stage_code)
    )


def _evidence(assignment, kind_code, title="Документ", number="", date=None):
    return Evidence.objects.create(
        assignment=assignment,
        kind=EvidenceKind.objects.get(code=kind_code),
        title=title,
        number=number,
        date=date,
        link="https://example.org/doc",
    )


@pytest.fixture
def placed(authority, school_a, municipality, methodist):
    """Records placed in known cells (hand count below):
    1.1 goals: a measure and an accepted order → полностью (2 of 2)
    1.1 analysis: a measure, an accepted analytic report, an approved справка on an assessment → полностью (2)
    1.1 monitoring: a measure and computed values of 1.1 indicators, no evidence → частично (1)
    1.1 effectiveness: the справка on 1.1 indicators (analysis or справка) alone → частично (1)
    1.2 measures: a measure with a protocol submitted, not accepted → частично (1)
    2.1 goals: a measure whose only evidence is of a kind the stage does not expect (media) → частично (1)
    a measure of 2.2 in a draft roadmap and evidence dated in another year count for nothing.
    Total 8 of 144 (8 directions × 9 stages × 2)."""
    roadmap = make_roadmap(authority)  # approved, 2025-09-01 … 2027-08-31
    s11, s12, s21 = (make_section(roadmap, direction_code=c, order=i) for i, c in enumerate(["1.1", "1.2", "2.1"], 1))
    goals = _measure(s11, "goals", "Утверждение муниципальной системы оценки качества")
    _evidence(
        make_assignment(goals, authority, due=DUE, status=Assignment.Status.ACCEPTED),
        "order",
        "Приказ о МСОКО",
        "01-10/15",
        datetime.date(2025, 10, 1),
    )
    analysis = _measure(s11, "analysis")
    _evidence(
        make_assignment(analysis, authority, due=DUE, status=Assignment.Status.ACCEPTED),
        "analytic_report",
        "Аналитическая справка по ВПР",
    )
    _measure(s11, "monitoring")
    indicator = IndicatorDefinition.objects.create(code="sa_share", name="Доля участников", direction_code="1.1")
    IndicatorValue.objects.create(
        indicator=indicator, year=YEAR, municipality=municipality, numerator=1, denominator=2, value=50
    )
    AnalyticReport.objects.create(
        municipality=municipality, subject=AnalyticReport.Subject.DIRECTION, direction_code="1.1", year=YEAR,
        title="Справка по показателям 1.1", status=AnalyticReport.Status.APPROVED, approved_at=timezone.now(),
    )  # fmt: skip
    measures12 = _measure(s12, "measures")
    submitted = make_assignment(measures12, school_a, due=DUE, status=Assignment.Status.SUBMITTED)
    _evidence(submitted, "protocol", "Протокол педсовета")
    goals21 = _measure(s21, "goals")
    _evidence(
        make_assignment(goals21, authority, due=DUE, status=Assignment.Status.ACCEPTED), "media", "Заметка в газете"
    )
    # noise: a draft roadmap's measure, and an accepted order of 1.1 goals due in the next year
    draft = make_roadmap(authority, status=Roadmap.Status.DRAFT, title="Черновик")
    _measure(make_section(draft, direction_code="2.2"), "goals")
    _evidence(
        make_assignment(
            goals, authority, due=datetime.date(2026, 10, 1), status=Assignment.Status.ACCEPTED, occurrence=2
        ),
        "order",
        "Приказ следующего года",
    )
    return {"roadmap": roadmap, "draft": draft, "submitted": submitted, "indicator": indicator}


def _points(matrix):
    return {key: cell.points for key, cell in matrix.cells.items() if cell.points}


def test_the_matrix_is_the_hand_count_of_the_fixture(placed, municipality):
    matrix = selectors.matrix_compute(municipality, YEAR)
    assert _points(matrix) == {
        ("1.1", "goals"): 2,
        ("1.1", "analysis"): 2,
        ("1.1", "monitoring"): 1,
        ("1.1", "effectiveness"): 1,
        ("1.2", "measures"): 1,
        ("2.1", "goals"): 1,
    }
    assert matrix.cells[("1.1", "goals")].status == "full"
    assert matrix.cells[("1.1", "monitoring")].status == "partial"
    assert (matrix.overall.points, matrix.overall.max_points) == (8, 8 * 9 * 2)
    assert matrix.directions["1.1"].points == 6 and matrix.directions["1.2"].points == 1
    assert matrix.groups["1"].points == 7 and matrix.groups["2"].points == 1
    assert matrix.overall.previous == 0  # 2024/2025: the roadmap starts in September 2025


def test_every_cell_names_its_records_and_what_is_missing(placed, municipality):
    matrix = selectors.matrix_compute(municipality, YEAR)
    goals = matrix.cells[("1.1", "goals")]
    order = goals.checks[1].proofs[0]
    assert (order.label, order.number, order.date) == ("Приказ о МСОКО", "01-10/15", datetime.date(2025, 10, 1))
    assert order.url == f"/execution/occurrence/{order.url.rsplit('/', 2)[-2]}/"
    assert [p.label for p in goals.checks[1].proofs] == ["Приказ о МСОКО"]  # the next year's order is not here
    measures = matrix.cells[("1.2", "measures")]
    (missing,) = measures.missing
    assert missing.missing == (
        "Нет принятого документа (приказ, протокол (совещания, заседания, педсовета), план, план-график, "
        "дорожная карта, программа, отчет) по мероприятиям этапа «Меры и мероприятия» по направлению 1.2 за "
        "2025/2026 учебный год"
    )
    analysis = matrix.cells[("1.2", "analysis")]
    assert "Нет утверждённой аналитической справки по направлению или утверждённого и рассчитанного зонирования" in (
        analysis.missing[-1].missing
    )
    assert analysis.missing[-1].step == "Сформировать и утвердить аналитическую справку"


def test_accepting_one_evidence_changes_exactly_one_cell(placed, municipality, methodist):
    before = _points(selectors.matrix_compute(municipality, YEAR))
    assignment_accept(assignment=placed["submitted"], by=methodist)
    after = _points(selectors.matrix_compute(municipality, YEAR))
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert changed == {("1.2", "measures")}
    assert after[("1.2", "measures")] == 2


@override_settings(FRAGMENT_CACHE_SECONDS=60)
def test_the_kept_matrix_follows_a_review(placed, municipality, methodist):
    assert selectors.matrix(municipality, YEAR).cells[("1.2", "measures")].points == 1
    assignment_accept(assignment=placed["submitted"], by=methodist)
    assert selectors.matrix(municipality, YEAR).cells[("1.2", "measures")].points == 2


def test_a_rule_edited_in_the_catalogue_changes_the_score(placed, municipality):
    rule = StageRule.objects.get(stage__code="goals")
    rule.points_full, rule.points_partial = 4, 2
    rule.save()
    matrix = selectors.matrix_compute(municipality, YEAR)
    assert matrix.cells[("1.1", "goals")].points == 4 and matrix.cells[("2.1", "goals")].points == 2
    # media now shows the goals stage too: 2.1 goals becomes full
    rule.requirements.get(order=2).evidence_kinds.add(EvidenceKind.objects.get(code="media"))
    assert selectors.matrix_compute(municipality, YEAR).cells[("2.1", "goals")].status == "full"
    # a stage without a rule is not scored
    StageRule.objects.filter(stage__code="goals").delete()
    matrix = selectors.matrix_compute(municipality, YEAR)
    assert matrix.cells[("1.1", "goals")].status_label == "правило не задано"
    assert matrix.overall.max_points == 8 * 8 * 2


def test_the_region_table_has_each_municipalitys_totals(placed, municipality, other_municipality):
    table = selectors.region_table_compute(municipality.region, YEAR)
    rows = {row.municipality.pk: row for row in table.rows}
    assert rows[municipality.pk].overall.points == 8
    assert rows[other_municipality.pk].overall.points == 0
    assert [row.municipality for row in table.rows][0] == municipality  # best first
    assert [t.points for t in rows[municipality.pk].direction_columns] == [6, 1, 0, 0, 1, 0, 0, 0]
    assert rows[municipality.pk].overall.previous == 0


def test_a_cell_becomes_a_draft_measure_of_its_direction_and_stage(placed, municipality, methodist):
    cell = selectors.matrix_compute(municipality, YEAR).cells[("1.3", "effectiveness")]
    measure = services.cell_measure_create(municipality=municipality, year=YEAR, cell=cell, by=methodist)
    assert measure.section.roadmap == placed["draft"]
    assert measure.section.direction.code == "1.3" and measure.stage.code == "effectiveness"
    assert set(measure.evidence_kinds.values_list("code", flat=True)) == {"analytic_report", "protocol", "letter"}
    assert "по направлению 1.3 за 2025/2026 учебный год" in measure.expected_result
    assert measure.assignments.filter(organization=placed["roadmap"].owner).exists()


def test_without_a_draft_the_change_of_the_approved_roadmap_takes_the_measure(placed, municipality, methodist):
    placed["draft"].delete()
    cell = selectors.matrix_compute(municipality, YEAR).cells[("1.1", "decisions")]
    measure = services.cell_measure_create(municipality=municipality, year=YEAR, cell=cell, by=methodist)
    amendment = measure.section.roadmap
    assert amendment.amends == placed["roadmap"] and amendment.status == Roadmap.Status.DRAFT
    assert measure.section.direction.code == "1.1" and measure.stage.code == "decisions"
    # the approved plan is unchanged until the change is approved
    assert not placed["roadmap"].sections.filter(measures__stage__code="decisions").exists()


def test_without_any_roadmap_of_the_year_the_cell_is_refused_in_russian(placed, municipality, methodist):
    cell = selectors.matrix_compute(municipality, YEAR + 3).cells[("1.3", "effectiveness")]
    with pytest.raises(ValidationError, match="Нет дорожной карты муниципалитета на 2028/2029 учебный год"):
        services.cell_measure_create(municipality=municipality, year=YEAR + 3, cell=cell, by=methodist)


def test_who_sees_the_matrix_and_who_plans_from_it(
    placed, municipality, client_for, methodist, official, director_a, viewer, other_school
):
    from schools.models import Membership
    from tests.conftest import make_user

    url = f"/reports/selfassessment/?municipality={municipality.pk}&year={YEAR}"
    assert client_for(None).get(url).status_code == 302
    assert client_for(director_a).get(url).status_code == 403
    for person in (methodist, official, viewer):
        page = client_for(person).get(url)
        assert page.status_code == 200
        assert "Самооценка механизмов управления качеством" in page.content.decode()
    stranger = make_user("other_methodist", other_school.municipality.organizations.create(
        code="uo2", kind="authority", short_name="УО", full_name="УО"), Membership.Role.METHODIST)  # fmt: skip
    assert client_for(stranger).get(url).status_code == 404
    post = {"municipality": municipality.pk, "year": YEAR, "direction": "1.3", "stage": "effectiveness"}
    assert client_for(viewer).post("/reports/selfassessment/measure/", post).status_code == 403
    assert client_for(director_a).post("/reports/selfassessment/measure/", post).status_code == 403
    response = client_for(methodist).post("/reports/selfassessment/measure/", post)
    assert response.status_code == 302 and f"/roadmaps/{placed['draft'].pk}/" in response["Location"]
    assert placed["draft"].sections.filter(direction__code="1.3", measures__stage__code="effectiveness").exists()


def test_the_region_page_is_for_the_regions_staff(
    placed, municipality, other_municipality, client_for, methodist, viewer, django_capture_on_commit_callbacks
):
    url = f"/reports/selfassessment/region/?region={municipality.region}&year={YEAR}"
    assert client_for(methodist).get(url).status_code == 403
    with override_settings(FRAGMENT_CACHE_SECONDS=60):
        page = client_for(viewer).get(url).content.decode()
        assert "Рассчитать самооценку муниципалитетов" in page and municipality.name not in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(viewer).post(
                "/reports/selfassessment/region/", {"region": municipality.region, "year": YEAR}
            )
        assert response.status_code == 302 and "/jobs/" in response["Location"]
        job = client_for(viewer).get(response["Location"]).content.decode()
        assert "Самооценка рассчитана для 2 муниципалитетов" in job
        page = client_for(viewer).get(url).content.decode()
        assert municipality.name in page and "8 / 144" in page
    with override_settings(FRAGMENT_CACHE_SECONDS=0):  # nothing is kept: the page computes it
        assert "8 / 144" in client_for(viewer).get(url).content.decode()


def _download(client, path, municipality, capture):
    with capture(execute=True):  # the first request renders it by a job, the second finds it kept
        response = client.post(path, {"municipality": municipality.pk, "year": YEAR})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    response = client.post(path, {"municipality": municipality.pk, "year": YEAR})
    assert response.status_code == 302 and "/reports/files/" in response["Location"]
    file_url = response["Location"]
    return file_url, b"".join(client.get(file_url).streaming_content)


def test_the_report_prints_each_cell_with_its_documents_in_pdf_and_word(
    placed, municipality, client_for, methodist, director_a, viewer, django_capture_on_commit_callbacks
):
    import io

    from docx import Document

    from reports.selfassessment.document import report_context
    from reports.testing import flat, pdf_pages

    context = report_context(selectors.matrix_compute(municipality, YEAR))
    client = client_for(methodist)
    pdf_url, pdf = _download(client, "/reports/selfassessment/pdf/", municipality, django_capture_on_commit_callbacks)
    text = flat(" ".join(pdf_pages(pdf)))
    assert "Самооценка муниципальных механизмов управления качеством образования" in text
    assert "Итого 8 из 144 (5,6 %)" in text
    assert "Приказ о МСОКО, № 01-10/15 от 01.10.2025" in text
    assert "Нет мероприятия этапа «Показатели» в утверждённой дорожной карте по направлению 1.1" in text
    _docx_url, docx = _download(
        client, "/reports/selfassessment/docx/", municipality, django_capture_on_commit_callbacks
    )
    tables = Document(io.BytesIO(docx)).tables
    summary = [[cell.text for cell in row.cells] for row in tables[0].rows]
    assert summary[0] == context["summary_heads"] and summary[1:] == context["summary_rows"]
    goals = [[cell.text for cell in row.cells] for row in tables[2].rows][1]  # 1.1, first stage
    assert goals[0] == "Цели" and goals[1] == "полностью, 2 из 2"
    assert "Приказ о МСОКО, № 01-10/15 от 01.10.2025 — http" in goals[2]
    # the same file again is the kept one; a director may not read it, the viewer may
    assert (
        client.post("/reports/selfassessment/pdf/", {"municipality": municipality.pk, "year": YEAR})["Location"]
        == pdf_url
    )
    assert client_for(director_a).get(pdf_url).status_code == 404
    assert client_for(viewer).get(pdf_url).status_code == 200


def test_without_rules_the_page_says_what_to_load(placed, municipality, client_for, methodist):
    StageRule.objects.all().delete()
    page = client_for(methodist).get(f"/reports/selfassessment/?municipality={municipality.pk}&year={YEAR}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Правила самооценки этапов не загружены: выполните python manage.py load_catalogue" in text
    assert "правило не задано" in text
