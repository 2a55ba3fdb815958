"""«Загрузить из Word» (issue 14 part A): a plan read from a .docx into a draft through the one
import service and the one measure builder. The documents are built by `word_documents`."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportFile
from reports.pdf import render_roadmap_pdf
from reports.services import roadmap_import_docx
from reports.testing import flat, pdf_pages
from roadmaps.models import Measure, Roadmap, Section
from roadmaps.table import roadmap_table
from roadmaps.word import parse_roadmap_docx
from roadmaps.xlsx import RoadmapImportError, roadmap_xlsx_bytes
from schools.models import Organization
from tests.conftest import make_organization
from tests.roadmaps import word_documents as docs


@pytest.fixture
def registry(authority, school_a, school_b):
    return {"authority": authority, "school_a": school_a, "school_b": school_b}


def rows_of(roadmap: Roadmap) -> list[tuple]:
    """(printed number, description, deadline text, executors as printed) of every measure, in order."""
    table = roadmap_table(roadmap)
    return [
        (row.number, row.measure.description, row.measure.deadline_text, row.cells["executors"]) for row in table.rows
    ]


def problems_of(data: bytes, owner) -> str:
    with pytest.raises(RoadmapImportError) as caught:
        parse_roadmap_docx(data, owner=owner)
    return str(caught.value)


# --------------------------------------------------------------------------- seed 002 layout


def test_seed_002_headings_become_sections_and_merged_cells_apply_to_each_measure(methodist, registry):
    outcome = roadmap_import_docx(data=docs.plan_002(), by=methodist, owner=registry["authority"])
    roadmap = outcome.roadmap
    assert (outcome.created, outcome.sections, outcome.measures) == (True, 2, 5)
    sections = list(roadmap.sections.order_by("order"))
    assert [(s.kind, s.number, s.heading) for s in sections] == [
        (Section.Kind.HEADING, "1", "Мероприятия с руководителями образовательных организаций"),
        (Section.Kind.HEADING, "2", "Работа с родителями"),
    ]
    assert rows_of(roadmap) == [
        ("1.1.", "Совещание по итогам ВПР", "Август-сентябрь ежегодно", "Управление образования"),
        ("1.2.", "Семинар для руководителей ОО", "Февраль 2022", "СОШ № 1\nИМЦ «Развитие»"),
        # «Сроки» and «Ответственные» merged down over 1.2 and 1.3 (vMerge): both measures get them
        ("1.3.", "Круглый стол по объективности", "Февраль 2022", "СОШ № 1\nИМЦ «Развитие»"),
        ("2.1.", "Родительское собрание", "по графику министерства", "Руководители ОО"),
        ("2.2.", "Акция «ЕГЭ для родителей»", "Март 2022 г.", "Департамент образования"),
    ]
    first = Measure.objects.get(section__roadmap=roadmap, description="Совещание по итогам ВПР")
    assert (first.expected_result, first.target_text) == ("Протокол", "100 %")
    seminar = Measure.objects.get(section__roadmap=roadmap, description="Семинар для руководителей ОО")
    executors = list(seminar.executors.order_by("order"))
    assert executors[0].organization == registry["school_a"]
    assert (executors[1].organization, executors[1].qualifier) == (None, "ИМЦ «Развитие»")
    assert seminar.deadline["kind"] != "needs_dates"
    # the typed numbers are those the table gives: they are not kept as typed
    assert set(Measure.objects.filter(section__roadmap=roadmap).values_list("number", flat=True)) == {""}


def test_seed_002_appendix_block_and_title_become_parameters(methodist, registry):
    roadmap = roadmap_import_docx(data=docs.plan_002(), by=methodist, owner=registry["authority"]).roadmap
    assert roadmap.stamp == Roadmap.Stamp.APPENDIX
    assert (roadmap.appendix_number, roadmap.basis_number, roadmap.basis_date) == ("1", "158", date(2021, 8, 27))
    assert roadmap.basis_title == "Приказ Департамента образования"
    assert roadmap.code == "1.1"
    assert roadmap.title.startswith('План мероприятий ("дорожная карта" 1.1.) по развитию в Сарове')
    assert (roadmap.period_start, roadmap.period_end) == (date(2021, 9, 1), date(2022, 8, 31))
    assert roadmap.period_kind == Roadmap.PeriodKind.ACADEMIC
    assert roadmap.status == Roadmap.Status.DRAFT


def test_seed_002_header_repeated_on_a_page_is_skipped(methodist, registry):
    preview = parse_roadmap_docx(docs.plan_002(repeated_header=True), owner=registry["authority"])
    numbers = [m.number for s in preview.sections for m in s.measures]
    assert numbers == ["1.1.", "1.2.", "1.3.", "2.1.", "2.2."]
    assert all(m.measure.description != "Наименование мероприятия" for s in preview.sections for m in s.measures)


def test_list_in_a_cell_becomes_the_actions(methodist, registry):
    preview = parse_roadmap_docx(docs.plan_002(), owner=registry["authority"])
    meeting = preview.sections[1].measures[0].measure
    assert meeting.description == "Родительское собрание"
    assert meeting.actions == ["подготовка материалов", "проведение собрания"]


# --------------------------------------------------------------------------- seed 003 layout


def test_seed_003_three_levels_with_the_year_merged_down(methodist, registry):
    roadmap = roadmap_import_docx(data=docs.plan_003(), by=methodist, owner=registry["authority"]).roadmap
    measures = list(Measure.objects.filter(section__roadmap=roadmap).order_by("section__order", "order"))
    got = [(m.deadline_text, m.description, m.municipal_text, m.school_text) for m in measures]
    assert got == [
        ("2019", "Формирование банка КИМ", "Участие в формировании банка КИМ", "Использование КИМ"),
        ("2019", "Определение перечня оценочных процедур", "", "Участие в процедурах"),  # «-» is empty
        ("2019", "Проведение региональных процедур", "Организация процедур", ""),
        ("2020", "Мониторинг достижения показателей", "Мониторинг на муниципальном уровне", "Самооценка ОО"),
        ("2020", "Подготовка адресных рекомендаций", "Доведение рекомендаций до ОО", ""),
    ]
    # the header repeated on the next page is not a measure; the line above the table is the direction
    section = roadmap.sections.get()
    assert section.kind == Section.Kind.DIRECTION and section.direction.code == "1.1"
    assert [row[0] for row in rows_of(roadmap)] == ["1.", "2.", "3.", "4.", "5."]
    assert (roadmap.period_start, roadmap.period_end) == (date(2019, 1, 1), date(2020, 12, 31))
    assert all(m.deadline["kind"] != "needs_dates" for m in measures)


def test_seed_003_columns_are_guessed_as_the_levels(registry):
    preview = parse_roadmap_docx(docs.plan_003(), owner=registry["authority"])
    assert [(c.label, c.field) for c in preview.columns] == [
        ("ГОД", "deadline"),
        ("Региональный уровень", "description"),
        ("Муниципальный уровень", "municipal"),
        ("Уровень ОО", "school"),
    ]


# --------------------------------------------------------------------------- seed 000 layout


def test_seed_000_direction_track_and_function_rows_map_onto_the_catalogue(methodist, registry):
    roadmap = roadmap_import_docx(data=docs.plan_000(), by=methodist, owner=registry["authority"]).roadmap
    first, second, third = roadmap.sections.order_by("order")
    assert first.kind == Section.Kind.DIRECTION and first.direction.code == "1.1"
    assert [t.title for t in first.tracks.all()] == ["Объективность оценки качества подготовки обучающихся"]
    assert first.function_type.code == "regional_cycle"
    # the second track of the direction is a section of its own (the direction is written once)
    assert (second.direction.code, second.function_type.code) == ("1.1", "full_cycle")
    assert [t.title for t in second.tracks.all()] == [
        "Сбалансированность системы оценки качества подготовки обучающихся"
    ]
    # «2. Система работы со школами с низкими образовательными результатами …» is the catalogue's 1.2;
    # a track the catalogue does not have stays as the section's line
    assert (third.kind, third.direction.code, third.heading) == (
        Section.Kind.DIRECTION,
        "1.2",
        "Трек 4: Работа с родителями",
    )
    assert rows_of(roadmap) == [
        (
            "1.",
            "Обсуждение регионального анализа результатов мониторинга",
            "Август",
            "Управление образования\nРуководители ОО",
        ),
        ("2.", "Информирование о региональных документах", "Август-сентябрь", "Управление образования"),
        ("1.", "Корректировка системы показателей", "Сентябрь", "Руководители ОО"),
        ("1.", "Диагностика компетенций педагогов", "Сентябрь - октябрь 2022 г.", "МБОУ ДПО МЦ"),
    ]
    step = Measure.objects.get(section=first, order=1)
    assert step.actions == ["проведено совещание", "доведена информация"]
    assert step.expected_result == "Протокол совещания"
    assert Measure.objects.get(section=third).note == "в школах"


def test_seed_000_what_was_matched_loosely_is_said_in_the_preview(registry):
    notes = parse_roadmap_docx(docs.plan_000(), owner=registry["authority"]).notes
    assert any("сопоставлено с направлением справочника «1.2." in note for note in notes)
    assert any("«Трек 4: Работа с родителями» — у направления 1.2 нет такого трека" in note for note in notes)


def test_seed_000_approval_stamp_becomes_the_approver(methodist, registry):
    roadmap = roadmap_import_docx(data=docs.plan_000(), by=methodist, owner=registry["authority"]).roadmap
    assert roadmap.stamp == Roadmap.Stamp.APPROVAL
    assert (
        roadmap.approver_position
        == "Начальник управления образования\nадминистрации Новоузенского\nмуниципального района"
    )
    assert roadmap.approver_name == "Т.В. Разуваева"
    assert roadmap.title.startswith("План мероприятий по реализации адресных рекомендаций на 2022-2023 учебный год")
    assert (roadmap.period_start, roadmap.period_end) == (date(2022, 9, 1), date(2023, 8, 31))


def test_a_stamp_laid_out_in_a_borderless_table_is_read(registry):
    import docx

    document = docx.Document()
    layout = document.add_table(rows=1, cols=2)  # the usual Word layout: the stamp in the right cell
    docs.fill(
        layout.rows[0],
        ["", ["УТВЕРЖДАЮ", "Начальник управления образования", "__________ Разуваева Т.В.", "«___» ________ 2022 г."]],
    )
    document.add_paragraph("План мероприятий на 2022 год")
    table = document.add_table(rows=2, cols=3)
    docs.fill(table.rows[0], ["№ п/п", "Наименование мероприятия", "Сроки"])
    docs.fill(table.rows[1], ["1.", "Совещание", "Май"])
    params = parse_roadmap_docx(docs.save(document), owner=registry["authority"]).parsed.params
    assert (params["stamp"], params["approver_position"], params["approver_name"]) == (
        Roadmap.Stamp.APPROVAL,
        "Начальник управления образования",
        "Разуваева Т.В.",
    )
    assert params["title"] == "План мероприятий на 2022 год"
    assert (params["period_start"], params["period_end"]) == (date(2022, 1, 1), date(2022, 12, 31))


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["Приложение № 2", "к приказу управления образования", "от «27» августа 2021 г. № 158-о"],
            {"appendix_number": "2", "basis_number": "158-о", "basis_date": date(2021, 8, 27)},
        ),
        (
            ["Приложение к постановлению администрации от 01.09.2022 № 12"],
            {"appendix_number": "", "basis_title": "Постановление администрации", "basis_date": date(2022, 9, 1)},
        ),
        (
            ["Приложение 3 к приказу от __.__.____ № ____"],
            {"appendix_number": "3", "basis_number": "", "basis_date": None},
        ),
    ],
)
def test_appendix_blocks_as_authorities_write_them(lines, expected):
    from roadmaps.word import _stamp

    params = {"appendix_number": "", "basis_title": "", "basis_number": "", "basis_date": None}
    _stamp(lines, params)
    assert params["stamp"] == Roadmap.Stamp.APPENDIX
    assert {key: params[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("План на 2021-2022 уч. год", (date(2021, 9, 1), date(2022, 8, 31), "academic")),
        ("План на 2022/2023 учебный год", (date(2022, 9, 1), date(2023, 8, 31), "academic")),
        ("Дорожная карта на 2021–2023 годы", (date(2021, 1, 1), date(2023, 12, 31), "calendar")),
        ("План мероприятий на 2024 год", (date(2024, 1, 1), date(2024, 12, 31), "calendar")),
        ("План по итогам совета 27.07.2022 года", None),
    ],
)
def test_the_period_a_title_states(title, period):
    from roadmaps.word import _period

    assert _period(title, []) == period


def test_deadlines_the_parser_cannot_read_are_listed(registry):
    preview = parse_roadmap_docx(docs.plan_000(), owner=registry["authority"])
    # «Август-сентябрь» in a school year that starts in September: the parser asks for dates
    assert [(m.number, m.measure.deadline_text) for m in preview.unparsed_deadlines] == [("2.", "Август-сентябрь")]


def test_names_not_in_the_registry_are_listed(registry):
    preview = parse_roadmap_docx(docs.plan_002(), owner=registry["authority"])
    assert preview.unknown_executors == ["ИМЦ «Развитие»", "Департамент образования"]
    make_organization(registry["authority"].municipality, "imc", "ИМЦ «Развитие»", Organization.Kind.METHODICAL)
    assert parse_roadmap_docx(docs.plan_002(), owner=registry["authority"]).unknown_executors == [
        "Департамент образования"
    ]


# --------------------------------------------------------------------------- irregular tables


def test_irregular_merges_from_other_generators_are_tolerated(registry):
    preview = parse_roadmap_docx(docs.irregular_vmerge(), owner=registry["authority"])
    rows = [
        (m.number, m.measure.description, m.measure.deadline_text, [name for name, _ in m.executors])
        for s in preview.sections
        for m in s.measures
    ]
    assert rows == [
        ("1.", "Первое", "Май 2022 г.", ["СОШ № 1"]),
        ("2.", "Второе", "Май 2022 г.", []),  # vMerge «continue» under a plain cell: Word shows it merged
        ("3.", "Третье", "Июнь 2022 г.", []),  # the row has fewer cells than the grid
        ("1.4.", "Четвёртое", "Июль 2022 г.", ["СОШ с. Дюрметь"]),  # gridBefore: no number cell
    ]


def test_a_continue_merge_with_nothing_above_is_an_empty_cell(registry):
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    docs.fill(table.rows[0], ["№", "Наименование мероприятия", "Сроки"])
    docs.fill(table.rows[1], ["1.", "Совещание", "Май 2022 г."])
    # a «continue» in the very first row (nothing above it) and one under it
    table.rows[0].cells[2]._tc.get_or_add_tcPr().append(OxmlElement("w:vMerge"))
    table.rows[1].cells[2]._tc.get_or_add_tcPr().append(OxmlElement("w:vMerge"))
    preview = parse_roadmap_docx(docs.save(document), owner=registry["authority"])
    assert [(c.label, c.field) for c in preview.columns] == [
        ("№", "number"),
        ("Наименование мероприятия", "description"),
        ("", "skip"),
    ]
    [row] = preview.sections[0].measures
    assert (row.measure.description, row.measure.deadline_text) == ("Совещание", "")


def test_rows_cut_by_a_page_are_joined_to_the_measure(registry):
    import docx

    document = docx.Document()
    document.add_paragraph("План мероприятий на 2022 год")
    table = document.add_table(rows=1, cols=3)
    docs.fill(table.rows[0], ["№ п/п", "Наименование мероприятия", "Сроки"])
    docs.fill(table.add_row(), ["1.", "Организация участия в национальных исследованиях качества", "Май 2022 г."])
    document.add_paragraph("")
    second = document.add_table(rows=1, cols=3)  # the next page: the same header, the row goes on
    docs.fill(second.rows[0], ["№ п/п", "Наименование мероприятия", "Сроки"])
    docs.fill(second.add_row(), ["", "образования (далее - НИКО)", ""])
    docs.fill(second.add_row(), ["2.", "Анализ результатов", "Июнь 2022 г."])
    preview = parse_roadmap_docx(docs.save(document), owner=registry["authority"])
    assert [(m.number, m.measure.description) for s in preview.sections for m in s.measures] == [
        ("1.", "Организация участия в национальных исследованиях качества образования (далее - НИКО)"),
        ("2.", "Анализ результатов"),
    ]


def test_a_heading_typed_in_the_number_column_and_a_signature_table_after_the_plan(registry):
    import docx

    document = docx.Document()
    document.add_paragraph("План мероприятий на 2021-2022 учебный год")
    table = document.add_table(rows=1, cols=3)
    docs.fill(table.rows[0], ["№ п/п", "Наименование мероприятия", "Сроки"])
    # not merged across the table: the heading sits in the number column, the other cells empty
    docs.fill(table.add_row(), ["2. Проведение информационно-разъяснительной работы с родителями", "", ""])
    docs.fill(table.add_row(), ["2.1.", "Городское родительское собрание", "Март 2022 г."])
    docs.fill(table.add_row(), ["", "3. Анализ результатов", ""])  # alone in the measure column
    docs.fill(table.add_row(), ["3.1.", "Статистико-аналитическая справка", "Июль 2022 г."])
    signature = document.add_table(rows=1, cols=2)  # right under the plan: another grid, not the plan
    docs.fill(signature.rows[0], ["Начальник управления образования", "Т.В. Разуваева"])
    preview = parse_roadmap_docx(docs.save(document), owner=registry["authority"])
    assert [(s.label, [(m.number, m.measure.description) for m in s.measures]) for s in preview.sections] == [
        (
            "2. Проведение информационно-разъяснительной работы с родителями",
            [("2.1.", "Городское родительское собрание")],
        ),
        ("3. Анализ результатов", [("3.1.", "Статистико-аналитическая справка")]),
    ]


def test_a_two_row_header_with_merged_cells(registry):
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    docs.fill(table.rows[0], ["№ п/п", "Наименование мероприятия", "Сроки", ""])
    docs.fill(table.rows[1], ["", "", "начало", "окончание"])
    docs.fill(table.rows[2], ["1.", "Совещание", "Сентябрь", "Октябрь"])
    table.rows[0].cells[0].merge(table.rows[1].cells[0])  # «№ п/п» over both header rows
    table.rows[0].cells[1].merge(table.rows[1].cells[1])
    table.rows[0].cells[2].merge(table.rows[0].cells[3])  # «Сроки» over «начало | окончание»
    preview = parse_roadmap_docx(docs.save(document), owner=registry["authority"])
    assert [c.field for c in preview.columns] == ["number", "description", "deadline", "deadline"]
    [row] = preview.sections[0].measures
    assert (row.number, row.measure.description, row.measure.deadline_text) == ("1.", "Совещание", "Сентябрь Октябрь")


# --------------------------------------------------------------------------- the column mapping


def test_a_corrected_column_mapping_is_used(methodist, registry):
    mapping = ["number", "description", "deadline", "executors", "result", "note"]  # «Показатель» → примечание
    preview = parse_roadmap_docx(docs.plan_002(), owner=registry["authority"], mapping=mapping)
    first = preview.sections[0].measures[0].measure
    assert (first.target_text, first.note) == ("", "100 %")
    roadmap = roadmap_import_docx(
        data=docs.plan_002(), by=methodist, owner=registry["authority"], mapping=mapping
    ).roadmap
    assert Measure.objects.get(section__roadmap=roadmap, description="Совещание по итогам ВПР").note == "100 %"


def test_a_mapping_without_the_measure_column_is_refused(registry):
    with pytest.raises(RoadmapImportError, match="Наименование мероприятия"):
        parse_roadmap_docx(docs.plan_002(), owner=registry["authority"], mapping=["skip"] * 6)


# --------------------------------------------------------------------------- the one import path


def test_the_same_file_twice_changes_nothing_and_the_original_is_kept(methodist, registry):
    data = docs.plan_002()
    first = roadmap_import_docx(data=data, by=methodist, owner=registry["authority"])
    again = roadmap_import_docx(data=data, by=methodist, owner=registry["authority"])
    assert again.unchanged and again.roadmap == first.roadmap
    kept = ReportFile.objects.get(kind=ReportFile.Kind.ROADMAP_IMPORT, roadmap=first.roadmap)
    assert kept.filename.endswith(".docx") and kept.params["format"] == "docx"
    with kept.file.open("rb") as file:
        assert file.read() == data
    # the columns as guessed, named: the same import
    guessed = ["number", "description", "deadline", "executors", "result", "target"]
    assert roadmap_import_docx(data=data, by=methodist, owner=registry["authority"], mapping=guessed).unchanged
    # read with other columns, the same file is another import
    other = roadmap_import_docx(
        data=data,
        by=methodist,
        owner=registry["authority"],
        mapping=["number", "description", "deadline", "executors", "result", "note"],
    )
    assert not other.unchanged


def test_importing_into_a_draft_replaces_its_contents(methodist, registry):
    draft = roadmap_import_docx(data=docs.plan_000(), by=methodist, owner=registry["authority"]).roadmap
    outcome = roadmap_import_docx(data=docs.plan_002(), by=methodist, roadmap=draft)
    assert outcome.roadmap == draft and not outcome.created
    assert Measure.objects.filter(section__roadmap=draft).count() == 5
    assert Roadmap.objects.count() == 1


def test_director_may_not_import(director_a, registry):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        roadmap_import_docx(data=docs.plan_002(), by=director_a, owner=registry["authority"])
    assert not Roadmap.objects.exists()


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (docs.no_tables, "нет ни одной таблицы"),
        (lambda: docs.ole_bytes(), "Сохраните документ в формате .docx"),
        (lambda: docs.compound_file("WordDocument"), "старого формата (.doc)"),
        (lambda: docs.compound_file("EncryptedPackage"), "защищён паролем"),
        (lambda: b"PK\x03\x04" + b"\x00garbage" * 50, "повреждён"),
        (lambda: docs.plan_002()[:2000], "повреждён"),
        (docs.zip_bomb, "сжат подозрительно сильно"),
        (lambda: b"%PDF-1.7 not a word file", "не является документом Word"),
        (lambda: b"", "пуст"),
    ],
    ids=["no-tables", "doc-header", "doc", "password", "corrupt", "truncated", "zip-bomb", "pdf", "empty"],
)
def test_bad_files_are_refused_with_a_russian_reason(make, words, methodist, registry):
    with pytest.raises(RoadmapImportError) as caught:
        roadmap_import_docx(data=make(), by=methodist, owner=registry["authority"])
    assert words in str(caught.value)
    assert not Roadmap.objects.exists() and not ReportFile.objects.exists()


def test_unknown_header_names_the_expected_words(registry):
    message = problems_of(docs.unknown_header(), registry["authority"])
    assert "«№ п/п», «Наименование мероприятия», «Сроки»" in message
    assert "«ГОД», «Региональный уровень»" in message
    assert "«Фамилия»" in message


def test_a_file_over_the_upload_limit_is_refused(settings, registry):
    settings.UPLOAD_MAX_MB = 1
    message = problems_of(docs.plan_002() + b"\0" * (1 << 20), registry["authority"])
    assert "слишком большой" in message


def test_a_measure_without_a_name_is_named_by_table_and_row(registry):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    docs.fill(table.rows[0], ["№ п/п", "Наименование мероприятия", "Сроки"])
    docs.fill(table.rows[1], ["1.", "", "Май 2022 г."])
    message = problems_of(docs.save(document), registry["authority"])
    assert "таблица «1», строка 2, столбец «Наименование мероприятия»" in message


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("make", [docs.plan_002, docs.plan_000, docs.plan_003], ids=["002", "000", "003"])
def test_an_imported_draft_prints_and_exports_every_measure_with_its_number(make, methodist, registry):
    roadmap = roadmap_import_docx(data=make(), by=methodist, owner=registry["authority"]).roadmap
    rows = rows_of(roadmap)
    pdf = flat(" ".join(pdf_pages(render_roadmap_pdf(roadmap))))
    sheet = load_workbook(io.BytesIO(roadmap_xlsx_bytes(roadmap)))["Дорожная карта"]
    exported = {(str(r[0] or ""), str(r[1] or "")) for r in sheet.iter_rows(values_only=True)}
    for number, description, _deadline, _executors in rows:
        assert f"{number} {flat(description)}" in pdf  # the number printed beside its measure
        assert (number, description) in exported


# --------------------------------------------------------------------------- the command


def test_command_imports_a_document_for_an_organisation(tmp_path, methodist, registry, admin_user):
    path = tmp_path / "plan.docx"
    path.write_bytes(docs.plan_002())
    out = io.StringIO()
    call_command("import_roadmap_docx", str(path), "--owner", "uo1", "--user", "methodist", stdout=out)
    roadmap = Roadmap.objects.get()
    assert roadmap.owner == registry["authority"] and "мероприятий 5" in out.getvalue()


def test_command_dry_run_writes_nothing_and_bad_files_end_in_a_message(tmp_path, admin_user, registry):
    path = tmp_path / "plan.docx"
    path.write_bytes(docs.plan_003())
    out = io.StringIO()
    call_command("import_roadmap_docx", str(path), "--owner", "uo1", "--dry-run", stdout=out)
    assert "Формирование банка КИМ" in out.getvalue() and not Roadmap.objects.exists()
    path.write_bytes(docs.ole_bytes())
    with pytest.raises(CommandError, match=r"\.docx"):
        call_command("import_roadmap_docx", str(path), "--owner", "uo1")
    with pytest.raises(CommandError, match="nope"):
        call_command("import_roadmap_docx", str(path), "--owner", "nope")


# --------------------------------------------------------------------------- the pages


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_upload_preview_correct_a_column_and_create_the_draft(client_for, methodist, registry):
    client = client_for(methodist)
    response = client.post(
        reverse("reports:roadmap_import_word_new"),
        {"owner": registry["authority"].pk, "file": upload("план.docx", docs.plan_002())},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Проверка документа Word" in page and "Совещание по итогам ВПР" in page
    assert "ИМЦ «Развитие»" in page  # unknown name listed
    assert not Roadmap.objects.exists()  # nothing written before the confirmation
    token = response.context["token"]
    mapping = ["number", "description", "deadline", "executors", "result", "note"]
    response = client.post(reverse("reports:roadmap_import_word_preview"), {"token": token, "column": mapping})
    assert response.status_code == 200
    assert [c.field for c in response.context["preview"].columns] == mapping
    response = client.post(reverse("reports:roadmap_import_confirm"), {"token": token, "column": mapping})
    roadmap = Roadmap.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:roadmap", args=[roadmap.pk])
    assert Measure.objects.get(section__roadmap=roadmap, description="Совещание по итогам ВПР").note == "100 %"
    # the token is used up
    response = client.post(reverse("reports:roadmap_import_confirm"), {"token": token})
    assert response.status_code == 302 and Roadmap.objects.count() == 1


def test_word_upload_on_a_draft_replaces_it_after_the_preview(client_for, methodist, registry):
    draft = roadmap_import_docx(data=docs.plan_000(), by=methodist, owner=registry["authority"]).roadmap
    client = client_for(methodist)
    response = client.post(
        reverse("reports:roadmap_import_word", args=[draft.pk]), {"file": upload("x.docx", docs.plan_003())}
    )
    assert response.status_code == 200 and response.context["target"] == draft
    client.post(reverse("reports:roadmap_import_confirm"), {"token": response.context["token"]})
    assert Measure.objects.filter(section__roadmap=draft).count() == 5 and Roadmap.objects.count() == 1


def test_a_bad_document_on_the_page_shows_the_reason_and_creates_nothing(client_for, methodist, registry):
    response = client_for(methodist).post(
        reverse("reports:roadmap_import_word_new"),
        {"owner": registry["authority"].pk, "file": upload("план.doc", docs.compound_file("WordDocument"))},
    )
    assert response.status_code == 400
    assert "Сохраните документ в формате .docx" in response.content.decode()
    assert not Roadmap.objects.exists()


def test_list_and_draft_pages_offer_the_word_import(client_for, methodist, registry):
    client = client_for(methodist)
    assert reverse("reports:roadmap_import_word_new") in client.get(reverse("roadmaps:list")).content.decode()
    draft = roadmap_import_docx(data=docs.plan_002(), by=methodist, owner=registry["authority"]).roadmap
    assert "Загрузить из Word" in client.get(reverse("roadmaps:detail", args=[draft.pk])).content.decode()
    assert (
        reverse("reports:roadmap_import_word", args=[draft.pk])
        in client.get(reverse("reports:roadmap", args=[draft.pk])).content.decode()
    )


# --------------------------------------------------------------------------- who may import


@pytest.mark.parametrize(
    ("person", "on_draft", "as_new"),
    [
        ("methodist", 200, 200),
        ("official", 200, 200),
        ("admin_user", 200, 200),
        ("director_a", 404, 403),  # directors do not see drafts
        ("viewer", 403, 403),
        ("outsider", 404, 400),  # another municipality: the draft is not theirs, the owner not offered
    ],
)
def test_only_the_municipality_staff_and_admins_may_import_from_word(
    person, on_draft, as_new, request, client_for, methodist, registry, other_municipality
):
    from tests.hardening.access_world import make_outsider

    draft = roadmap_import_docx(data=docs.plan_000(), by=methodist, owner=registry["authority"]).roadmap
    user = make_outsider(other_municipality) if person == "outsider" else request.getfixturevalue(person)
    client = client_for(user)
    response = client.post(
        reverse("reports:roadmap_import_word", args=[draft.pk]), {"file": upload("x.docx", docs.plan_002())}
    )
    assert response.status_code == on_draft
    response = client.post(
        reverse("reports:roadmap_import_word_new"),
        {"owner": registry["authority"].pk, "file": upload("x.docx", docs.plan_002())},
    )
    assert response.status_code == as_new
    token = response.context["token"] if as_new == 200 else "none"
    client.post(reverse("reports:roadmap_import_confirm"), {"token": token})
    expected = 2 if as_new == 200 else 1
    assert Roadmap.objects.count() == expected


def test_the_preview_marks_unparsed_deadlines_and_shows_the_level_columns(client_for, methodist, registry):
    client = client_for(methodist)
    response = client.post(
        reverse("reports:roadmap_import_word_new"),
        {"owner": registry["authority"].pk, "file": upload("план.docx", docs.plan_000())},
    )
    page = response.content.decode()
    assert 'class="table-warning" title="Срок не разобран">Август-сентябрь' in page
    assert "Сроки не разобраны (1): 2. «Август-сентябрь»" in page
    assert "Трек: Объективность оценки качества подготовки обучающихся" in page
    response = client.post(
        reverse("reports:roadmap_import_word_new"),
        {"owner": registry["authority"].pk, "file": upload("план.docx", docs.plan_003())},
    )
    page = response.content.decode()
    assert "<th>Муниципальный уровень</th>" in page and "<th>Уровень ОО</th>" in page
    assert "Участие в формировании банка КИМ" in page


def test_a_mapping_that_reads_nothing_keeps_the_preview_and_says_why(client_for, methodist, registry):
    client = client_for(methodist)
    response = client.post(
        reverse("reports:roadmap_import_word_new"),
        {"owner": registry["authority"].pk, "file": upload("план.docx", docs.plan_002())},
    )
    token = response.context["token"]
    response = client.post(reverse("reports:roadmap_import_word_preview"), {"token": token, "column": ["skip"] * 6})
    assert response.status_code == 400
    assert "Укажите, какой столбец документа" in response.content.decode()
    # the file is still staged: the guessed columns create the draft
    client.post(reverse("reports:roadmap_import_confirm"), {"token": token})
    assert Measure.objects.filter(section__roadmap__in=Roadmap.objects.all()).count() == 5
