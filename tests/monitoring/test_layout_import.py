"""Layout files through the import service: each assessment keeps its own tasks, and a file whose
kind differs from the one chosen is refused."""

from monitoring.models import Assessment, ResultImport, StudentResult


def protocol(school_code: str) -> bytes:
    lines = [
        "01 - Русский язык 2026.06.03;;;;;;;;;;;;;;;;",
        "№;;Код ОО;;Класс;;Фамилия;Имя;Отчество;;Задания с кратким ответом;;Задания с развёрнутым ответом;;Первичный балл;;Балл",
        f"1;;{school_code};;9А;;Иванов;Иван;Иванович;;++;;2(3);;4;;4",
        f"2;;{school_code};;9А;;Петрова;Анна;Ильинична;;+-;;3(3);;4;;3",
        "02 - Математика 2026.06.06;;;;;;;;;;;;;;;;",
        "№;;Код ОО;;Класс;;Фамилия;Имя;Отчество;;Задания с кратким ответом;;Задания с развёрнутым ответом;;Первичный балл;;Балл",
        f"1;;{school_code};;9А;;Иванов;Иван;Иванович;;+++;;1(2)2(2);;6;;5",
        "Всего участников;;;;;;;;;;;;;;;;3",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


def test_two_subjects_of_one_protocol_keep_their_own_tasks_and_dates(run_import, school_a):
    result_import, outcome = run_import(protocol(school_a.code), "ОГЭ.csv", kind="oge", year=2026)
    assert result_import.status == ResultImport.Status.IMPORTED, outcome.problems
    russian = Assessment.objects.get(kind="oge", year=2026, subject="Русский язык")
    maths = Assessment.objects.get(kind="oge", year=2026, subject="Математика")
    assert russian.tasks == [
        {"label": "1", "max": 1, "difficulty": ""},
        {"label": "2", "max": 1, "difficulty": ""},
        {"label": "3", "max": 3, "difficulty": ""},
    ]
    assert [task["max"] for task in maths.tasks] == [1, 1, 1, 2, 2]
    assert (str(russian.date), str(maths.date)) == ("2026-06-03", "2026-06-06")
    assert StudentResult.objects.filter(assessment=maths).get().task_scores == "1,1,1,1,2"
    assert [row["reason"] for row in outcome.skipped] == ["итоговая строка «Всего участников»"]


def test_a_score_above_its_tasks_maximum_is_a_rejected_row(run_import, school_a):
    data = protocol(school_a.code).replace("2(3);;4;;4".encode("cp1251"), "5(3);;7;;4".encode("cp1251"))
    result_import, outcome = run_import(data, "ОГЭ.csv", kind="oge", year=2026, apply=False)
    assert outcome.rejected == 1
    (problem,) = [p for p in outcome.problems if p["row"] == 3]
    assert "балл 5 больше наибольшего за задание (3)" in problem["reason"]


def test_a_protocol_of_another_kind_than_chosen_is_refused(run_import, school_a):
    result_import, outcome = run_import(protocol(school_a.code), "ОГЭ.csv", kind="ege", year=2026, apply=False)
    assert result_import.status == ResultImport.Status.REJECTED
    assert "результаты ОГЭ, а при загрузке выбрано ЕГЭ" in outcome.problems[0]["reason"]


def test_a_protocol_names_schools_by_their_rcoi_code(run_import, school_a):
    school_a.rcoi_code = "111002"
    school_a.save()
    result_import, outcome = run_import(protocol("111002"), "ОГЭ.csv", kind="oge", year=2026)
    assert result_import.status == ResultImport.Status.IMPORTED, outcome.problems
    assert set(StudentResult.objects.values_list("organization_id", flat=True)) == {school_a.pk}


def test_the_registry_takes_the_rcoi_code(municipality):
    from schools.models import Organization
    from schools.registry import registry_import

    rows = "Код ОО;Код РЦОИ;Полное наименование;Краткое наименование;Тип\r\nsch640777;111777;Школа № 7;СОШ № 7;ОО\r\n"
    registry_import(data=rows.encode("utf-8"), filename="реестр.csv", municipality=municipality, dry_run=False)
    assert Organization.objects.get(code="sch640777").rcoi_code == "111777"


def stats_csv(header: list[str], row: list) -> bytes:
    return ("\r\n".join(";".join(map(str, line)) for line in (header, row)) + "\r\n").encode("cp1251")


def test_a_comparison_with_the_journal_alone_completes_imported_marks(run_import, school_a):
    from monitoring.models import SchoolStat

    journal = stats_csv(
        ["Код ОО", "Предмет", "Параллель", "Кол-во участников", "Понизили", "Подтвердили", "Повысили"],
        [school_a.code, "Математика", 5, 20, 4, 14, 2],
    )
    refused, outcome = run_import(journal, "сравнение.csv", format="school_stats", year=2026)
    assert refused.status == ResultImport.Status.REJECTED
    assert "загрузите сначала «Статистику по отметкам»" in outcome.problems[0]["reason"]

    marks = stats_csv(
        ["Код ОО", "Предмет", "Параллель", "Кол-во участников", "2", "3", "4", "5"],
        [school_a.code, "Математика", 5, 20, 2, 8, 7, 3],
    )
    run_import(marks, "отметки.csv", format="school_stats", year=2026)
    completed, outcome = run_import(journal, "сравнение.csv", format="school_stats", year=2026)
    assert completed.status == ResultImport.Status.IMPORTED and outcome.imported == 1
    stat = SchoolStat.objects.get(organization=school_a)
    assert (stat.mark_2, stat.mark_5, stat.lowered, stat.confirmed, stat.raised) == (2, 3, 4, 14, 2)
