"""Reads of the reports app: the printed shape of a roadmap, an order and an execution report,
built once from the database and then rendered to HTML/PDF or XLSX by the same code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from roadmaps.models import (
    Assignment,
    Evidence,
    Measure,
    MeasureExecutor,
    Order,
    OrderPerson,
    Roadmap,
    Section,
)
from roadmaps.russian_names import (
    ACCUSATIVE,
    DATIVE,
    GENITIVE,
    INSTRUMENTAL,
    decline_position,
    lower_first,
    person_phrase,
)

# The roadmap's printed columns, in the order of the documents (seed 000, seed 002).
COLUMNS = [
    ("number", "№ п/п"),
    ("description", "Наименование мероприятия / Описание"),
    ("deadline", "Сроки"),
    ("executors", "Ответственные исполнители"),
    ("actions", "Перечень действий"),
    ("result", "Ожидаемый результат"),
    ("note", "Примечание"),
]
ALWAYS_SHOWN = {"number", "description"}
TARGET_PREFIX = "Показатель: "
EVIDENCE_PREFIX = "Подтверждающие документы: "
LEAD_MARK = " (отв.)"
TRACK_PREFIX = "Трек: "
FUNCTION_PREFIX = "Функция: "


def roadmap_for_user_or_404(user, pk: int) -> Roadmap:
    return get_object_or_404(Roadmap.objects.for_user(user).select_related("owner__municipality"), pk=pk)


def order_for_user_or_404(user, pk: int) -> Order:
    return get_object_or_404(Order.objects.for_user(user).select_related("organization__municipality"), pk=pk)


@dataclass
class Row:
    kind: str  # "section" | "subsection" | "measure"
    number: str = ""
    text: str = ""  # section rows
    cells: dict[str, str] = field(default_factory=dict)  # measure rows: column key → plain text
    measure_id: int | None = None


@dataclass
class RoadmapDocument:
    roadmap: Roadmap
    title: str
    stamp: str  # "approval" | "appendix"
    stamp_lines: list[str]
    columns: list[tuple[str, str]]
    rows: list[Row]

    @property
    def measure_rows(self) -> list[Row]:
        return [row for row in self.rows if row.kind == "measure"]


def format_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def roadmap_title(roadmap: Roadmap) -> str:
    """«План мероприятий («дорожная карта» 1.1) по развитию … на 2021/2022 учебный год»."""
    title = " ".join(roadmap.title.split())
    if not title.lower().startswith("план"):
        code = f" {roadmap.code.rstrip('.')}" if roadmap.code else ""
        title = f"План мероприятий («дорожная карта»{code}) {title}"
    period = roadmap.period_label
    if period and period.split(" ")[0] not in title:
        title = f"{title} на {period}"
    return title


def organisation_genitive(organization) -> str:
    """«Управление образования администрации …» → «управления образования администрации …»."""
    return lower_first(decline_position(organization.full_name or organization.short_name, GENITIVE))


def stamp_lines(roadmap: Roadmap, *, appendix_number=None, order: Order | None = None) -> tuple[str, list[str]]:
    if order is not None or roadmap.stamp == Roadmap.Stamp.APPENDIX:
        number = appendix_number if appendix_number is not None else roadmap.appendix_number
        organisation = order.organization if order is not None else roadmap.owner
        order_date = order.date if order is not None else roadmap.order_date
        order_number = order.number if order is not None else roadmap.order_number
        head = f"Приложение {number}".strip() if number else "Приложение"
        return "appendix", [
            head,
            f"к приказу {organisation_genitive(organisation)}",
            f"от {format_date(order_date) or '__.__.____'} № {order_number or '____'}",
        ]
    approved_on = roadmap.order_date or (roadmap.approved_at.date() if roadmap.approved_at else None)
    return "approval", [
        "«УТВЕРЖДАЮ»",
        *[line for line in roadmap.approver_position.splitlines() if line.strip()],
        f"__________ {roadmap.approver_name}".rstrip(),
        format_date(approved_on) or "«____» ____________ 20___ г.",
    ]


def _action_text(action) -> str:
    if isinstance(action, dict):
        return str(action.get("text") or action.get("title") or "")
    return str(action)


def executor_line(executor: MeasureExecutor, mark_lead: bool) -> str:
    who = str(executor.organization or executor.executor_kind or "")
    line = f"{who} {executor.qualifier}".strip()
    return line + LEAD_MARK if mark_lead and executor.is_lead else line


def measure_cells(measure: Measure) -> dict[str, str]:
    executors = list(measure.executors.all())
    leads = [e for e in executors if e.is_lead]
    mark_lead = 0 < len(leads) < len(executors)
    result = [measure.expected_result.strip()] if measure.expected_result.strip() else []
    if measure.target_text:
        result.append(TARGET_PREFIX + measure.target_text)
    kinds = [kind.title for kind in measure.evidence_kinds.all()]
    if kinds:
        result.append(EVIDENCE_PREFIX + "; ".join(kinds))
    return {
        "description": measure.description.strip(),
        "deadline": measure.deadline_text.strip(),
        "executors": "\n".join(executor_line(e, mark_lead) for e in executors),
        "actions": "\n".join(f"- {text}" for text in map(_action_text, measure.actions or []) if text.strip()),
        "result": "\n".join(result),
        "note": measure.note.strip(),
    }


def section_lines(section: Section, index: int) -> list[tuple[str, str]]:
    """[(kind, text)] — the section row and, for a catalogue direction, its tracks and function."""
    if section.kind == Section.Kind.DIRECTION and section.direction_id:
        lines = [("section", str(section.direction))]
        lines += [("subsection", TRACK_PREFIX + track.title) for track in section.tracks.all()]
        if section.function_type_id:
            lines.append(("subsection", FUNCTION_PREFIX + section.function_type.title))
        if section.heading:
            lines.append(("subsection", section.heading))
        return lines
    number = section.number or str(index)
    return [("section", f"{number.rstrip('.')}. {section.heading}".strip())]


def display_number(number: str) -> str:
    number = number.strip()
    return number if not number or number.endswith(".") else number + "."


def roadmap_sections(roadmap: Roadmap):
    measures = Measure.objects.order_by("order", "pk").prefetch_related(
        Prefetch(
            "executors",
            queryset=MeasureExecutor.objects.select_related("organization", "executor_kind").order_by("order", "pk"),
        ),
        "evidence_kinds",
    )
    return (
        roadmap.sections.order_by("order", "pk")
        .select_related("direction", "function_type")
        .prefetch_related("tracks", Prefetch("measures", queryset=measures))
    )


def roadmap_document(roadmap: Roadmap, *, appendix_number=None, order: Order | None = None) -> RoadmapDocument:
    rows: list[Row] = []
    for s_index, section in enumerate(roadmap_sections(roadmap), start=1):
        for kind, text in section_lines(section, s_index):
            rows.append(Row(kind=kind, text=text))
        section_number = (section.number or str(s_index)).rstrip(".")
        for m_index, measure in enumerate(section.measures.all(), start=1):
            number = measure.number or f"{section_number}.{m_index}"
            rows.append(
                Row(kind="measure", number=display_number(number), cells=measure_cells(measure), measure_id=measure.pk)
            )
    used = {key for row in rows if row.kind == "measure" for key, value in row.cells.items() if value}
    columns = [(key, title) for key, title in COLUMNS if key in ALWAYS_SHOWN or key in used]
    stamp, lines = stamp_lines(roadmap, appendix_number=appendix_number, order=order)
    return RoadmapDocument(
        roadmap=roadmap, title=roadmap_title(roadmap), stamp=stamp, stamp_lines=lines, columns=columns, rows=rows
    )


# --------------------------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------------------------


@dataclass
class OrderItemText:
    number: str
    text: str
    subitems: list[str] = field(default_factory=list)


def _approve_item(link, place_phrase: str) -> str:
    roadmap = link.roadmap
    code = f" {roadmap.code.rstrip('.')}" if roadmap.code else ""
    title = " ".join(roadmap.title.split())
    if title.lower().startswith("план мероприятий"):
        title = title[len("план мероприятий") :].strip()
        title = title.split(")", 1)[1].strip() if title.startswith("(") and ")" in title else title
    place = f" {place_phrase.strip()}" if place_phrase.strip() else ""
    if place and title.startswith("по "):
        # «по развитию в Сарове муниципальной системы …» — the seed puts the place after the first words
        head, _, rest = title.partition(" ")
        second, _, rest = rest.partition(" ")
        title = f"{head} {second}{place} {rest}".strip()
    elif place:
        title = f"{title}{place}"
    period = roadmap.period_label
    return (
        f"Утвердить план мероприятий («дорожную карту»{code}) {title} на {period} "
        f"(приложение {link.appendix_number} к настоящему приказу)."
    )


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
        return f"Назначить {whom} ответственным {duty.rstrip('.')}."
    # «Консультанту Департамента образования Смирновой Л.В. провести мониторинг …» (seed 002)
    return f"{who[:1].upper()}{who[1:]} {duty.rstrip('.')}."


def order_items(order: Order) -> list[OrderItemText]:
    items: list[OrderItemText] = []
    links = list(order.approved.select_related("roadmap").order_by("appendix_number"))
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
        items.append(OrderItemText(number="", text=f"{order.control_text.strip()} {names}."))
    for index, item in enumerate(items, start=1):
        item.number = f"{index}."
        item.subitems = [f"{index}.{s_index}. {text}" for s_index, text in enumerate(item.subitems, start=1)]
    return items


# --------------------------------------------------------------------------------------------
# Execution report
# --------------------------------------------------------------------------------------------

DONE_STATUSES = {Assignment.Status.ACCEPTED}
WAITING_STATUSES = {Assignment.Status.SUBMITTED}


@dataclass
class ExecutionLine:
    organization: str
    occurrence: int
    due_date: date | None
    status: str
    status_label: str
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


def is_overdue(assignment: Assignment, as_of: date) -> bool:
    if assignment.status == Assignment.Status.OVERDUE:
        return True
    if assignment.status in DONE_STATUSES | WAITING_STATUSES:
        return False
    return bool(assignment.due_date and assignment.due_date < as_of)


def execution_report(roadmap: Roadmap, *, date_from: date, date_to: date, as_of: date, user=None) -> ExecutionReport:
    """Every measure with its occurrences due within [date_from, date_to] (or undated), per organisation."""
    assignments = Assignment.objects.all() if user is None else Assignment.objects.for_user(user)
    assignments = (
        assignments.filter(measure__section__roadmap=roadmap)
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
            overdue = is_overdue(a, as_of)
            lines.append(
                ExecutionLine(
                    organization=a.organization.short_name,
                    occurrence=a.occurrence,
                    due_date=a.due_date,
                    status=a.status,
                    status_label="Просрочено" if overdue and a.status != a.Status.OVERDUE else a.get_status_display(),
                    overdue=overdue,
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
                {
                    "organization": a.organization.short_name,
                    "total": 0,
                    "accepted": 0,
                    "submitted": 0,
                    "overdue": 0,
                    "in_work": 0,
                },
            )
            counts["total"] += 1
            if a.status in DONE_STATUSES:
                counts["accepted"] += 1
            elif a.status in WAITING_STATUSES:
                counts["submitted"] += 1
            elif overdue:
                counts["overdue"] += 1
            else:
                counts["in_work"] += 1
        measures.append(
            ExecutionMeasure(
                number=row.number, description=row.cells["description"], deadline=row.cells["deadline"], lines=lines
            )
        )
    rows = sorted(summary.values(), key=lambda r: r["organization"])
    totals = {key: sum(r[key] for r in rows) for key in ("total", "accepted", "submitted", "overdue", "in_work")}
    for r in [*rows, totals]:
        r["percent"] = round(100 * r["accepted"] / r["total"]) if r["total"] else 0
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
