"""The printed roadmap: every measure, the stamp, page numbers, landscape, the repeated header."""

import re

from reports.pdf import render_roadmap_pdf, roadmap_html
from reports.testing import build_roadmap, flat, pdf_pages, pdf_reader
from reports.typography import NBSP, cell_html, typograph
from roadmaps.document import roadmap_document
from roadmaps.models import Measure, Roadmap

A4_LONG, A4_SHORT = 841.89, 595.28


def test_pdf_has_every_measure_number_and_description(roadmap):
    data = render_roadmap_pdf(roadmap)
    text = flat(" ".join(pdf_pages(data)))
    measures = Measure.objects.filter(section__roadmap=roadmap)
    assert measures.count() == 6
    for measure in measures:
        assert f"{measure.number}." in text
        assert flat(measure.description.splitlines()[0]) in text


def test_pdf_has_approval_block_title_and_page_numbers(roadmap):
    pages = pdf_pages(render_roadmap_pdf(roadmap))
    first = flat(pages[0])
    assert "«УТВЕРЖДАЮ»" in first
    assert "Начальник управления образования" in first
    assert "Т.В. Разуваева" in first
    assert "27.08.2022" in first
    assert "План мероприятий («дорожная карта» 1.1)" in first
    assert "на 2022/2023 учебный год" in first
    assert f"стр. 1 из {len(pages)}" in first
    assert f"стр. {len(pages)} из {len(pages)}" in flat(pages[-1])


def test_pdf_pages_are_a4_landscape(roadmap):
    reader = pdf_reader(render_roadmap_pdf(roadmap))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_LONG) < 2 and abs(height - A4_SHORT) < 2


def test_appendix_stamp_instead_of_approval(authority):
    roadmap = build_roadmap(authority, stamp=Roadmap.Stamp.APPENDIX)
    authority.full_name = "Управление образования администрации Новоузенского муниципального района"
    authority.save()
    first = flat(pdf_pages(render_roadmap_pdf(roadmap))[0])
    assert "УТВЕРЖДАЮ" not in first
    assert "Приложение 1 к приказу управления образования администрации Новоузенского" in first
    assert "от 27.08.2022 № 158" in first


def test_long_section_breaks_across_pages_and_repeats_the_header(authority):
    roadmap = build_roadmap(authority, sections=1, measures=14, long=True)
    pages = pdf_pages(render_roadmap_pdf(roadmap))
    assert len(pages) >= 3
    for page in pages[1:]:
        text = flat(page)
        assert "№ п/п" in text
        assert "Наименование мероприятия / Описание" in text
        assert "Ответственные исполнители" in text
        assert "Ожидаемый результат" in text
    # the section row is printed once, and page 2 continues that same section
    assert sum(flat(p).count("1. Мероприятия раздела 1") for p in pages) == 1
    assert "Мероприятие 1-" in flat(pages[1])


def test_no_page_starts_with_a_lone_row_number(authority):
    """A measure's number is never separated from its text: every number printed on a page has
    the beginning of its own description on that page."""
    roadmap = build_roadmap(authority, sections=1, measures=14, long=True)
    for page in pdf_pages(render_roadmap_pdf(roadmap)):
        text = flat(page)
        for number in re.findall(r"\b1\.(\d+)\.(?=\s)", text):
            assert f"Мероприятие 1-{number}:" in text


def test_empty_columns_are_left_out_and_blank_numbers_follow_position(authority):
    roadmap = build_roadmap(authority, numbered=False)
    doc = roadmap_document(roadmap)
    assert [key for key, _ in doc.columns] == ["number", "description", "deadline", "executors", "actions", "result"]
    assert [row.number for row in doc.measure_rows] == ["1.1.", "1.2.", "1.3.", "2.1.", "2.2.", "2.3."]
    text = flat(" ".join(pdf_pages(render_roadmap_pdf(roadmap))))
    assert "Примечание" not in text
    Measure.objects.filter(section__roadmap=roadmap).update(note="См. приказ № 5")
    assert "note" in [key for key, _ in roadmap_document(roadmap).columns]


def test_dash_lists_become_lists_and_sections_span_the_table(roadmap):
    html = roadmap_html(roadmap_document(roadmap))
    assert '<ul class="dash"><li>анализ результатов ВПР</li><li>подготовка справки</li></ul>' in html
    assert 'colspan="6"' in html
    assert "display: table-header-group" in html


def test_direction_sections_print_code_and_track(authority):
    roadmap = build_roadmap(authority, with_direction=True)
    text = flat(pdf_pages(render_roadmap_pdf(roadmap))[0])
    assert "1.1. Система оценки качества подготовки обучающихся" in text
    assert "Трек: Объективность оценки качества подготовки обучающихся" in text


def test_rendering_twice_gives_the_same_text(roadmap):
    assert pdf_pages(render_roadmap_pdf(roadmap)) == pdf_pages(render_roadmap_pdf(roadmap))


def test_russian_typography():
    assert typograph('приказ № 158 "Об утверждении"') == f"приказ №{NBSP}158 «Об утверждении»"
    assert typograph("не менее 80 %") == f"не менее 80{NBSP}%"
    assert typograph("Т.В. Разуваева и Мухин В.Г.") == f"Т.В.{NBSP}Разуваева и Мухин{NBSP}В.Г."
    assert typograph("ВПР - всероссийские") == f"ВПР{NBSP}— всероссийские"
    assert typograph(typograph("№ 5 - 10 %")) == typograph("№ 5 - 10 %")


def test_cell_text_is_escaped():
    html = cell_html("<script>alert(1)</script>\n- <b>пункт</b>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<li>&lt;b&gt;пункт&lt;/b&gt;</li>" in html


def test_printed_html_keeps_initials_and_numbers_together(authority):
    roadmap = build_roadmap(authority, sections=1, measures=1)
    Measure.objects.filter(section__roadmap=roadmap).update(
        description='Приказ № 15 "Об итогах", охват не менее 80 %', deadline_text="до 10 сентября"
    )
    html = roadmap_html(roadmap_document(roadmap))
    assert f"Т.В.{NBSP}Разуваева" in html
    assert f"Приказ №{NBSP}15 «Об итогах», охват не менее 80{NBSP}%" in html
