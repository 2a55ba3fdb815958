"""Declension of names and positions for orders: dative for assignments, instrumental for control."""

import pytest

from roadmaps.russian_names import (
    DATIVE,
    FEMALE,
    GENITIVE,
    INSTRUMENTAL,
    decline_name,
    decline_position,
    lower_first,
    person_phrase,
)


@pytest.mark.parametrize(
    ("name", "dative", "instrumental", "genitive"),
    [
        ("Мухин В.Г.", "Мухину В.Г.", "Мухиным В.Г.", "Мухина В.Г."),
        ("Т.В. Разуваева", "Т.В. Разуваевой", "Т.В. Разуваевой", "Т.В. Разуваевой"),
        ("Римская-Корсакова Н.А.", "Римской-Корсаковой Н.А.", "Римской-Корсаковой Н.А.", "Римской-Корсаковой Н.А."),
        (
            "Иванов Пётр Сергеевич",
            "Иванову Петру Сергеевичу",
            "Ивановым Петром Сергеевичем",
            "Иванова Петра Сергеевича",
        ),
        (
            "Смирнова Людмила Васильевна",
            "Смирновой Людмиле Васильевне",
            "Смирновой Людмилой Васильевной",
            "Смирновой Людмилы Васильевны",
        ),
        ("Шевченко А.А.", "Шевченко А.А.", "Шевченко А.А.", "Шевченко А.А."),
        ("Бойко Ирина Олеговна", "Бойко Ирине Олеговне", "Бойко Ириной Олеговной", "Бойко Ирины Олеговны"),
        ("Королева О.А.", "Королевой О.А.", "Королевой О.А.", "Королевой О.А."),
    ],
)
def test_names_are_declined(name, dative, instrumental, genitive):
    assert decline_name(name, DATIVE) == dative
    assert decline_name(name, INSTRUMENTAL) == instrumental
    assert decline_name(name, GENITIVE) == genitive


def test_gender_can_be_given_when_initials_leave_it_open():
    # «Кох» with initials only: the surname says nothing, the stored gender decides
    assert decline_name("Кох Е.В.", DATIVE, FEMALE) == "Кох Е.В."
    assert decline_name("Кох Е.В.", DATIVE) == "Коху Е.В."


@pytest.mark.parametrize(
    ("position", "dative", "instrumental"),
    [
        ("И.о. директора", "И.о. директора", "И.о. директора"),
        ("начальник управления образования", "начальнику управления образования", "начальником управления образования"),
        ("заместитель начальника", "заместителю начальника", "заместителем начальника"),
        (
            "Первый заместитель директора Департамента образования",
            "Первому заместителю директора Департамента образования",
            "Первым заместителем директора Департамента образования",
        ),
        ("главный специалист отдела", "главному специалисту отдела", "главным специалистом отдела"),
        ("директор МБОУ ДПО МЦ", "директору МБОУ ДПО МЦ", "директором МБОУ ДПО МЦ"),
        ("учитель-логопед", "учителю-логопеду", "учителем-логопедом"),
        ("ведущий методист", "ведущему методисту", "ведущим методистом"),
    ],
)
def test_positions_are_declined(position, dative, instrumental):
    assert decline_position(position, DATIVE) == dative
    assert decline_position(position, INSTRUMENTAL) == instrumental


def test_person_phrase_and_lowercase_inside_a_sentence():
    assert person_phrase(lower_first("Заместитель начальника"), "Разуваева Т.В.", DATIVE) == (
        "заместителю начальника Разуваевой Т.В."
    )
    assert lower_first("МБОУ ДПО МЦ") == "МБОУ ДПО МЦ"
    assert lower_first("И.о. директора") == "и.о. директора"
