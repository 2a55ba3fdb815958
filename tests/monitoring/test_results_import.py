"""Formats A and B end to end through the import service: synonyms, title rows, .xlsx and .csv
in Windows-1251, every kind of procedure, leading zeros, absent participants."""

from monitoring.models import Assessment, ResultImport, SchoolStat, StudentResult
from schools.models import Organization


def test_vpr_xlsx_with_title_rows_and_synonyms_is_imported(xlsx, run_import, vpr_rows, school_a, school_b):
    result_import, outcome = run_import(xlsx(vpr_rows, title_rows=3), "ВПР.xlsx", kind="vpr", year=2024)

    assert result_import.status == ResultImport.Status.IMPORTED
    assert (outcome.read, outcome.imported, outcome.absent, outcome.rejected) == (5, 5, 0, 0)
    assessment = Assessment.objects.get()
    assert (assessment.kind, assessment.year, assessment.subject, assessment.grade) == ("vpr", 2024, "Математика", 5)
    assert assessment.scale == Assessment.Scale.MARKS
    row = StudentResult.objects.get(participant_code="000101")  # leading zeros kept
    assert (row.organization, row.class_name, row.primary_score, row.mark, row.journal_mark) == (
        school_a,
        "5А",
        10,
        4,
        5,
    )
    assert row.task_scores == "1,2"
    assert row.result_import == result_import
    assert StudentResult.objects.filter(organization=school_b).count() == 2


def test_import_record_keeps_file_checksum_counts_and_who(xlsx, municipality, vpr_rows, methodist):
    import hashlib

    from monitoring.services import result_import_apply, result_import_create

    data = xlsx(vpr_rows)
    result_import = result_import_create(
        municipality=municipality, data=data, filename="vpr.xlsx", kind="vpr", year=2024, user=methodist
    )
    result_import_apply(result_import=result_import)
    result_import.refresh_from_db()
    assert result_import.file.read() == data
    assert result_import.checksum == hashlib.sha256(data).hexdigest()
    assert (result_import.read_count, result_import.imported_count, result_import.rejected_count) == (5, 5, 0)
    assert result_import.created_by == methodist and result_import.imported_at is not None


def test_csv_windows_1251_with_semicolons_is_imported(csv_file, run_import, school_a):
    rows = [
        ["Результаты ОГЭ"],
        ["Код образовательной организации", "Класс (литера)", "Предмет", "Номер участника", "Сумма баллов", "Оценка"],
        [school_a.code, "9-б", "русский", "0042", "25", "4"],
        [school_a.code, "9 Б", "Русский язык", "0043", "12", "2"],
    ]
    result_import, outcome = run_import(csv_file(rows, encoding="cp1251"), "oge.csv", kind="oge", year=2025)

    assert result_import.status == ResultImport.Status.IMPORTED, result_import.problems
    assert outcome.imported == 2
    assessment = Assessment.objects.get()
    assert (assessment.kind, assessment.subject, assessment.grade) == ("oge", "Русский язык", 9)
    assert sorted(StudentResult.objects.values_list("participant_code", "class_name", "mark")) == [
        ("0042", "9Б", 4),
        ("0043", "9Б", 2),
    ]


def test_csv_utf8_with_commas_is_imported(csv_file, run_import, school_a):
    rows = [["Код ОО", "Класс", "Код участника", "Отметка"], [school_a.code, "6в", "7", "5"]]
    result_import, outcome = run_import(
        csv_file(rows, encoding="utf-8", delimiter=","), "vpr.csv", kind="vpr", subject="Русский язык"
    )
    assert outcome.imported == 1, result_import.problems
    assert Assessment.objects.get().subject == "Русский язык"


def test_subject_and_grade_chosen_for_the_whole_file(xlsx, run_import, school_a):
    rows = [["Код ОО", "Код участника", "Отметка"], [school_a.code, "1", "3"], [school_a.code, "2", "4"]]
    result_import, outcome = run_import(xlsx(rows), kind="vpr", subject="Окр. мир", grade=4)
    assert outcome.imported == 2, result_import.problems
    assessment = Assessment.objects.get()
    assert (assessment.subject, assessment.grade) == ("Окружающий мир", 4)


def test_ege_test_scores_and_minimum(xlsx, run_import, school_a):
    from monitoring.services import ege_min_scores_load

    ege_min_scores_load()
    rows = [
        ["Логин ОО", "Класс", "Предмет", "Код участника", "Первичный балл", "Балл (ЕГЭ)"],
        [school_a.code, "11А", "Русский язык", "1", 40, 88],
        [school_a.code, "11А", "Русский язык", "2", 10, 20],
        [school_a.code, "11А", "Русский язык", "3", 30, 61],
    ]
    result_import, outcome = run_import(xlsx(rows), kind="ege", year=2024)
    assert outcome.imported == 3, result_import.problems
    assessment = Assessment.objects.get()
    assert (assessment.grade, assessment.scale) == (11, Assessment.Scale.TEST_SCORES)
    stat = SchoolStat.objects.get()
    assert (stat.below_min, stat.over_60, stat.mean_test) == (1, 2, (88 + 20 + 61) / 3)


def test_kdr_levels_and_control_group(xlsx, run_import, school_a):
    rows = [
        ["Код ОО", "Класс", "Код участника", "Уровень достижения", "Контрольная группа", "ОВЗ"],
        [school_a.code, "4а", "k1", "ниже базового", "да", "нет"],
        [school_a.code, "4а", "k2", "повышенный", "", "да"],
        [school_a.code, "4а", "k3", "базовый", "+", ""],
    ]
    result_import, outcome = run_import(xlsx(rows), kind="kdr", subject="Читательская грамотность")
    assert outcome.imported == 3, result_import.problems
    assert sorted(StudentResult.objects.values_list("participant_code", "level", "control_group", "ovz")) == [
        ("k1", "low", True, False),
        ("k2", "high", False, True),
        ("k3", "base", True, False),
    ]
    stat = SchoolStat.objects.get()
    assert (stat.level_low, stat.level_base, stat.level_high) == (1, 1, 1)


def test_absent_participants_are_counted_not_imported(xlsx, run_import, school_a):
    rows = [
        ["Код ОО", "Класс", "Код участника", "Отметка", "Статус"],
        [school_a.code, "5а", "1", "4", ""],
        [school_a.code, "5а", "2", "", "Отсутствовал"],
    ]
    _, outcome = run_import(xlsx(rows), kind="vpr", subject="Математика")
    assert (outcome.read, outcome.absent, outcome.imported) == (2, 1, 1)
    assert SchoolStat.objects.get().participants == 1


def test_format_b_fills_school_statistics_directly(xlsx, run_import, school_a, school_b):
    rows = [
        ["Статистика по отметкам"],
        [
            "Логин ОО",
            "Наименование ОО",
            "Предмет",
            "Параллель",
            "Кол-во уч.",
            "2",
            "3",
            "4",
            "5",
            "Понизили",
            "Подтвердили",
            "Повысили",
        ],
        [school_a.code, "СОШ № 1", "Математика", 5, 20, 10, 20, 30, 40, 10, 80, 10],
        [school_b.code, "СОШ", "Математика", 5, 4, 1, 1, 1, 1, 1, 2, 1],
    ]
    result_import, outcome = run_import(xlsx(rows), kind="vpr", format=ResultImport.Format.SCHOOL_STATS)
    assert result_import.status == ResultImport.Status.IMPORTED, result_import.problems
    assert outcome.imported == 2
    stat = SchoolStat.objects.get(organization=school_a)
    assert stat.source == SchoolStat.Source.IMPORTED
    assert (stat.participants, stat.mark_2, stat.mark_3, stat.mark_4, stat.mark_5) == (20, 2, 4, 6, 8)
    assert (stat.lowered, stat.confirmed, stat.raised) == (2, 16, 2)
    assert StudentResult.objects.count() == 0


def test_format_b_reimport_replaces_statistics(xlsx, run_import, school_a):
    header = ["Код ОО", "Предмет", "Параллель", "Количество участников", "2", "3", "4", "5"]
    run_import(xlsx([header, [school_a.code, "Русский язык", 6, 4, 1, 1, 1, 1]]), format="school_stats")
    run_import(xlsx([header, [school_a.code, "Русский язык", 6, 5, 0, 0, 0, 5]]), format="school_stats")
    stat = SchoolStat.objects.get()
    assert (stat.participants, stat.mark_5) == (5, 5)


def test_codes_are_matched_without_regard_to_case_and_spaces(xlsx, run_import, municipality):
    Organization.objects.create(
        municipality=municipality, code="000123", kind="school", short_name="Школа 123", full_name="Школа 123"
    )
    rows = [["Код ОО", "Код участника", "Отметка"], [" 000123 ", "1", "3"]]
    result_import, outcome = run_import(xlsx(rows), kind="vpr", subject="Математика", grade=5)
    assert outcome.imported == 1, result_import.problems
    assert StudentResult.objects.get().organization.code == "000123"


def test_schools_of_another_municipality_are_unknown(xlsx, run_import, other_school):
    rows = [["Код ОО", "Код участника", "Отметка"], [other_school.code, "1", "3"]]
    result_import, outcome = run_import(xlsx(rows), kind="vpr", subject="Математика", grade=5)
    assert outcome.rejected == 1 and outcome.imported == 0
    assert result_import.summary["unknown_schools"][0]["code"] == other_school.code
    assert StudentResult.objects.count() == 0
