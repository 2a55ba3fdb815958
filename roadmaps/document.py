"""A roadmap as it reads on paper: its title, stamp and printed columns around the rows of its
table (`roadmaps.table`, which numbers the measures and fills their cells for the page too).

Shared by the PDF (reports) and the Excel export and import (roadmaps.xlsx), so that the three
always agree on what a printed plan contains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from roadmaps.models import Order, Roadmap
from roadmaps.russian_names import GENITIVE, decline_position, lower_first
from roadmaps.table import RoadmapTable, roadmap_table

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
# A regional roadmap prints the line at three levels side by side (seed 003), whether or not a
# level is filled in: its description is the regional level, and the two levels below follow it.
LEVEL_COLUMNS = [
    ("number", "№ п/п"),
    ("description", "Региональный уровень"),
    ("municipal", "Муниципальный уровень"),
    ("school", "Уровень ОО"),
]


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


def roadmap_document(
    roadmap: Roadmap, *, appendix_number=None, order: Order | None = None, table: RoadmapTable | None = None
) -> RoadmapDocument:
    """The printed plan: the rows and numbers of the roadmap's table, with its title and stamp."""
    table = table or roadmap_table(roadmap)
    rows: list[Row] = []
    for block in table:
        rows += [Row(kind=kind, text=text) for kind, text in block.lines]
        rows += [Row(kind="measure", number=r.number, cells=r.cells, measure_id=r.measure_id) for r in block.rows]
    used = {key for row in rows if row.kind == "measure" for key, value in row.cells.items() if value}
    columns = [(key, title) for key, title in COLUMNS if key in ALWAYS_SHOWN or key in used]
    if table.levels:
        columns = LEVEL_COLUMNS + [(key, title) for key, title in columns if key not in ALWAYS_SHOWN]
    stamp, lines = stamp_lines(roadmap, appendix_number=appendix_number, order=order)
    return RoadmapDocument(
        roadmap=roadmap, title=roadmap_title(roadmap), stamp=stamp, stamp_lines=lines, columns=columns, rows=rows
    )
