"""Children's names are never stored: a pseudonymous code (HMAC with the installation key) is
made from name and date of birth, the same child gets the same code in later files, and no
name reaches the database, the kept file or the rejected-rows workbook."""

from django.apps import apps
from django.db import models
from openpyxl import load_workbook

from monitoring.models import StudentResult
from monitoring.readers import pseudonym

CHILD = ("Шпаковская", "Евлампия", "Зиновьевна", "03.04.2014")
OTHER = ("Кондратенко", "Ферапонт", "Силантьевич", "05.06.2014")
NAME_PARTS = [*CHILD[:3], *OTHER[:3]]


def names_file(xlsx, school, *, grade_class, mark, extra_rows=()):
    return xlsx(
        [
            ["Код ОО", "Класс", "Фамилия", "Имя", "Отчество", "Дата рождения", "Отметка"],
            [school.code, grade_class, *CHILD, mark],
            [school.code, grade_class, *OTHER, 3],
            *extra_rows,
        ],
        title_rows=1,
    )


def test_same_child_in_two_files_gets_one_code(xlsx, run_import, school_a, settings):
    run_import(names_file(xlsx, school_a, grade_class="4а", mark=4), kind="vpr", year=2025, subject="Математика")
    run_import(names_file(xlsx, school_a, grade_class="5а", mark=5), kind="vpr", year=2026, subject="Математика")
    codes = StudentResult.objects.order_by("assessment__year").values_list("participant_code", "mark")
    child_codes = {code for code, mark in codes if mark in (4, 5)}
    assert len(child_codes) == 1
    expected = pseudonym(
        settings.PSEUDONYM_KEY.encode(),
        last_name=CHILD[0],
        first_name=CHILD[1],
        middle_name=CHILD[2],
        birth_date=CHILD[3],
    )
    assert child_codes == {expected}
    assert len({code for code, _ in codes}) == 2  # the other child has another code


def test_code_depends_on_the_installation_key(settings):
    one = pseudonym(b"key-one", last_name=CHILD[0], first_name=CHILD[1], middle_name=CHILD[2], birth_date=CHILD[3])
    two = pseudonym(b"key-two", last_name=CHILD[0], first_name=CHILD[1], middle_name=CHILD[2], birth_date=CHILD[3])
    assert one != two


def all_text_in_database() -> list[str]:
    texts = []
    for model in apps.get_models():
        text_fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField | models.FileField)
        ]
        if text_fields:
            for row in model.objects.values_list(*text_fields):
                texts.extend(str(value) for value in row if value)
    return texts


def test_no_name_reaches_the_database(xlsx, run_import, school_a):
    bad_row = [school_a.code, "4а", "Неимпортируемая", "Олимпиада", "Аркадьевна", "01.01.2014", 9]
    data = names_file(xlsx, school_a, grade_class="4а", mark=4, extra_rows=[bad_row])
    run_import(data, kind="vpr", subject="Математика", apply=False)  # preview: problems are stored
    result_import, outcome = run_import(data, kind="vpr", subject="Математика", accept_partial=True)
    assert outcome.imported == 2 and outcome.rejected == 1
    texts = "\n".join(all_text_in_database())
    assert "Отметка «9»" in texts  # the scan does see the stored problems
    for part in [*NAME_PARTS, *bad_row[2:5]]:
        assert part not in texts, f"«{part}» найдено в базе данных"


def test_no_name_in_the_kept_file_or_rejected_rows(xlsx, run_import, school_a):
    bad_row = [school_a.code, "4а", "Неимпортируемая", "Олимпиада", "Аркадьевна", "01.01.2014", 9]
    data = names_file(xlsx, school_a, grade_class="4а", mark=4, extra_rows=[bad_row])
    result_import, _ = run_import(data, kind="vpr", subject="Математика", accept_partial=True)
    kept = [str(value) for row in load_workbook(result_import.file.path).active.values for value in row if value]
    rejected = [
        str(value) for row in load_workbook(result_import.rejected_file.path).active.values for value in row if value
    ]
    for part in [*NAME_PARTS, *bad_row[2:5]]:
        assert part not in kept and part not in rejected
    assert school_a.code in kept and "Имя" in kept  # the rest of the file is kept
    # The surname column now carries the codes the import made from the names.
    assert "Код участника" in kept
    codes = set(StudentResult.objects.values_list("participant_code", flat=True))
    assert len(codes) == 2 and codes <= set(kept)
    assert any("Отметка «9»" in text for text in rejected)
    # The kept copy is depersonalised, but the same upload is still recognised by its checksum.
    again, outcome = run_import(data, kind="vpr", subject="Математика", accept_partial=True)
    assert outcome.duplicate_of == result_import.pk


def test_given_participant_codes_are_kept_as_written(xlsx, run_import, school_a):
    rows = [["Код ОО", "Класс", "Код участника", "ФИО", "Отметка"], [school_a.code, "4а", "000777", "Петров Пётр", 4]]
    run_import(xlsx(rows), kind="vpr", subject="Математика")
    assert list(StudentResult.objects.values_list("participant_code", flat=True)) == ["000777"]
    assert "Петров" not in "\n".join(all_text_in_database())


def test_namesakes_with_different_documents_stay_two_participants(xlsx, run_import, school_a):
    """A protocol carries no birth date: two Ивановы Иваны Ивановичи of one school are told apart
    by their documents, and neither the names nor the documents are stored."""
    rows = [
        ["Код ОО", "Класс", "Предмет", "Фамилия", "Имя", "Отчество", "Серия", "Номер", "Отметка"],
        [school_a.code, "9А", "Математика", "Иванов", "Иван", "Иванович", "4510", "123456", 4],
        [school_a.code, "9Б", "Математика", "Иванов", "Иван", "Иванович", "4511", "654321", 3],
    ]
    result_import, outcome = run_import(xlsx(rows), "ОГЭ.xlsx", kind="oge", year=2026)
    assert outcome.rejected == 0 and outcome.imported == 2
    codes = set(StudentResult.objects.values_list("participant_code", flat=True))
    assert len(codes) == 2
    dump = " ".join(str(v) for v in StudentResult.objects.values_list("participant_code", "class_name"))
    assert "Иванов" not in dump and "123456" not in dump


def test_the_same_names_and_document_are_one_participant(xlsx, run_import, school_a):
    rows = [
        ["Код ОО", "Класс", "Предмет", "ФИО", "Документ", "Отметка"],
        [school_a.code, "9А", "Математика", "Петров Пётр Петрович", "4510 123456", 4],
        [school_a.code, "9А", "Математика", "Петров Пётр Петрович", "4510 123456", 5],
    ]
    _, outcome = run_import(xlsx(rows), "ОГЭ.xlsx", kind="oge", year=2026, apply=False)
    assert outcome.rejected == 1  # the same child twice in one work
