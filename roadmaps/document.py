"""A roadmap as it reads on paper: its printed columns, section rows and measure cells.

Shared by the PDF (reports) and the Excel export and import (roadmaps.xlsx), so that the three
always agree on what a printed plan contains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from roadmaps.models import Measure, MeasureExecutor, Order, Roadmap, Section
from roadmaps.russian_names import GENITIVE, decline_position, lower_first

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
    """The stamp over the title. An approved roadmap reads it from its approving order (number, date,
    appendix); a draft printed as an appendix shows blanks to be filled in by hand."""
    if order is None and roadmap.approval_order_id and roadmap.stamp == Roadmap.Stamp.APPENDIX:
        order = roadmap.approval_order
        if appendix_number is None:
            link = order.approved.filter(roadmap=roadmap).first()
            appendix_number = link.appendix_number if link else None
    if order is not None or roadmap.stamp == Roadmap.Stamp.APPENDIX:
        number = appendix_number if appendix_number is not None else roadmap.appendix_number
        organisation = order.organization if order is not None else roadmap.owner
        order_date = order.date if order is not None else None
        order_number = order.number if order is not None else ""
        head = f"Приложение {number}".strip() if number else "Приложение"
        return "appendix", [
            head,
            f"к приказу {organisation_genitive(organisation)}",
            f"от {format_date(order_date) or '__.__.____'} № {order_number or '____'}",
        ]
    approved_on = roadmap.approval_order.date if roadmap.approval_order_id else None
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
