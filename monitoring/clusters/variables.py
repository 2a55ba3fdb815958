"""The context variables a clustering may use, with the words that describe a school's band.

A variable is read from a `SchoolContext`; `rural` is a category (сельская / городская), the others
are split into bands by the municipality's own quantiles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schools.models import SchoolContext

#: The columns of `SchoolContext` a clustering reads, in `ContextRow`'s order.
CONTEXT_FIELDS = ("organization_id", "pupils", "ovz_pupils", "is_rural", "classes", "teachers", "vacancies")


@dataclass(slots=True)
class ContextRow:
    """A school's context read as plain values (a region's forty thousand model instances cost
    seconds); the derived shares are SchoolContext's own properties, defined there once."""

    organization_id: int
    pupils: int
    ovz_pupils: int
    is_rural: bool
    classes: int
    teachers: int
    vacancies: int

    ovz_share = SchoolContext.ovz_share
    pupils_per_class = SchoolContext.pupils_per_class
    vacancy_share = SchoolContext.vacancy_share


#: «нижняя треть», «средняя треть» … by the number of bands
BAND_NAMES = {
    2: ["нижняя половина", "верхняя половина"],
    3: ["нижняя треть", "средняя треть", "верхняя треть"],
    4: ["первая четверть", "вторая четверть", "третья четверть", "четвёртая четверть"],
}
LEVELS = {
    2: ["малой", "большой"],
    3: ["малой", "средней", "большой"],
    4: ["малой", "ниже средней", "выше средней", "большой"],
}


@dataclass(frozen=True)
class Variable:
    code: str
    label: str
    unit: str
    read: Callable
    #: words of a band for an adjective before «школа» («малочисленная»), by the number of bands
    adjectives: dict[int, list[str]] | None = None
    #: the noun after «с малой …» («долей детей с ОВЗ»)
    noun: str = ""
    categorical: bool = False

    def words(self, band: int, bands: int) -> str:
        if self.categorical:
            return ("городская", "сельская")[band]
        if self.adjectives:
            return self.adjectives[bands][band]
        return f"с {LEVELS[bands][band]} {self.noun}"


VARIABLES: dict[str, Variable] = {
    variable.code: variable
    for variable in [
        Variable(
            "pupils",
            "Численность обучающихся",
            "чел.",
            lambda c: float(c.pupils),
            adjectives={
                2: ["малочисленная", "многочисленная"],
                3: ["малочисленная", "средняя по численности", "многочисленная"],
                4: ["малочисленная", "небольшая", "крупная", "многочисленная"],
            },
        ),
        Variable("rural", "Сельская местность", "", lambda c: 1.0 if c.is_rural else 0.0, categorical=True),
        Variable("ovz_share", "Доля обучающихся с ОВЗ", "%", lambda c: c.ovz_share, noun="долей детей с ОВЗ"),
        Variable(
            "pupils_per_class",
            "Средняя наполняемость класса",
            "чел.",
            lambda c: c.pupils_per_class,
            noun="наполняемостью классов",
        ),  # fmt: skip
        Variable("vacancy_share", "Доля вакансий педагогов", "%", lambda c: c.vacancy_share, noun="долей вакансий"),
    ]
}
DEFAULT_VARIABLES = ["pupils", "rural"]
