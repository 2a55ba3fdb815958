"""Аналитическая справка from the data (issue 21 part 1): its numbers against plain counts of the
fixture data, the statements made from them, the Word file's tables against the PDF's text, the
approval and publication, and who may do what."""

import io
import subprocess
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document

from monitoring.models import IndicatorDefinition, IndicatorValue, StudentResult, Zone, ZoningMethod
from monitoring.zoning import colour_label
from reports.models import AnalyticReport, Publication, ReportFile
from reports.pdf import render_spravka_pdf
from reports.publication.services import publication_of_file, spravka_publish_refusal
from reports.services import document_digest
from reports.spravka import statements as say
from reports.spravka.services import (
    spravka_approve,
    spravka_conclusions_save,
    spravka_generate,
    spravka_regenerate,
)
from reports.spravka.statements import number, percent
from reports.testing import EGE_MINIMUM, VPR_TASKS, exams_for_spravka, flat, results_for_spravka, signed_order
from reports.word import spravka_docx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def vpr(municipality):
    return results_for_spravka(municipality, schools=6, per_school=15)


def plain_counts(rows):
    marks = Counter(row.mark for row in rows)
    with_marks = sum(marks[m] for m in (2, 3, 4, 5))
    return {
        "participants": len(rows),
        "marks": {m: marks[m] for m in (2, 3, 4, 5)},
        "share_2": marks[2] / with_marks,
        "quality": (marks[4] + marks[5]) / with_marks,
        "mean_primary": sum(row.primary_score for row in rows) / len(rows),
        "with_journal": len(rows),
        "confirmed": sum(1 for row in rows if row.mark == row.journal_mark),
        "lowered": sum(1 for row in rows if row.mark < row.journal_mark),
        "raised": sum(1 for row in rows if row.mark > row.journal_mark),
    }


def plain_tasks(rows):
    result = []
    for index, task in enumerate(VPR_TASKS):
        scores = [row.task_scores.split(",")[index] for row in rows]
        scores = [int(score) for score in scores if score != ""]
        result.append(sum(scores) / len(scores) / task["max"])
    return result


def all_texts(content) -> str:
    return " ".join(
        text for section in content["sections"] for text in section["paragraphs"] + section["statements"]
    ).replace("\u00a0", " ")


def test_the_municipality_spravka_has_the_plain_counts_of_its_data(methodist, municipality, vpr):
    assessment, previous, schools = vpr
    report = spravka_generate(by=methodist, municipality=municipality, assessment=assessment)
    numbers = report.content["numbers"]
    rows = list(StudentResult.objects.filter(assessment=assessment))
    plain = plain_counts(rows)
    own = numbers["own"]

    assert own["participants"] == plain["participants"] == 6 * 15 and own["schools"] == 6
    assert [own[f"mark_{m}"] for m in (2, 3, 4, 5)] == [plain["marks"][m] for m in (2, 3, 4, 5)]
    assert own["mean_primary"] == pytest.approx(plain["mean_primary"])
    assert (own["lowered"], own["confirmed"], own["raised"]) == (plain["lowered"], plain["confirmed"], plain["raised"])
    last = plain_counts(list(StudentResult.objects.filter(assessment=previous)))
    assert numbers["previous"]["participants"] == last["participants"]
    assert numbers["previous"]["mark_2"] == last["marks"][2]

    # the statements say the same numbers, with comma decimals
    texts = all_texts(report.content)
    assert say.change("Доля «2»", last["share_2"], plain["share_2"]).replace("\u00a0", " ") in texts
    assert f"В работе участвовали {plain['participants']} участников в 6 организациях муниципалитета." in texts
    expected = say.objectivity(
        plain["lowered"] / len(rows), plain["confirmed"] / len(rows), plain["raised"] / len(rows)
    ).replace("\u00a0", " ")
    assert expected in texts

    # task by task: mean score over those with a score, divided by the task's maximum
    success = [task["success"] for task in numbers["tasks"]]
    assert success == pytest.approx(plain_tasks(rows))
    weakest = sorted(range(len(success)), key=lambda i: (success[i], i))[:3]
    assert say.weakest([numbers["tasks"][i] for i in weakest]).replace("\u00a0", " ") in texts

    # schools at risk: a share of «2» not below the municipality's, the highest first
    per_school = {}
    for school in schools:
        marks = [row.mark for row in rows if row.organization_id == school.pk]
        per_school[school.short_name] = marks.count(2) / len(marks)
    expected_risk = sorted(
        ((name, value) for name, value in per_school.items() if value > 0 and value >= plain["share_2"]),
        key=lambda item: (-item[1], item[0]),
    )
    assert [(row["organization"], row["share"]) for row in numbers["risk"]] == [
        (name, pytest.approx(value)) for name, value in expected_risk
    ]
    assert report.status == AnalyticReport.Status.DRAFT and report.created_by == methodist


def test_a_school_spravka_compares_the_school_with_the_municipality(methodist, municipality, vpr):
    assessment, _previous, schools = vpr
    school = schools[0]
    report = spravka_generate(by=methodist, municipality=municipality, organization=school, assessment=assessment)
    numbers = report.content["numbers"]
    own = plain_counts(list(StudentResult.objects.filter(assessment=assessment, organization=school)))
    everyone = plain_counts(list(StudentResult.objects.filter(assessment=assessment)))
    assert numbers["own"]["participants"] == own["participants"] == 15
    assert numbers["own"]["mark_2"] == own["marks"][2]
    assert numbers["municipality"]["participants"] == everyone["participants"]
    assert say.versus("Доля «2»", own["share_2"], everyone["share_2"], "по муниципалитету").replace(
        "\u00a0", " "
    ) in all_texts(report.content)
    heads = report.content["sections"][1]["tables"][0]["heads"]
    assert "Муниципалитет" in heads and school.short_name in report.title


def test_the_word_file_has_the_pdf_tables_and_texts(methodist, official, municipality, vpr):
    assessment, _previous, _schools = vpr
    report = spravka_generate(by=methodist, municipality=municipality, assessment=assessment)
    spravka_conclusions_save(report=report, by=methodist, conclusions="Провести семинар для учителей.\nУсилить работу.")
    report = spravka_approve(report=AnalyticReport.objects.get(pk=report.pk), by=official)
    word = Document(io.BytesIO(spravka_docx_bytes(report)))
    pdf = render_spravka_pdf(report)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    pdf_text = flat(text)

    tables = [table for section in report.content["sections"] for table in section["tables"]]
    assert len(word.tables) == len(tables) >= 4
    for table, expected in zip(word.tables, tables, strict=True):
        rows = [[flat(cell.text) for cell in row.cells] for row in table.rows]
        assert rows == [[flat(c) for c in expected["heads"]]] + [[flat(c) for c in row] for row in expected["rows"]]
        for row in rows[1:]:
            for cell in row:
                assert cell in pdf_text, cell
    paragraphs = [flat(p.text) for p in word.paragraphs]
    assert "АНАЛИТИЧЕСКАЯ СПРАВКА" in paragraphs and "Провести семинар для учителей." in paragraphs
    generated = [p for p in paragraphs if p.endswith("(сформировано автоматически)")]
    assert generated and all(flat(p.removesuffix(" (сформировано автоматически)"))[:40] in pdf_text for p in generated)
    assert "сформировано автоматически" in pdf_text and "Выводы и рекомендации" in pdf_text
    assert word.sections[0].page_width < word.sections[0].page_height  # portrait, as the PDF


def test_approval_freezes_the_spravka(methodist, official, municipality, vpr):
    assessment, _previous, _schools = vpr
    report = spravka_generate(by=methodist, municipality=municipality, assessment=assessment)
    with pytest.raises(ValidationError, match="Выводы и рекомендации"):
        spravka_approve(report=report, by=official)  # nothing written yet
    spravka_conclusions_save(report=report, by=methodist, conclusions="Выводы.")
    with pytest.raises(PermissionDenied):
        spravka_approve(report=report, by=methodist)
    report = spravka_approve(report=report, by=official)
    assert report.status == AnalyticReport.Status.APPROVED and report.approved_by == official
    frozen = report.content
    StudentResult.objects.filter(assessment=assessment).update(mark=2)  # new data after approval
    for action in (
        lambda: spravka_regenerate(report=report, by=methodist),
        lambda: spravka_conclusions_save(report=report, by=methodist, conclusions="Другое"),
    ):
        with pytest.raises(ValidationError, match="Утверждённая справка не изменяется"):
            action()
    report.refresh_from_db()
    assert report.content == frozen and report.conclusions == "Выводы."
    assert report.history.count() >= 3  # created, conclusions, approved


def test_a_draft_is_regenerated_from_todays_data_keeping_its_conclusions(methodist, municipality, vpr):
    assessment, _previous, _schools = vpr
    report = spravka_generate(by=methodist, municipality=municipality, assessment=assessment)
    spravka_conclusions_save(report=report, by=methodist, conclusions="Черновик выводов")
    StudentResult.objects.filter(assessment=assessment, mark=3).update(mark=2)
    from monitoring.services import statistics_rebuild

    statistics_rebuild(assessment_ids={assessment.pk})
    report = spravka_regenerate(report=report, by=methodist)
    assert (
        report.content["numbers"]["own"]["mark_2"]
        == StudentResult.objects.filter(assessment=assessment, mark=2).count()
    )
    assert report.conclusions == "Черновик выводов"


def test_the_direction_spravka_has_the_values_of_its_indicators(methodist, municipality, school_a, school_b):
    indicator = IndicatorDefinition.objects.create(
        code="test_share_2", name="Доля «2» по ВПР", direction_code="9.9", unit="%", better="lower"
    )
    values = {(None, 2024): 10.0, (None, 2023): 8.0, (school_a, 2024): 20.0, (school_b, 2024): 5.0}
    for (organization, year), value in values.items():
        IndicatorValue.objects.create(
            indicator=indicator, year=year, municipality=municipality, organization=organization, value=value
        )
    report = spravka_generate(by=methodist, municipality=municipality, direction_code="9.9", year=2024)
    [entry] = report.content["numbers"]["indicators"]
    assert (entry["municipality"], entry["previous"]) == (10.0, 8.0)
    assert entry["worst"] == [["СОШ № 1", 20.0], ["СОШ с. Дюрметь", 5.0]]
    assert "Значение показателя «Доля «2» по ВПР» (в целом) выросло с 8,0 % до 10,0 %." in all_texts(report.content)
    with pytest.raises(ValidationError, match="Показателей направления"):
        spravka_generate(by=methodist, municipality=municipality, direction_code="0.0", year=2024)


def test_statements_read_as_russian_sentences():
    assert say.change("Доля «2»", 0.081, 0.114) == "Доля «2» выросла с 8,1\u00a0% до 11,4\u00a0%."
    assert say.change("Средний балл", 12.0, 11.5, fmt=say.number, gender="m") == "Средний балл снизился с 12,0 до 11,5."
    assert say.change("Доля «2»", 0.1, 0.1) == "Доля «2» не изменилась (10,0\u00a0%)."
    assert say.change("Доля «2»", None, 0.1) == ""
    assert say.weakest([{"label": "9.1", "success": 0.12}, {"label": "12К1", "success": 0.185}]) == (
        "Наименее успешно выполнены задания 9.1 (12,0\u00a0%), 12К1 (18,5\u00a0%)."
    )


# --- pages and access -----------------------------------------------------------------------------


def test_the_methodist_generates_on_the_page_and_bad_input_is_named(client_for, methodist, municipality, vpr):
    assessment, _previous, _schools = vpr
    client = client_for(methodist)
    response = client.post(reverse("reports:spravka_new"), {"subject": "assessment"})
    assert response.status_code == 400
    assert "Выберите оценочную процедуру" in response.content.decode()
    assert not AnalyticReport.objects.exists()
    response = client.post(reverse("reports:spravka_new"), {"subject": "direction", "direction_code": ""})
    assert "Выберите направление" in response.content.decode() and "Выберите учебный год" in response.content.decode()
    response = client.post(reverse("reports:spravka_new"), {"subject": "assessment", "assessment": assessment.pk})
    report = AnalyticReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:spravka", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert "сформировано автоматически" in page and 'name="conclusions"' in page and "<svg" in page


def test_who_sees_and_does_what(client_for, methodist, official, director_a, director_b, municipality, school_a, vpr):
    assessment, _previous, schools = vpr
    municipal = spravka_generate(by=methodist, municipality=municipality, assessment=assessment)
    school_level = spravka_generate(
        by=methodist, municipality=municipality, organization=school_a, assessment=assessment
    )
    detail = lambda report: reverse("reports:spravka", args=[report.pk])  # noqa: E731
    # a director does not compose, and sees no draft
    assert client_for(director_a).get(reverse("reports:spravka_new")).status_code == 403
    assert client_for(director_a).get(detail(school_level)).status_code == 404
    spravka_conclusions_save(report=school_level, by=methodist, conclusions="Выводы")
    spravka_approve(report=school_level, by=official)
    # the approved справка of their own school: yes; the municipality's or another school's: no
    assert client_for(director_a).get(detail(school_level)).status_code == 200
    assert client_for(director_a).get(detail(municipal)).status_code == 404
    assert client_for(director_b).get(detail(school_level)).status_code == 404
    assert client_for(director_a).post(reverse("reports:spravka_approve", args=[municipal.pk])).status_code == 404
    # the methodist may not approve or publish
    assert client_for(methodist).post(reverse("reports:spravka_approve", args=[municipal.pk])).status_code == 403
    assert client_for(methodist).post(reverse("reports:spravka_publish", args=[school_level.pk])).status_code == 403
    listed = client_for(director_a).get(reverse("reports:spravki")).content.decode()
    assert school_level.title in listed and municipal.title not in listed


def test_the_official_publishes_the_approved_pdf_and_anyone_downloads_it(
    client, client_for, methodist, official, municipality, vpr, django_capture_on_commit_callbacks
):
    assessment, _previous, _schools = vpr
    report = spravka_generate(by=methodist, municipality=municipality, assessment=assessment)
    publish = reverse("reports:spravka_publish", args=[report.pk])
    client_for(official).post(publish)
    assert not Publication.objects.exists()  # a draft is not published
    spravka_conclusions_save(report=report, by=methodist, conclusions="Выводы и рекомендации методиста.")
    # a PDF kept while it was a draft is not the approved document
    with django_capture_on_commit_callbacks(execute=True):
        draft_pdf = client_for(methodist).post(reverse("reports:spravka_pdf", args=[report.pk]))
    assert draft_pdf.status_code == 302
    spravka_approve(report=report, by=official)
    # the approved document is rendered first (a job: its page is shown), then published
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(official).post(publish)
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    assert not Publication.objects.exists()
    response = client_for(official).post(publish)
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.file.kind == ReportFile.Kind.SPRAVKA_PDF and publication.title == report.title
    assert (
        publication.file.params["digest"]
        != ReportFile.objects.filter(spravka=report).order_by("pk").first().params["digest"]
    )

    client.logout()
    page = client.get(reverse("public:municipality", args=[municipality.pk])).content.decode()
    assert report.title.replace("«", "&laquo;")[:20] in page or report.title[:20] in page
    download = client.get(reverse("public:file", args=[publication.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_open_page_shows_only_the_published_spravka(client, official, methodist, municipality, vpr):
    assessment, previous, _schools = vpr
    from reports.publication.services import publication_of_file, publication_withdraw
    from reports.services import document_render

    approved = spravka_generate(by=methodist, municipality=municipality, assessment=assessment)
    spravka_conclusions_save(report=approved, by=methodist, conclusions="Выводы.")
    approved = spravka_approve(report=approved, by=official)
    draft = spravka_generate(by=methodist, municipality=municipality, assessment=previous)
    draft_pdf = document_render(kind=ReportFile.Kind.SPRAVKA_PDF, spravka=draft, by=methodist)
    with pytest.raises(ValidationError, match="только утверждённая"):
        publication_of_file(report=draft_pdf, by=official)
    publication = publication_of_file(
        report=document_render(kind=ReportFile.Kind.SPRAVKA_PDF, spravka=approved, by=official), by=official
    )
    client.logout()
    page = client.get(reverse("public:municipality", args=[municipality.pk])).content.decode()
    feed = client.get(reverse("public:feed")).content.decode()
    assert "2023/2024" in page and "2022/2023" not in page and "2022/2023" not in feed
    assert client.get(reverse("public:file", args=[publication.pk])).status_code == 200
    publication_withdraw(publication=publication, by=official)
    assert client.get(reverse("public:file", args=[publication.pk])).status_code == 404


def test_the_list_reads_in_a_fixed_number_of_queries(
    client_for, methodist, municipality, vpr, django_assert_max_num_queries
):
    assessment, previous, schools = vpr
    for school in schools[:3]:
        spravka_generate(by=methodist, municipality=municipality, organization=school, assessment=assessment)
    spravka_generate(by=methodist, municipality=municipality, assessment=previous)
    client = client_for(methodist)
    client.get(reverse("reports:spravki"))  # warm the session and the fragments
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:spravki")).content.decode()
    assert page.count("/reports/spravki/") >= 4


def test_a_school_direction_spravka_sets_the_school_beside_the_municipality(methodist, municipality, school_a):
    indicator = IndicatorDefinition.objects.create(
        code="test_quality", name="Качество по ВПР", direction_code="9.8", unit="%", better="higher"
    )
    for organization, year, value in ((None, 2024, 60.0), (school_a, 2024, 55.5), (school_a, 2023, 50.0)):
        IndicatorValue.objects.create(
            indicator=indicator, year=year, municipality=municipality, organization=organization, value=value
        )
    report = spravka_generate(
        by=methodist, municipality=municipality, organization=school_a, direction_code="9.8", year=2024
    )
    [entry] = report.content["numbers"]["indicators"]
    assert (entry["own"], entry["own_previous"], entry["municipality"]) == (55.5, 50.0, 60.0)
    [table] = report.content["sections"][0]["tables"]
    assert table["rows"] == [["1", "Качество по ВПР", "в целом", "%", "55,5\u00a0%", "50,0\u00a0%", "60,0\u00a0%"]]
    # the chart shows the school's own value, numbered as the table's row
    chart = report.content["sections"][0]["chart"]
    assert chart["bars"] == [{"label": "№ 1", "value": 0.555, "text": "55,5\u00a0%"}]
    assert "СОШ № 1" in chart["caption"]
    assert len(report.content["sections"]) == 1  # no list of other schools in a school's справка


def test_a_spravka_showing_a_small_schools_values_is_not_published(
    client_for, methodist, official, municipality, django_capture_on_commit_callbacks
):
    """A school's values over fewer than MIN_GROUP people stay off the open page (issue 21 part 6):
    the справка names such a school among those at risk, so it is refused, naming the school."""
    assessment, _previous, schools = results_for_spravka(municipality, schools=4, per_school=6, prefix="sm")
    report = spravka_generate(by=methodist, municipality=municipality, assessment=assessment)
    groups = report.content["numbers"]["school_groups"]
    risk = report.content["numbers"]["risk"]
    assert risk and all([row["organization"], row["participants"]] in groups for row in risk)
    assert all(size == 6 for _name, size in groups)
    spravka_conclusions_save(report=report, by=methodist, conclusions="Выводы.")
    spravka_approve(report=report, by=official)

    page = client_for(official).get(reverse("reports:spravka", args=[report.pk])).content.decode()
    assert "Не публикуется: в документе значения организаций по группам меньше 10 человек" in page
    assert f"«{risk[0]['organization']}» (6)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(official).post(reverse("reports:spravka_publish", args=[report.pk]))
    assert response.status_code == 302 and not Publication.objects.exists()
    # nor through the generic publishing of a kept file
    report.refresh_from_db()
    pdf = ReportFile.objects.create(
        kind=ReportFile.Kind.SPRAVKA_PDF, spravka=report, file="reports/x.pdf", filename="x.pdf",
        params={"digest": document_digest(kind=ReportFile.Kind.SPRAVKA_PDF, spravka=report, params={})},
    )  # fmt: skip
    with pytest.raises(ValidationError, match="меньше 10 человек"):
        publication_of_file(report=pdf, by=official)


def test_a_spravka_of_large_enough_groups_records_them_and_may_be_published(methodist, municipality, vpr):
    assessment, _previous, schools = vpr
    report = spravka_generate(by=methodist, municipality=municipality, assessment=assessment, organization=schools[0])
    assert report.content["numbers"]["school_groups"][0] == [schools[0].short_name, 15]
    assert spravka_publish_refusal(report) == ""


# --- КДР, ОГЭ, ЕГЭ, the region and the zones, against plain counts of exams_for_spravka ----------


@pytest.fixture
def exams(municipality):
    return exams_for_spravka(municipality, schools=4)


def _table(report, caption):
    return next(
        table for section in report.content["sections"] for table in section["tables"] if table["caption"] == caption
    )


def _row(table, label):
    return next(row[1:] for row in table["rows"] if row[0] == label)


def test_the_kdr_spravka_reports_levels_and_control_groups(methodist, municipality, exams):
    works, schools = exams
    report = spravka_generate(by=methodist, municipality=municipality, assessment=works["kdr"])
    rows = list(StudentResult.objects.filter(assessment=works["kdr"]))
    levels = Counter(row.level for row in rows)
    numbers = report.content["numbers"]
    assert numbers["categories"] == ["level_insufficient", "level_low", "level_base", "level_high"]
    assert [numbers["own"][f"level_{level}"] for level in ("insufficient", "low", "base", "high")] == [
        levels["insufficient"], levels["low"], levels["base"], levels["high"]
    ]  # fmt: skip
    results = _table(report, "Результаты")
    assert _row(results, "Уровень «недостаточный»") == [percent(levels["insufficient"] / len(rows))]
    assert _row(results, "Качество (базовый и выше)") == [percent((levels["base"] + levels["high"]) / len(rows))]
    assert report.content["sections"][1]["title"] == "2. Распределение по уровням"

    control = [row for row in rows if row.control_group]
    rest = [row for row in rows if not row.control_group]
    assert len(control) == 2 * 6  # class «6А» (6 of 12) in schools 1 and 3

    def base(group):
        return sum(1 for row in group if row.level in ("base", "high"))

    assert _table(report, "Контрольные группы")["rows"] == [
        ["Контрольная группа", str(len(control)), percent(base(control) / len(control))],
        ["Остальные участники", str(len(rest)), percent(base(rest) / len(rest))],
    ]
    said = (
        f"В контрольной группе базовый уровень и выше показали {percent(base(control) / len(control))} участников, "
        f"у остальных — {percent(base(rest) / len(rest))}."
    )
    assert said.replace("\u00a0", " ") in all_texts(report.content)
    # the watched share of a КДР is «ниже базового» (insufficient and low); equal shares by name
    below = (levels["insufficient"] + levels["low"]) / len(rows)
    expected = []
    for school in schools:
        own = [row for row in rows if row.organization_id == school.pk]
        value = sum(1 for row in own if row.level in ("insufficient", "low")) / len(own)
        if value > 0 and value >= below:
            expected.append((-value, school.short_name))
    assert len(expected) >= 2
    assert [(row["share"], row["organization"]) for row in numbers["risk"]] == [(-v, n) for v, n in sorted(expected)]


def test_the_oge_and_ege_spravki_report_scores(methodist, municipality, exams):
    works, schools = exams
    oge = spravka_generate(by=methodist, municipality=municipality, assessment=works["oge"])
    rows = list(StudentResult.objects.filter(assessment=works["oge"]))
    marks = Counter(row.mark for row in rows)
    results = _table(oge, "Результаты")
    assert _row(results, "Доля «2»") == [percent(marks[2] / len(rows))]
    assert _row(results, "Участники") == [str(len(rows))]
    assert _row(results, "Средний первичный балл") == [number(sum(row.primary_score for row in rows) / len(rows))]
    assert "Средний тестовый балл" not in [row[0] for row in results["rows"]]  # no test scores in the ОГЭ

    ege = spravka_generate(by=methodist, municipality=municipality, assessment=works["ege"])
    rows = list(StudentResult.objects.filter(assessment=works["ege"]))
    scores = [row.test_score for row in rows]
    results = _table(ege, "Результаты")
    assert _row(results, "Средний тестовый балл") == [number(sum(scores) / len(scores))]
    assert _row(results, "Ниже минимального балла") == [str(sum(1 for s in scores if s < EGE_MINIMUM))]
    assert _row(results, "Более 60 баллов") == [str(sum(1 for s in scores if s > 60))]
    assert ege.content["numbers"]["own"]["below_min"] == sum(1 for s in scores if s < EGE_MINIMUM) > 0
    # no marks: the schools at risk are those with a share below the minimum not under the municipality's
    assert ege.content["numbers"]["categories"] == []
    below = sum(1 for s in scores if s < EGE_MINIMUM) / len(scores)
    expected = []
    for school in schools:
        own = [row.test_score for row in rows if row.organization_id == school.pk]
        value = sum(1 for s in own if s < EGE_MINIMUM) / len(own)
        if value > 0 and value >= below:
            expected.append([school.short_name, str(len(own)), percent(value), "—"])
    assert expected and _table(ege, "Организации группы риска") == {
        "caption": "Организации группы риска",
        "heads": ["Организация", "Участники", "Доля ниже минимального балла", "Зона"],
        "rows": sorted(expected, key=lambda row: (-float(row[2][:-2].replace(",", ".")), row[0])),
    }


def test_the_region_column_pools_the_municipalities_of_the_region(methodist, municipality, other_municipality, exams):
    works, _schools = exams
    exams_for_spravka(other_municipality, schools=3, seed=8)
    report = spravka_generate(by=methodist, municipality=municipality, assessment=works["oge"])
    results = _table(report, "Результаты")
    assert results["heads"] == ["Показатель", "2023/2024", "Регион"]
    own = list(StudentResult.objects.filter(assessment=works["oge"], organization__municipality=municipality))
    region = list(StudentResult.objects.filter(assessment=works["oge"]))
    assert len(own) == 4 * 12 and len(region) == 7 * 12
    assert _row(results, "Участники") == [str(len(own)), str(len(region))]
    assert _row(results, "Доля «2»") == [
        percent(sum(r.mark == 2 for r in own) / len(own)), percent(sum(r.mark == 2 for r in region) / len(region))
    ]  # fmt: skip
    assert report.content["numbers"]["region"]["participants"] == len(region)
    region_2 = sum(r.mark == 2 for r in region) / len(region)
    assert say.versus("Доля «2»", sum(r.mark == 2 for r in own) / len(own), region_2, "по региону").replace(
        "\u00a0", " "
    ) in all_texts(report.content)
    # a municipality alone in its region has no region column
    other_municipality.region = "Другая область"
    other_municipality.save()
    alone = spravka_generate(by=methodist, municipality=municipality, assessment=works["oge"])
    assert _table(alone, "Результаты")["heads"] == ["Показатель", "2023/2024"]


def test_schools_at_risk_are_listed_with_their_zones(methodist, municipality, authority, exams):
    works, schools = exams
    method = ZoningMethod.objects.create(
        municipality=municipality, year=2024, title="Методика 2024", status=ZoningMethod.Status.APPROVED,
        computed_at=timezone.now(), approval_order=signed_order(organization=authority, number="5"),
    )  # fmt: skip
    colours = ["red", "yellow", "green", "red"]
    for school, colour in zip(schools, colours, strict=True):
        Zone.objects.create(method=method, organization=school, colour=colour, computed_at=timezone.now())
    report = spravka_generate(by=methodist, municipality=municipality, assessment=works["oge"])
    rows = list(StudentResult.objects.filter(assessment=works["oge"]))
    overall = sum(r.mark == 2 for r in rows) / len(rows)
    expected = []
    for school, colour in zip(schools, colours, strict=True):
        own = [r for r in rows if r.organization_id == school.pk]
        value = sum(r.mark == 2 for r in own) / len(own)
        if value > 0 and value >= overall:
            expected.append((-value, school.short_name, [school.short_name, str(len(own)), percent(value),
                                                         colour_label(colour)]))  # fmt: skip
    expected = [row for *_key, row in sorted(expected)]
    assert expected  # the weak schools (1 and 4) are above the municipality
    assert _table(report, "Организации группы риска")["rows"] == expected
    assert "Зоны — по утверждённой методике «Методика 2024» (2023/2024 учебный год)." in all_texts(report.content)
    assert [row["zone"] for row in report.content["numbers"]["risk"]] == [row[3] for row in expected]
