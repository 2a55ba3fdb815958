"""The order (приказ): its text with the persons in the case each sentence needs, and the
approved roadmaps following it as appendices in one PDF."""

from datetime import date

import pytest

from reports.pdf import render_order_pdf
from reports.selectors import order_items
from reports.testing import build_roadmap, flat, pdf_pages, pdf_reader
from roadmaps.models import Roadmap
from roadmaps.services import PersonInput, order_save

A4_LONG, A4_SHORT = 841.89, 595.28


@pytest.fixture
def order(authority, methodist):
    authority.full_name = "Департамент образования Администрации г. Саров"
    authority.save()
    first = build_roadmap(
        authority,
        code="1.1",
        title="по развитию муниципальной системы оценки качества подготовки обучающихся",
        stamp=Roadmap.Stamp.APPROVAL,
    )
    second = build_roadmap(
        authority,
        code="1.2",
        title="по развитию муниципальной системы работы со школами с низкими результатами обучения",
        sections=1,
        measures=2,
    )
    return order_save(
        by=methodist,
        organization=authority,
        number="158",
        date=date(2021, 8, 27),
        title="Об утверждении планов мероприятий («дорожных карт») развития механизмов управления качеством",
        basis="На основании приказа министерства образования от 04.06.2021 № 316-01-63-1387/21",
        place_phrase="в Сарове",
        roadmaps=[first, second],
        items=[
            "Руководителям подведомственных организаций:\n- Принять участие в реализации мероприятий.\n- Организовать работу."
        ],
        responsible=[
            PersonInput(
                position="Консультант Департамента образования", name="Смирнова Л.В.", duty="провести мониторинг ВСОКО"
            ),
            PersonInput(position="Первый заместитель директора Департамента образования", name="Мухин В.Г."),
            PersonInput(
                position="заместитель начальника", name="Римская-Корсакова Н.А.", duty="за организацию мониторинга"
            ),
            PersonInput(position="И.о. директора МБОУ ДПО МЦ", name="Королева Ольга Александровна"),
            PersonInput(position="ведущий методист", name="Иванов Пётр Сергеевич", duty="подготовить справку"),
        ],
        control=[PersonInput(position="начальник управления образования", name="Т.В. Разуваева")],
        signatory_position="И.о. директора",
        signatory_name="В.Г. Мухин",
    )


def test_order_items_decline_every_person(order):
    text = " ".join(item.text for item in order_items(order))
    assert "Консультанту Департамента образования Смирновой Л.В. провести мониторинг ВСОКО." in text
    assert "Поручить первому заместителю директора Департамента образования Мухину В.Г. обеспечить" in text
    assert "Назначить заместителя начальника Римскую-Корсакову Н.А. ответственным за организацию мониторинга." in text
    assert "Поручить и.о. директора МБОУ ДПО МЦ Королевой Ольге Александровне обеспечить" in text
    assert "Ведущему методисту Иванову Петру Сергеевичу подготовить справку." in text
    assert (
        "Контроль за исполнением настоящего приказа оставить за начальником управления образования Т.В. Разуваевой."
        in text
    )


def test_order_items_approve_each_roadmap_as_an_appendix(order):
    items = order_items(order)
    assert items[0].number == "1."
    assert items[0].text == (
        "Утвердить план мероприятий («дорожную карту» 1.1) по развитию в Сарове муниципальной системы оценки "
        "качества подготовки обучающихся на 2022/2023 учебный год (приложение 1 к настоящему приказу)."
    )
    assert "(«дорожную карту» 1.2)" in items[1].text and "(приложение 2 к настоящему приказу)" in items[1].text
    assert items[2].subitems == ["3.1. Принять участие в реализации мероприятий.", "3.2. Организовать работу."]
    assert [item.number for item in items] == [f"{n}." for n in range(1, len(items) + 1)]


def test_order_pdf_has_the_order_then_its_appendices(order):
    data = render_order_pdf(order)
    pages = [flat(page) for page in pdf_pages(data)]
    first = pages[0]
    assert "Департамент образования Администрации г. Саров" in first
    assert "П Р И К А З" in first and "27.08.2021" in first and "№ 158" in first
    assert "п р и к а з ы в а ю:" in first
    assert "Консультанту Департамента образования Смирновой Л.В." in " ".join(pages[:2])
    assert "Т.В. Разуваевой" in " ".join(pages[:2])
    assert "И.о. директора" in " ".join(pages[:2]) and "В.Г. Мухин" in " ".join(pages[:2])
    appendix_pages = [p for p in pages if "Приложение 1 к приказу департамента образования" in p]
    assert appendix_pages and "от 27.08.2021 № 158" in appendix_pages[0]
    assert any("Приложение 2 к приказу" in p for p in pages)
    assert not any("УТВЕРЖДАЮ" in p for p in pages)  # inside an order every roadmap is an appendix
    reader = pdf_reader(data)
    order_page = reader.pages[0]
    assert float(order_page.mediabox.width) < float(order_page.mediabox.height)  # the order is portrait
    last = reader.pages[-1]
    assert abs(float(last.mediabox.width) - A4_LONG) < 2  # the appendices are landscape


def test_signature_never_stands_alone_on_a_page(order):
    pages = [flat(page) for page in pdf_pages(render_order_pdf(order))]
    signature_page = next(p for p in pages if "И.о. директора В.Г. Мухин" in p)
    assert "Контроль за исполнением настоящего приказа" in signature_page


def test_order_header_lines_replace_the_organisation_name(order):
    order.header = "Администрация города Сарова\nДепартамент образования Администрации г. Саров"
    order.save()
    first = pdf_pages(render_order_pdf(order))[0]
    assert first.splitlines()[:2] == ["Администрация города Сарова", "Департамент образования Администрации г. Саров"]
