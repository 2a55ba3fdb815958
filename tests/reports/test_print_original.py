"""The order's PDF as an official signs it (issue 20 part 6): one full stop at the end of every
sentence, the «Утвердить …» item worded rather than pasted from the roadmap's title, the pages of
the order and its appendices numbered through the file, and every table inside the margins of
GOST R 7.0.97-2016 (left 20 mm, right 10 mm)."""

import re
from datetime import date

import pytest
from pypdf.generic import ContentStream

from reports.pdf import render_order_pdf, render_roadmap_pdf
from reports.selectors import order_items
from reports.testing import build_roadmap, flat, pdf_pages, pdf_reader
from reports.typography import full_stop, typograph
from roadmaps.models import Measure, Roadmap
from roadmaps.services import PersonInput, order_save

MM = 72 / 25.4
PASTED_TITLE = (
    "План мероприятий по реализации адресных рекомендаций и аналитических материалов, утвержденных на заседании "
    "координационного совета при министерстве образования Саратовской области по вопросам качества общего "
    "образования, 2022/2023 год. Новоузенский муниципальный район"
)
RECOMMENDATIONS = (
    "адресных рекомендаций и аналитических материалов, утвержденных на заседании координационного совета при "
    "министерстве образования Саратовской области по вопросам качества общего образования"
)
CONTROL = "Контроль за исполнением настоящего приказа оставить за начальником управления образования"
PAGE_NUMBER = re.compile(r"стр\. (\d+) из (\d+)")


def make_order(methodist, authority, roadmaps, *, control_name="Разуваева Т.В.", place="", duty=""):
    return order_save(
        by=methodist,
        organization=authority,
        number="158",
        date=date(2022, 8, 27),
        title="Об утверждении планов мероприятий («дорожных карт»)",
        place_phrase=place,
        roadmaps=roadmaps,
        items=["Руководителям подведомственных организаций принять участие в реализации мероприятий."],
        responsible=[PersonInput(position="ведущий методист", name="Иванов П.С.", duty=duty)] if duty else [],
        control=[PersonInput(position="начальник управления образования", name=control_name)],
        signatory_position="Начальник управления образования",
        signatory_name="Т.В. Разуваева",
    )


# --- the sentences -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "declined"),
    [
        ("Разуваева Т.В.", "Разуваевой Т.В."),
        ("Т.В. Разуваева", "Т.В. Разуваевой."),
        ("Разуваева Татьяна Викторовна", "Разуваевой Татьяной Викторовной."),
    ],
)
def test_the_control_line_ends_with_one_full_stop(methodist, authority, name, declined):
    roadmap = build_roadmap(authority, sections=1, measures=1)
    order = make_order(methodist, authority, [roadmap], control_name=name)
    assert order_items(order)[-1].text == f"{CONTROL} {declined}"


def test_a_duty_typed_with_its_own_full_stop_keeps_one(methodist, authority):
    roadmap = build_roadmap(authority, sections=1, measures=1)
    order = make_order(methodist, authority, [roadmap], duty="подготовить справку до 01.10.2022 г.")
    texts = [item.text for item in order_items(order)]
    assert "Ведущему методисту Иванову П.С. подготовить справку до 01.10.2022 г." in texts


def test_full_stop_and_typograph_never_leave_two_stops():
    assert full_stop("оставить за Разуваевой Т.В.") == "оставить за Разуваевой Т.В."
    assert full_stop("обеспечить выполнение ") == "обеспечить выполнение."
    assert typograph("Разуваевой Т.В..") == "Разуваевой\u00a0Т.В."
    assert typograph("и так далее...") == "и так далее..."  # an ellipsis stays


@pytest.mark.parametrize(
    ("code", "title", "place", "expected"),
    [
        (
            "",
            PASTED_TITLE,
            "в Новоузенском муниципальном районе",
            "Утвердить план мероприятий («дорожную карту») по реализации в Новоузенском муниципальном районе "
            f"{RECOMMENDATIONS} на 2022/2023 учебный год (приложение 1 к настоящему приказу).",
        ),
        (
            "2.3",
            PASTED_TITLE,
            "",
            f"Утвердить план мероприятий («дорожную карту» 2.3) по реализации {RECOMMENDATIONS} "
            "на 2022/2023 учебный год (приложение 1 к настоящему приказу).",
        ),
        (
            "",
            "по развитию муниципальной системы оценки качества подготовки обучающихся",
            "в Сарове",
            "Утвердить план мероприятий («дорожную карту») по развитию в Сарове муниципальной системы оценки "
            "качества подготовки обучающихся на 2022/2023 учебный год (приложение 1 к настоящему приказу).",
        ),
        (
            "",
            "План мероприятий («дорожная карта» 1.4) по развитию системы работы с педагогами на 2022/2023 учебный год",
            "",
            "Утвердить план мероприятий («дорожную карту» 1.4) по развитию системы работы с педагогами "
            "на 2022/2023 учебный год (приложение 1 к настоящему приказу).",
        ),
        (
            "",
            "План мероприятий",
            "",
            "Утвердить план мероприятий («дорожную карту») на 2022/2023 учебный год (приложение 1 к настоящему приказу).",
        ),
    ],
    ids=["pasted-title-no-code", "pasted-title-code", "no-code", "code-in-title", "bare-title"],
)
def test_the_approve_item_names_the_roadmap_once(methodist, authority, code, title, place, expected):
    roadmap = build_roadmap(authority, sections=1, measures=1, code=code, title=title)
    order = make_order(methodist, authority, [roadmap], place=place)
    assert order_items(order)[0].text == expected


# --- the file ----------------------------------------------------------------------------------


def drawn_xs(page) -> list[float]:
    """x of every rectangle corner and path point on the page (table borders, cell backgrounds)."""
    xs, ctm, stack = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]
        elif op == b"re":
            x, y, w, _ = (float(v) for v in operands)
            xs += [px * ctm[0] + y * ctm[2] + ctm[4] for px in (x, x + w)]
        elif op in (b"m", b"l"):
            x, y = (float(v) for v in operands)
            xs.append(x * ctm[0] + y * ctm[2] + ctm[4])
    return xs


def text_xs(page) -> list[float]:
    """x where each piece of text starts."""
    xs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            xs.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    page.extract_text(visitor_text=visit)
    return xs


def assert_within_margins(reader):
    for number, page in enumerate(reader.pages, start=1):
        width = float(page.mediabox.width)
        landscape = width > float(page.mediabox.height)
        left, right = (20 * MM, 10 * MM) if landscape else (30 * MM, 15 * MM)
        drawn, texts = drawn_xs(page), text_xs(page)
        assert texts, number
        assert min(texts + drawn) >= left - 0.5, (number, min(texts + drawn) / MM)
        assert max(texts + drawn) <= width - right + 0.5, (number, (width - max(texts + drawn)) / MM)


def with_notes(roadmap):
    """Every column printed, the «Примечание» too (the widest table: it once ran 10 mm too far right)."""
    Measure.objects.filter(section__roadmap=roadmap).update(note="Новое мероприятие: предложение ММС")
    return roadmap


@pytest.fixture
def order_with_appendices(methodist, authority):
    with_code = with_notes(build_roadmap(authority, sections=2, measures=4, long=True, code="1.1"))
    without_code = with_notes(build_roadmap(authority, sections=1, measures=3, long=True, code="", title=PASTED_TITLE))
    return make_order(methodist, authority, [with_code, without_code], place="в Новоузенском муниципальном районе")


def test_the_order_file_reads_like_a_signed_original(order_with_appendices):
    data = render_order_pdf(order_with_appendices)
    pages = [flat(text) for text in pdf_pages(data)]
    text = " ".join(pages)
    assert ".." not in text.replace("...", "")
    assert (
        "1. Утвердить план мероприятий («дорожную карту» 1.1) по развитию в Новоузенском муниципальном районе "
        "муниципальной системы оценки качества подготовки обучающихся на 2022/2023 учебный год "
        "(приложение 1 к настоящему приказу)." in text
    )
    assert (
        "2. Утвердить план мероприятий («дорожную карту») по реализации в Новоузенском муниципальном районе "
        f"{RECOMMENDATIONS} на 2022/2023 учебный год (приложение 2 к настоящему приказу)." in text
    )
    assert "год. Новоузенский муниципальный район на" not in text
    assert f"4. {CONTROL} Разуваевой Т.В. " in text
    assert any("Приложение 2 к приказу" in page for page in pages)

    total = len(pages)
    assert total > 3
    numbers = [PAGE_NUMBER.findall(page) for page in pages]
    assert numbers == [[(str(n), str(total))] for n in range(1, total + 1)]


def test_the_order_file_stays_within_the_margins(order_with_appendices):
    reader = pdf_reader(render_order_pdf(order_with_appendices))
    assert float(reader.pages[0].mediabox.width) < float(reader.pages[-1].mediabox.width)  # portrait, landscape
    assert_within_margins(reader)


def test_a_roadmap_alone_stays_within_the_margins_and_is_numbered_through(authority):
    roadmap = with_notes(build_roadmap(authority, sections=2, measures=4, long=True))
    data = render_roadmap_pdf(roadmap)
    assert_within_margins(pdf_reader(data))
    pages = [flat(text) for text in pdf_pages(data)]
    assert [PAGE_NUMBER.findall(page) for page in pages] == [
        [(str(n), str(len(pages)))] for n in range(1, len(pages) + 1)
    ]


def test_a_regional_roadmap_with_its_three_levels_stays_within_the_margins(regional_org):
    """Seed 003's layout prints three level columns beside the others: the widest table of all."""
    roadmap = with_notes(build_roadmap(regional_org, sections=2, measures=3, long=True))
    Roadmap.objects.filter(pk=roadmap.pk).update(level=Roadmap.Level.REGIONAL)
    roadmap.refresh_from_db()
    Measure.objects.filter(section__roadmap=roadmap).update(
        municipal_text="Организация участия муниципальных образовательных организаций в процедурах оценки",
        school_text="Участие образовательной организации в процедурах оценки качества подготовки обучающихся",
    )
    data = render_roadmap_pdf(roadmap)
    assert "Муниципальный уровень" in " ".join(flat(text) for text in pdf_pages(data))
    assert_within_margins(pdf_reader(data))
