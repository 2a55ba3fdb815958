"""Analysis inside a school (issue 22 part 4): task by task against the municipality, by class, by
ОВЗ, by teacher only with the school's list; task maxima from the file or entered once, a score above
a maximum rejected at import; НИКО's indicators; who may see it."""

import pytest
from django.db import connection
from django.urls import reverse

from monitoring.analysis.services import indicators_load
from monitoring.indicators import indicators_compute
from monitoring.inschool.selectors import school_analysis
from monitoring.inschool.services import (
    InSchoolError,
    TaskEntry,
    assessment_tasks_describe,
    class_teachers_replace,
    teacher_lines_from_file,
    teacher_lines_from_text,
)
from monitoring.inschool.stats import _sums_python, _sums_sql, task_stats_compute
from monitoring.models import Assessment, ClassTeacher, IndicatorValue, ResultImport, TaskStat
from tests.conftest import make_user
from tests.monitoring.conftest import build_csv, build_xlsx
from tests.monitoring.test_layout_fisoko import canonical_f1, xlsx_bytes

HEADER = ["Логин ОО", "Класс", "Предмет", "Код участника", "ОВЗ", "1", "2", "3", "Первичный балл", "Отметка",
          "Отметка по журналу"]  # fmt: skip
MAXIMA = [1, 2, 3]


def fixture_rows(school_a, school_b) -> list[list]:
    """Four pupils of school A in two classes (one with ОВЗ, one without a score on task 3) and two of B."""
    return [
        [school_a.code, "5А", "Математика", "a1", "", 1, 2, 0, 3, 4, 5],
        [school_a.code, "5А", "Математика", "a2", "да", 0, 1, "", 1, 2, 3],
        [school_a.code, "5Б", "Математика", "a3", "", 1, 2, 3, 6, 5, 5],
        [school_a.code, "5Б", "Математика", "a4", "", 1, 0, 1, 2, 3, 3],
        [school_b.code, "5В", "Математика", "b1", "", 0, 0, 0, 0, 2, 2],
        [school_b.code, "5В", "Математика", "b2", "", 1, 1, 1, 3, 3, 4],
    ]


def plain_rates(rows: list[list]) -> list[float]:
    """Each task's completion counted by hand: Σ scores / (max × participants), empty = 0."""
    rates = []
    for k, top in enumerate(MAXIMA):
        total = sum(int(row[5 + k]) if row[5 + k] != "" else 0 for row in rows)
        rates.append(total * 100.0 / (top * len(rows)))
    return rates


@pytest.fixture
def works(run_import, school_a, school_b, methodist):
    """The ВПР file imported, its maxima entered by the methodist, the indicators computed."""
    rows = fixture_rows(school_a, school_b)
    result_import, outcome = run_import(build_csv([HEADER, *rows]), "vpr.csv", kind="vpr", year=2024)
    assert result_import.status == ResultImport.Status.IMPORTED, outcome.problems
    assessment = Assessment.objects.get(kind="vpr", year=2024, subject="Математика")
    assessment_tasks_describe(
        assessment=assessment,
        tasks=[TaskEntry("1", 1, "Б"), TaskEntry("2", 2, "Б"), TaskEntry("3", 3, "П")],
        max_primary_score=6,
        by=methodist,
    )
    indicators_load()
    indicators_compute(year=2024)
    assessment.refresh_from_db()
    return assessment, rows


def test_task_rates_against_plain_counts_weakest_first(works, school_a):
    assessment, rows = works
    page = school_analysis(school_a, assessment)
    school = plain_rates([row for row in rows if row[0] == school_a.code])
    municipality = plain_rates(rows)
    by_label = {task.label: task for task in page["tasks"]}
    for k, label in enumerate(["1", "2", "3"]):
        assert by_label[label].school == pytest.approx(school[k])
        assert by_label[label].municipality == pytest.approx(municipality[k])
        assert by_label[label].max == MAXIMA[k]
    assert by_label["3"].difficulty == "П"
    # 33.3 % < 62.5 % < 75 %: the weakest task first
    assert [task.label for task in page["tasks"]] == ["3", "2", "1"]
    assert page["municipality_participants"] == 6
    assert page["maxima_missing"] == []


def test_task_sums_in_the_database_and_in_python_agree(works, school_a):
    assessment, _ = works
    found = _sums_python(2024, None)
    if connection.vendor == "postgresql":
        assert _sums_sql(2024, None) == found
        assert _sums_sql(2024, None, width=1) == found  # rows wider than the works' tasks: read again wider
        assert _sums_sql(2024, [school_a.municipality_id]) == found
    assert sorted(n for n, _ in found.values()) == [2, 4]
    assert TaskStat.objects.filter(assessment=assessment).count() == 2
    assert task_stats_compute(year=2024) == 2


def test_class_slice_counts_marks_and_the_journal(works, school_a):
    assessment, _ = works
    page = school_analysis(school_a, assessment)
    classes = {group.label: group for group in page["classes"]}
    assert sorted(classes) == ["5А", "5Б"]
    a = classes["5А"]
    assert (a.participants, a.distribution) == (2, [(2, 1), (3, 0), (4, 1), (5, 0)])
    assert (a.share_2, a.share_45) == (50.0, 50.0)
    assert (a.with_journal, a.lowered, a.confirmed, a.raised) == (2, 2, 0, 0)
    b = classes["5Б"]
    assert (b.share_2, b.share_45, b.share_confirmed) == (0.0, 50.0, 100.0)


def test_ovz_slice(works, school_a, school_b):
    assessment, _ = works
    page = school_analysis(school_a, assessment)
    ovz, others = page["ovz"]
    assert (ovz.participants, others.participants) == (1, 3)
    assert ovz.share_2 == 100.0
    by_label = {task.label: task for task in page["tasks"]}
    assert (by_label["1"].ovz, by_label["2"].ovz, by_label["3"].ovz) == (0.0, 50.0, 0.0)
    assert by_label["1"].other == pytest.approx(100.0)
    # a school without children with ОВЗ gets no such slice
    assert school_analysis(school_b, assessment)["ovz"] == []


def test_teacher_slice_only_with_the_schools_list(works, school_a, director_a, client_for):
    assessment, _ = works
    assert school_analysis(school_a, assessment)["teachers"] == []
    page = client_for(director_a).get(reverse("monitoring:school_analysis", args=[school_a.pk]))
    assert 'id="no-teachers"' in page.content.decode()

    lines = teacher_lines_from_text(
        "5 а; математика; Иванова И. И.\n5Б;Математика;Петров П. П.\n5Б; Русский язык; Сидорова"
    )
    assert class_teachers_replace(organization=school_a, year=2024, lines=lines, by=director_a) == 3
    teachers = school_analysis(school_a, assessment)["teachers"]
    assert [(t["group"].label, t["group"].classes, t["group"].participants) for t in teachers] == [
        ("Иванова И. И.", ["5А"], 2),
        ("Петров П. П.", ["5Б"], 2),
    ]
    # Иванова: (1+2+0) + (0+1+0) = 4 of (1+2+3) × 2 = 12
    assert teachers[0]["rate"] == pytest.approx(4 * 100 / 12)
    html = client_for(director_a).get(reverse("monitoring:school_analysis", args=[school_a.pk])).content.decode()
    assert "Иванова И. И." in html


def test_teacher_names_stay_off_the_card_and_the_public_page(works, school_a, director_a, methodist, client_for):
    class_teachers_replace(
        organization=school_a, year=2024, lines=teacher_lines_from_text("5А; Математика; Иванова И. И."), by=director_a
    )
    card = client_for(methodist).get(reverse("monitoring:organization", args=[school_a.pk])).content.decode()
    assert "Иванова" not in card and reverse("monitoring:school_analysis", args=[school_a.pk]) in card
    public = client_for(None).get(reverse("public:municipality", args=[school_a.municipality_id])).content.decode()
    assert "Иванова" not in public


def test_teacher_list_from_a_spreadsheet_and_its_errors(school_a, director_a):
    data = build_xlsx([["Класс", "Предмет", "Учитель"], ["5А", "Математика", "Иванова И. И."], ["5Б", "", "Петров"]])
    lines = teacher_lines_from_file(data, "учителя.xlsx")
    with pytest.raises(InSchoolError, match="Строка 3: не указан предмет"):
        class_teachers_replace(organization=school_a, year=2024, lines=lines, by=director_a)
    assert not ClassTeacher.objects.exists()
    with pytest.raises(InSchoolError, match="Строка 2: класс «5 А» по предмету «Математика» уже указан в строке 1"):
        class_teachers_replace(
            organization=school_a, year=2024, by=director_a,
            lines=teacher_lines_from_text("5А; Математика; Иванова\n5 А; Математика; Петров"),
        )  # fmt: skip
    with pytest.raises(InSchoolError, match="столбцами «Класс», «Предмет», «Учитель»"):
        teacher_lines_from_file(build_xlsx([["Класс", "ФИО"]]), "x.xlsx")
    with pytest.raises(InSchoolError, match="Строка 1: ожидается «класс; предмет; учитель»"):
        teacher_lines_from_text("5А Математика Иванова")


def test_a_score_above_an_entered_maximum_is_rejected_with_row_and_task(works, run_import, school_a, school_b):
    rows = fixture_rows(school_a, school_b)
    rows[1][6] = 5  # task 2 of row 3 (after the header): its maximum is 2
    rows[2][8] = 9  # primary score of row 4: the work's maximum is 6
    result_import, outcome = run_import(build_csv([HEADER, *rows]), "vpr2.csv", kind="vpr", year=2024, apply=False)
    assert outcome.rejected == 2
    reasons = {(p["row"], p["column"]): p["reason"] for p in outcome.problems}
    assert reasons[(3, "2")].startswith("Задание «2»: балл 5 больше наибольшего за задание (2)")
    assert reasons[(4, "Первичный балл")] == "Первичный балл 9 больше наибольшего за работу (6)"


def test_a_score_above_the_files_own_maximum_is_rejected(run_import, school_a):
    """A ФИС ОКО file whose header says «1 (2б)»: a 3 on that task is a rejected row naming it."""
    rows = canonical_f1()
    rows[8][0] = rows[9][0] = school_a.code
    rows[11][0] = school_a.code
    rows[8][6] = 3
    result_import, outcome = run_import(xlsx_bytes({"Ф1": rows}), "f1.xlsx", kind="vpr", year=2026, apply=False)
    (problem,) = [p for p in outcome.problems if p["row"] == 9]
    assert problem["reason"] == "Задание «1»: балл 3 больше наибольшего за задание (2)"
    assert outcome.rejected == 1


def test_the_files_maxima_and_difficulty_are_kept_on_the_work(run_import, school_a):
    rows = canonical_f1()
    rows[8][0] = rows[9][0] = rows[11][0] = school_a.code
    result_import, outcome = run_import(xlsx_bytes({"Ф1": rows}), "f1.xlsx", kind="vpr", year=2026)
    assert result_import.status == ResultImport.Status.IMPORTED, outcome.problems
    work = Assessment.objects.get(kind="vpr", year=2026)
    assert [t["max"] for t in work.tasks] == [2, 2, 1, 1]
    assert [t["difficulty"] for t in work.tasks] == ["Б", "П", "Б", "В"]
    assert work.max_primary_score is None  # only a methodist enters it


def test_entered_maxima_survive_a_file_without_them(works, run_import, school_a, school_b):
    assessment, _ = works
    run_import(build_csv([HEADER, *fixture_rows(school_a, school_b)]), "again.csv", kind="vpr", year=2024)
    assessment.refresh_from_db()
    assert [(t["max"], t["difficulty"]) for t in assessment.tasks] == [(1, "Б"), (2, "Б"), (3, "П")]


def test_a_maximum_an_earlier_file_gave_is_not_a_rule_for_the_next(run_import, school_a):
    """A РЦОИ protocol's short-answer maximum is the most it saw: a later file with more is taken."""
    work = Assessment.objects.create(kind="vpr", year=2024, subject="Математика", grade=5)
    work.tasks = [{"label": "1", "max": 1, "difficulty": ""}, {"label": "2", "max": 1, "difficulty": ""}]
    work.save()
    header = ["Логин ОО", "Класс", "Предмет", "Код участника", "1", "2", "Отметка"]
    data = build_csv([header, [school_a.code, "5А", "Математика", "x1", 2, 1, 4]])
    result_import, outcome = run_import(data, "vpr.csv", kind="vpr", year=2024)
    assert result_import.status == ResultImport.Status.IMPORTED, outcome.problems


def test_a_maximum_below_a_stored_score_is_refused(works, methodist):
    assessment, _ = works
    with pytest.raises(InSchoolError, match="Задание «3»: у 1 участника уже загруженных результатов балл больше 2"):
        assessment_tasks_describe(
            assessment=assessment, tasks=[TaskEntry("3", 2, "П")], max_primary_score=None, by=methodist
        )
    with pytest.raises(InSchoolError, match="нет задания «9»"):
        assessment_tasks_describe(
            assessment=assessment, tasks=[TaskEntry("9", 1, "")], max_primary_score=None, by=methodist
        )


def test_niko_results_get_their_indicators(run_import, school_a, school_b):
    header = ["Логин ОО", "Класс", "Предмет", "Код участника", "1", "Отметка"]
    rows = [
        [school_a.code, "6А", "Биология", "n1", 1, 2],
        [school_a.code, "6А", "Биология", "n2", 1, 4],
        [school_a.code, "6А", "Биология", "n3", 1, 5],
        [school_a.code, "6Б", "Биология", "n4", 1, 3],
        [school_b.code, "6", "Биология", "n5", 1, 2],
    ]
    result_import, outcome = run_import(build_csv([header, *rows]), "niko.csv", kind="niko", year=2024, grade=6)
    assert result_import.status == ResultImport.Status.IMPORTED, outcome.problems
    assert Assessment.objects.get(kind="niko").scale == Assessment.Scale.MARKS
    indicators_load()
    indicators_compute(year=2024)

    def whole(code, organization):
        return IndicatorValue.objects.get(
            indicator__code=code, year=2024, organization=organization, subject="", grade=None, class_name=""
        )

    assert whole("niko_share_2", school_a).value == pytest.approx(25.0)
    assert whole("niko_share_45", school_a).value == pytest.approx(50.0)
    municipality = IndicatorValue.objects.get(
        indicator__code="niko_share_2", year=2024, organization=None, subject="", grade=None
    )
    assert (municipality.numerator, municipality.denominator) == (2, 5)
    # a class's share is the page's, counted from the rows; no class value is stored
    assert not IndicatorValue.objects.filter(indicator__code="niko_share_45").exclude(class_name="").exists()
    classes = {g.label: g for g in school_analysis(school_a, Assessment.objects.get(kind="niko"))["classes"]}
    assert classes["6А"].share_45 == pytest.approx(200 / 3)


# --------------------------------------------------------------------------- who may see it


def test_who_opens_the_school_analysis(works, school_a, client_for, methodist, official, director_a, director_b,
                                       viewer, admin_user, other_municipality):  # fmt: skip
    url = reverse("monitoring:school_analysis", args=[school_a.pk])
    from schools.models import Membership, Organization

    outsider_org = Organization.objects.create(
        municipality=other_municipality, code="uo-x", kind="authority", short_name="УО", full_name="УО"
    )
    outsider = make_user("outsider", outsider_org, Membership.Role.METHODIST)
    for person, status in [
        (methodist, 200), (official, 200), (director_a, 200), (admin_user, 200),
        (director_b, 404), (outsider, 404), (viewer, 403),
    ]:  # fmt: skip
        assert client_for(person).get(url).status_code == status, person
    assert client_for(None).get(url).status_code == 302
    html = client_for(director_a).get(url).content.decode()
    assert 'data-task="3"' in html and "Анализ в школе: СОШ № 1" in html


def test_only_the_school_and_staff_change_the_teacher_list(
    school_a, client_for, director_a, director_b, viewer, methodist
):
    url = reverse("monitoring:class_teachers", args=[school_a.pk])
    data = {"year": 2024, "text": "5А; Математика; Иванова И. И."}
    assert client_for(director_b).post(url, data).status_code == 404
    assert client_for(viewer).post(url, data).status_code == 403
    assert not ClassTeacher.objects.exists()
    assert client_for(director_a).post(url, data).status_code == 302
    assert ClassTeacher.objects.get().teacher == "Иванова И. И."
    assert "Иванова И. И." in client_for(methodist).get(url).content.decode()
    bad = client_for(director_a).post(url, {"year": 2024, "text": "5А; ; Петров"})
    assert bad.status_code == 200 and "Строка 1: не указан предмет" in bad.content.decode()


def test_task_maxima_are_entered_by_the_authority_only(works, client_for, methodist, director_a, viewer):
    assessment, _ = works
    url = reverse("monitoring:assessment_tasks", args=[assessment.pk])
    assert client_for(director_a).get(url).status_code == 403
    assert client_for(viewer).get(url).status_code == 403
    with pytest.raises(Exception, match="сотрудники органа управления"):
        assessment_tasks_describe(assessment=assessment, tasks=[], max_primary_score=None, by=director_a)
    response = client_for(methodist).post(
        url, {"max_primary_score": 7, "max_0": 1, "difficulty_0": "Б", "max_1": 2, "difficulty_1": "П", "max_2": 4}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert [(t["max"], t["difficulty"]) for t in assessment.tasks] == [(1, "Б"), (2, "П"), (4, "")]
    assert assessment.max_primary_score == 7


def test_directors_home_links_the_analysis(school_a, director_a, client_for):
    html = client_for(director_a).get(reverse("home")).content.decode()
    assert reverse("monitoring:school_analysis", args=[school_a.pk]) in html


def test_the_page_reads_a_bounded_number_of_queries(
    works, school_a, director_a, client_for, django_assert_max_num_queries
):
    assessment, _ = works
    class_teachers_replace(
        organization=school_a, year=2024, lines=teacher_lines_from_text("5А; Математика; Иванова И. И."), by=director_a
    )
    client = client_for(director_a)
    url = reverse("monitoring:school_analysis", args=[school_a.pk]) + f"?assessment={assessment.pk}"
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
