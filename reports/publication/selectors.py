"""Reads of the open page: only what is published and not withdrawn, and of a year's indicator
values only what names no small group."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.shortcuts import get_object_or_404

from monitoring.models import Colour, IndicatorValue, Zone
from reports.models import Publication
from schools.models import Municipality

#: A school-level value computed over fewer participants than this is not published: with so few,
#: a share can point at a child («1 из 3 получил «2»»). The municipality's values are published whole.
MIN_GROUP = 10


def small_groups_refusal(groups: list[list]) -> str:
    """Why a document naming these school groups ([name, size], size None when the value is no
    share of people) may not go on the open page, or "" when it may."""
    small = dict.fromkeys(f"«{name}» ({size:g})" for name, size in groups if size is not None and size < MIN_GROUP)
    if not small:
        return ""
    return (
        f"Не публикуется: в документе значения организаций по группам меньше {MIN_GROUP} человек — "
        f"{', '.join(small)}. По таким значениям можно узнать ребёнка, на открытой странице их не показывают."
    )


def people_named(texts: list[str], municipality: Municipality) -> list[str]:
    """The surnames of the municipality's users (directors, teachers, staff) that these free texts
    name, in any case ending («Петров», «Петровой»). The open page names no person except the
    officials who sign, approve or compose a document in office, and those are printed from their
    own fields, never from free text."""
    text = "\n".join(texts)
    surnames = (
        get_user_model()
        .objects.filter(memberships__organization__municipality=municipality)
        .exclude(last_name="")
        .values_list("last_name", flat=True)
        .distinct()
    )
    found = []
    for surname in sorted(surnames):
        stem = surname[:-1] if len(surname) > 4 and surname[-1] in "ая" else surname
        if re.search(rf"\b{re.escape(stem)}\w{{0,2}}\b", text):
            found.append(surname)
    return found


VALUE_COLUMNS = [
    "Учебный год", "Код ОО", "Организация", "Показатель", "Предмет", "Параллель", "Значение", "Числитель",
    "Знаменатель",
]  # fmt: skip


def public_municipalities():
    published = Publication.objects.public().values("municipality_id")
    return Municipality.objects.filter(pk__in=published).order_by("region", "name")


def public_municipality(pk: int) -> Municipality:
    return get_object_or_404(public_municipalities(), pk=pk)


def public_items(municipality: Municipality):
    return (
        Publication.objects.public()
        .filter(municipality=municipality)
        .select_related("file", "zoning_method")
        .order_by("kind", "-published_at")
    )


def public_publication(pk: int, kind: str) -> Publication:
    return get_object_or_404(Publication.objects.public().select_related("file"), pk=pk, kind=kind)


def zoning_summary(method) -> list[tuple[str, int]]:
    counts = dict(Zone.objects.filter(method=method).values_list("colour").annotate(n=Count("pk")))
    return [(label, counts.get(colour, 0)) for colour, label in Colour.choices if counts.get(colour, 0)]


def public_values(municipality: Municipality) -> list[dict]:
    """The published years' values: the municipality's own and each school's with at least MIN_GROUP
    participants (or no participant count: a value reported as yes or no). Values of a class are
    not published."""
    years = list(
        Publication.objects.public()
        .filter(municipality=municipality, kind=Publication.Kind.INDICATORS)
        .values_list("year", flat=True)
    )
    values = (
        IndicatorValue.objects.filter(municipality=municipality, year__in=years, class_name="")
        .select_related("indicator", "organization")
        .order_by("year", "organization__code", "indicator__code", "subject", "grade")
    )
    rows = []
    for value in values:
        if value.organization_id and value.denominator is not None and value.denominator < MIN_GROUP:
            continue
        rows.append(
            {
                "Учебный год": f"{value.year - 1}/{value.year}",
                "Код ОО": value.organization.code if value.organization_id else "",
                "Организация": value.organization.short_name if value.organization_id else municipality.name,
                "Показатель": value.indicator.name,
                "Предмет": value.subject,
                "Параллель": value.grade or "",
                "Значение": None if value.value is None else round(value.value, 2),
                "Числитель": value.numerator,
                "Знаменатель": value.denominator,
            }
        )
    return rows
