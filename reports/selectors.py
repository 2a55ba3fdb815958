"""Reads of the reports app: the printed shape of a roadmap, an order and an execution report,
built once from the database and then rendered to HTML/PDF or XLSX by the same code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from reports.filters import OrderFilter
from reports.typography import full_stop
from roadmaps.document import (
    format_date,
    roadmap_document,
)
from roadmaps.execution.state import STATE_LABELS, STATE_ORDER, State, for_roadmap, state_of
from roadmaps.models import (
    Assignment,
    Evidence,
    Order,
    OrderPerson,
    Roadmap,
)
from roadmaps.russian_names import (
    ACCUSATIVE,
    DATIVE,
    INSTRUMENTAL,
    lower_first,
    person_phrase,
)


def roadmap_for_user_or_404(user, pk: int) -> Roadmap:
    return get_object_or_404(Roadmap.objects.for_user(user).select_related("owner__municipality"), pk=pk)


def order_for_user_or_404(user, pk: int) -> Order:
    return get_object_or_404(Order.objects.for_user(user).select_related("organization__municipality"), pk=pk)


# --------------------------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------------------------


@dataclass
class OrderItemText:
    number: str
    text: str
    subitems: list[str] = field(default_factory=list)


# A period written into a roadmap's title («…, 2027/2028 год», «на 2022/2023 учебный год»,
# «2021–2022 годы»): the item names the period once, from the roadmap's dates.
_TITLE_PERIOD = re.compile(
    r"[,;]?\s*(?:на\s+)?\d{4}(?:\s*[/–-]\s*\d{4})?\s*(?:учебн(?:ый|ого)\s+)?(?:годы|года|год|гг?\.)(?=$|[\s.,;)])",
    re.IGNORECASE,
)
# «План мероприятий («дорожная карта» 1.1) …»: the code typed into the title rather than the field.
_TITLE_CODE = re.compile(r"^\(\s*«?дорожн\w*\s+карт\w*»?\s*([^)\s]*)\s*\)")


def _owner_names(roadmap) -> set[str]:
    owner = roadmap.owner
    names = {owner.short_name, owner.full_name, owner.municipality.name if owner.municipality_id else ""}
    return {" ".join(name.lower().split()) for name in names if name}


def _approve_item(link, place_phrase: str) -> str:
    """«Утвердить план мероприятий («дорожную карту» 1.1) по развитию в Сарове … на 2022/2023 учебный
    год (приложение 1 к настоящему приказу).» The roadmap's title is reworded, not pasted: the period
    it may carry and a trailing sentence naming its owner («… 2027/2028 год. Новоузенский
    муниципальный район») give way to the order's place phrase and the roadmap's own period."""
    roadmap = link.roadmap
    code = roadmap.code.strip().rstrip(".")
    title = " ".join(roadmap.title.split())
    if title.lower().startswith("план мероприятий"):
        title = title[len("план мероприятий") :].strip()
        in_title = _TITLE_CODE.match(title)
        if in_title:
            code = code or in_title.group(1).rstrip(".")
            title = title[in_title.end() :].strip()
        elif title.startswith("(") and ")" in title:
            title = title.split(")", 1)[1].strip()
    head, stop, tail = title.rpartition(". ")
    if stop and " ".join(tail.rstrip(".").lower().split()) in _owner_names(roadmap):
        title = head
    title = _TITLE_PERIOD.sub("", title).strip(" ,;.")
    place = place_phrase.strip()
    if place and title.startswith("по "):
        # «по развитию в Сарове муниципальной системы …» — the seed puts the place after the first words
        first, second, rest = (title.split(" ", 2) + ["", ""])[:3]
        title = " ".join(part for part in (first, second, place, rest) if part)
    elif place:
        title = " ".join(part for part in (title, place) if part)
    # without a code the roadmap is still named: by its title and period, the appendix number after
    name = f"(«дорожную карту» {code})" if code else "(«дорожную карту»)"
    words = " ".join(part for part in ("Утвердить план мероприятий", name, title, f"на {roadmap.period_label}") if part)
    return f"{words} (приложение {link.appendix_number} к настоящему приказу)."


def person_sentence(person: OrderPerson) -> str:
    gender = person.gender or None
    if person.role == OrderPerson.Role.CONTROL:
        return ""
    position = lower_first(person.position)
    who = person_phrase(position, person.name, DATIVE, gender)
    duty = person.duty.strip()
    if not duty:
        return f"Поручить {who} обеспечить выполнение мероприятий «дорожных карт»."
    if duty.lower().startswith("за "):
        # «назначить (кого?) … ответственным за …» governs the accusative, not the dative
        whom = person_phrase(position, person.name, ACCUSATIVE, gender)
        return full_stop(f"Назначить {whom} ответственным {duty}")
    # «Консультанту Департамента образования Смирновой Л.В. провести мониторинг …» (seed 002)
    return full_stop(f"{who[:1].upper()}{who[1:]} {duty}")


def order_items(order: Order) -> list[OrderItemText]:
    items: list[OrderItemText] = []
    links = list(order.approved.select_related("roadmap__owner__municipality").order_by("appendix_number"))
    for link in links:
        items.append(OrderItemText(number="", text=_approve_item(link, order.place_phrase)))
    for item in order.items.order_by("position", "pk"):
        lines = [line.strip() for line in item.text.splitlines() if line.strip()]
        if not lines:
            continue
        head = [line for line in lines if not line.startswith(("- ", "– ", "— "))]
        subs = [line[2:].strip() for line in lines if line.startswith(("- ", "– ", "— "))]
        items.append(OrderItemText(number="", text=" ".join(head), subitems=subs))
    persons = list(order.persons.all())
    for person in persons:
        if person.role == OrderPerson.Role.RESPONSIBLE:
            items.append(OrderItemText(number="", text=person_sentence(person)))
    controllers = [p for p in persons if p.role == OrderPerson.Role.CONTROL]
    if controllers:
        names = ", ".join(
            person_phrase(lower_first(p.position), p.name, INSTRUMENTAL, p.gender or None) for p in controllers
        )
        # «… оставить за начальником управления Разуваевой Т.В.» — the initial's stop ends the sentence
        items.append(OrderItemText(number="", text=full_stop(f"{order.control_text.strip()} {names}")))
    for index, item in enumerate(items, start=1):
        item.number = f"{index}."
        item.subitems = [f"{index}.{s_index}. {text}" for s_index, text in enumerate(item.subitems, start=1)]
    return items


# --------------------------------------------------------------------------------------------
# Execution report
# --------------------------------------------------------------------------------------------

# The summary's columns: every state of roadmaps.execution.state, in its order, after the total.
SUMMARY_COLUMNS = [("total", "Всего исполнений"), *((state, STATE_LABELS[state]) for state in STATE_ORDER)]


@dataclass
class ExecutionLine:
    organization: str
    occurrence: int
    due_date: date | None
    state: str
    state_label: str
    overdue: bool
    evidence: list[dict]


@dataclass
class ExecutionMeasure:
    number: str
    description: str
    deadline: str
    lines: list[ExecutionLine]


@dataclass
class ExecutionReport:
    roadmap: Roadmap
    title: str
    date_from: date
    date_to: date
    as_of: date
    measures: list[ExecutionMeasure]
    summary: list[dict]
    totals: dict


def execution_report(roadmap: Roadmap, *, date_from: date, date_to: date, as_of: date, user) -> ExecutionReport:
    """Every measure with its occurrences due within [date_from, date_to] (or undated), per
    organisation, each in its state on `as_of` (roadmaps.execution.state: the dashboards' rule). The report
    is about one roadmap and counts its occurrences whatever the roadmap's status, as far as `user`
    sees them."""
    assignments = Assignment.objects.for_user(user)
    assignments = (
        for_roadmap(assignments, roadmap.pk)
        .exclude(due_date__lt=date_from)
        .exclude(due_date__gt=date_to)
        .select_related("organization")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("kind").order_by("date", "pk")))
        .order_by("organization__short_name", "occurrence", "pk")
    )
    by_measure: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_measure.setdefault(assignment.measure_id, []).append(assignment)
    document = roadmap_document(roadmap)
    measures: list[ExecutionMeasure] = []
    summary: dict[str, dict] = {}
    for row in document.measure_rows:
        lines = []
        for a in by_measure.get(row.measure_id, []):
            state = state_of(a.status, a.due_date, as_of)
            lines.append(
                ExecutionLine(
                    organization=a.organization.short_name,
                    occurrence=a.occurrence,
                    due_date=a.due_date,
                    state=state,
                    state_label=STATE_LABELS[state],
                    overdue=state == State.OVERDUE,
                    evidence=[
                        {
                            "kind": e.kind.title,
                            "title": e.title,
                            "number": e.number,
                            "date": format_date(e.date),
                            "link": e.link,
                        }
                        for e in a.evidence.all()
                    ],
                )
            )
            counts = summary.setdefault(
                a.organization.short_name,
                {"organization": a.organization.short_name, **{key: 0 for key, _ in SUMMARY_COLUMNS}},
            )
            counts["total"] += 1
            counts[state] += 1
        measures.append(
            ExecutionMeasure(
                number=row.number, description=row.cells["description"], deadline=row.cells["deadline"], lines=lines
            )
        )
    rows = sorted(summary.values(), key=lambda r: r["organization"])
    totals = {key: sum(r[key] for r in rows) for key, _ in SUMMARY_COLUMNS}
    for r in [*rows, totals]:
        r["percent"] = round(100 * r["accepted"] / r["total"]) if r["total"] else 0
        r["cells"] = [r[key] for key, _ in SUMMARY_COLUMNS]
    return ExecutionReport(
        roadmap=roadmap,
        title=document.title,
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
        measures=measures,
        summary=rows,
        totals=totals,
    )


def orders_filtered(user, params) -> tuple[OrderFilter, QuerySet]:
    """The order list as filtered by `params`: the page shows it, the home counts it."""
    queryset = (
        Order.objects.for_user(user)
        .select_related("organization")
        .annotate(appendix_count=Count("approved"))
        .order_by("-date", "-pk")
    )
    filterset = OrderFilter(params or None, queryset=queryset, user=user)
    return filterset, (filterset.qs if filterset.is_bound and filterset.is_valid() else queryset)
