"""A roadmap as its table: the sections in order, each measure's row, its one number and its cells.

Every place that shows a measure reads it from here: the roadmap page and the editor's row
refresh, the PDF, the Excel export and the execution report (through `roadmaps.document`), the
execution pages and the notifications. Numbering is decided here and nowhere else:

- a heading section («Заголовок») is numbered 1, 2, … among the headings; a number typed in the
  section's «номер» or at the start of its heading («1.2. Мероприятия …») is kept, and the next
  unnumbered heading continues from its first part;
- a measure under a heading is «<heading number>.<position>.» — «1.1.», «1.2.» under «1.»
  (seed 002), «1.2.1.» under «1.2.»;
- a measure in a catalogue direction is numbered by its position in the direction — «1.», «2.»
  (seed 000 numbers each track's steps from one);
- a number typed for the measure always wins.

Every number is shown as printed, ending with a dot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from config.lib.russian import plural
from roadmaps.attainment import (
    ATTAINED,
    NO_DATA,
    SOURCE_ACCEPTED,
    SOURCE_ENTERED,
    Attainment,
    measures_attainment,
    year_label,
)
from roadmaps.deadlines import ParsedDeadline
from roadmaps.models import Assignment, EvidenceKind, Measure, MeasureExecutor, Roadmap, Section

TARGET_PREFIX = "Показатель: "
# What was achieved against the target, year by year (roadmaps.attainment): an approved plan only.
ATTAINMENT_PREFIX = "Достижение показателя: "
EVIDENCE_PREFIX = "Подтверждающие документы: "
# The page marks every lead executor «(ответственный)»; the print says the same.
LEAD_MARK = " (ответственный)"
TRACK_PREFIX = "Трек: "
FUNCTION_PREFIX = "Функция: "

# «1. Мероприятия …», «1.2. Мероприятия …», «1.2 Мероприятия …» — a number typed into a heading.
# At most three digits a part, so that «2023. Итоги» or «2023 год» is not taken for a number.
_TYPED_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})+)\.?\s+(?=\S)|^\s*(\d{1,3})\.\s+(?=\S)")


def printed(number: str) -> str:
    """«1.1» → «1.1.»: the form of every number in the table."""
    number = number.strip()
    return number if not number or number.endswith(".") else number + "."


def split_typed_number(heading: str) -> tuple[str, str]:
    """«1.2. Мероприятия с педагогами» → («1.2», «Мероприятия с педагогами»); no number → («», heading)."""
    match = _TYPED_NUMBER.match(heading or "")
    if not match:
        return "", (heading or "").strip()
    return (match.group(1) or match.group(2)), heading[match.end() :].strip()


# --- the numbering rule -----------------------------------------------------------------------


@dataclass
class _Heading:
    number: str  # without the final dot: «1», «1.2», «1.1» (a direction's code)
    title: str


def _number_sections(sections: Iterable) -> list[_Heading]:
    """The number and title of each section, in order. `sections` need `kind`, `number`,
    `heading` and, for a direction, `direction_code`, `direction_title`, `direction_is_federal`."""
    numbered: list[_Heading] = []
    counter = 0
    for section in sections:
        own = section.number.strip().rstrip(".")
        if section.kind == Section.Kind.HEADING:
            typed, rest = split_typed_number(section.heading)
            number = own or typed
            title = rest if typed and typed == number else section.heading.strip()
            if number:
                first = number.split(".")[0]
                counter = int(first) if first.isdigit() else counter + 1
            else:
                counter += 1
                number = str(counter)
        else:
            code = section.direction_code.rstrip(".") if section.direction_is_federal else ""
            number, title = own or code, section.direction_title
        numbered.append(_Heading(number=number, title=title))
    return numbered


def _label(number: str, title: str) -> str:
    return f"{printed(number)} {title}".strip()


def _measure_number(section_kind: str, section_number: str, position: int, own: str) -> str:
    if own.strip():
        return printed(own)
    if section_kind == Section.Kind.HEADING:
        return printed(f"{section_number}.{position}")
    return printed(str(position))


def automatic_numbers(sections: list) -> list[list[str]]:
    """The numbers the table gives by position to each section's measures, for sections not yet
    saved (an imported workbook's): objects with `kind`, `number`, `heading`, `direction` and a
    list `measures`."""
    headings = _number_sections(_Facts(section) for section in sections)
    return [
        [
            _measure_number(section.kind, heading.number, position, "")
            for position in range(1, len(section.measures) + 1)
        ]
        for section, heading in zip(sections, headings, strict=True)
    ]


# --- light numbers for lists (execution pages, notifications, copies) -------------------------


@dataclass
class _SectionFacts:
    pk: int
    kind: str
    number: str
    heading: str
    direction_code: str
    direction_title: str
    direction_is_federal: bool


def _sections_of(roadmaps: Q) -> dict[int, list[_SectionFacts]]:
    rows = (
        Section.objects.filter(roadmaps)
        .order_by("roadmap_id", "order", "pk")
        .values_list(
            "pk",
            "roadmap_id",
            "kind",
            "number",
            "heading",
            "direction__code",
            "direction__title",
            "direction__is_federal",
        )
    )
    by_roadmap: dict[int, list[_SectionFacts]] = {}
    for pk, roadmap_id, kind, number, heading, code, title, federal in rows:
        by_roadmap.setdefault(roadmap_id, []).append(
            _SectionFacts(pk, kind, number, heading, code or "", title or "", bool(federal))
        )
    return by_roadmap


def section_labels(roadmap: Roadmap) -> dict[int, str]:
    """{section pk: «2. Работа с родителями»} in the table's order, in one query."""
    facts = _sections_of(Q(roadmap_id=roadmap.pk)).get(roadmap.pk, [])
    return {
        section.pk: _label(heading.number, heading.title)
        for section, heading in zip(facts, _number_sections(facts), strict=True)
    }


def measure_numbers(*, roadmap_ids: Iterable[int] = (), section_ids: Iterable[int] = ()) -> dict[int, str]:
    """{measure pk: number} for every measure of the roadmaps (given directly or by one of their
    sections), in two queries however many roadmaps."""
    roadmaps = Q(roadmap_id__in=list(roadmap_ids))
    section_ids = list(section_ids)
    if section_ids:
        roadmaps |= Q(roadmap_id__in=Section.objects.filter(pk__in=section_ids).values("roadmap_id"))
    by_roadmap = _sections_of(roadmaps)
    own: dict[int, list[tuple[int, str]]] = {}
    measures = Measure.objects.filter(section__in=Section.objects.filter(roadmaps)).order_by(
        "section_id", "order", "pk"
    )
    for pk, section_id, number in measures.values_list("pk", "section_id", "number"):
        own.setdefault(section_id, []).append((pk, number))
    numbers: dict[int, str] = {}
    for facts in by_roadmap.values():
        for section, heading in zip(facts, _number_sections(facts), strict=True):
            for position, (pk, number) in enumerate(own.get(section.pk, []), start=1):
                numbers[pk] = _measure_number(section.kind, heading.number, position, number)
    return numbers


def number_measures(measures: Iterable[Measure]) -> None:
    """Fill `table_number` of each measure (a list page's rows) with two queries for all of them:
    the number its roadmap's table shows («1.1.»), whether typed or given by position."""
    measures = [m for m in measures if m is not None]
    if not measures:
        return
    numbers = measure_numbers(section_ids={m.section_id for m in measures})
    for measure in measures:
        measure.table_number = numbers.get(measure.pk, printed(measure.number))


def measure_number(measure: Measure) -> str:
    """One measure's number as its roadmap's table shows it (a letter, a page of one measure)."""
    number_measures([measure])
    return measure.table_number


# --- the full table (page, editor, print) ------------------------------------------------------


def deadline_summary(data: dict) -> str:
    if not data or not data.get("kind"):
        return ""
    try:
        return ParsedDeadline.from_json(data).summary()
    except (KeyError, ValueError, TypeError):
        return "разбор сроков повреждён — задайте даты заново"


def decimal_text(value) -> str:
    """100.000 → «100», 0.500 → «0,5» (never «1E+2»): a Russian decimal comma, as people type it."""
    return format(value.normalize(), "f").replace(".", ",")


def target_line(measure: Measure) -> str:
    """The measure's target as the page and the print show it: the typed text, or the comparison
    built from its parts, with the values by year."""
    if not measure.target_text and measure.target_value is None:
        return ""
    text = measure.target_text or " ".join(
        part
        for part in (measure.get_target_comparator_display(), decimal_text(measure.target_value), measure.target_unit)
        if part
    )
    # stored with a point («0.337», roadmaps.forms.parse_per_year), shown as typed: «0,337»
    per_year = "; ".join(
        f"{year} — {str(value).replace('.', ',')}" for year, value in (measure.target_per_year or {}).items()
    )
    return f"{text} (по годам: {per_year})" if per_year else text


def _amount(value, unit: str) -> str:
    """«7 %», «0,5 тыс. чел.»; a unit typed as a word in the target's case («мероприятий») goes in
    brackets, since after the achieved number it would not agree with it («1 мероприятий»)."""
    unit = unit.strip()
    if not unit:
        return decimal_text(value)
    if unit[0].isalpha() and not unit.endswith("."):
        return f"{decimal_text(value)} ({unit})"
    return f"{decimal_text(value)} {unit}"


def attainment_text(item: Attainment, *, roadmap: Roadmap, unit: str) -> str:
    """«2025/2026 — 7 %: достигнуто», «2026 — документ принят: достигнуто», «2026 — нет данных»: one
    year of a target as the page, the print and the analysis show it."""
    label = year_label(roadmap, item.year)
    if item.verdict == NO_DATA or item.achieved is None:
        return f"{label} — {NO_DATA}"
    if item.comparator == Measure.Comparator.PRESENT:
        what = "документ принят" if item.verdict == ATTAINED else "документ не принят"
    elif item.source == SOURCE_ACCEPTED:
        what = f"принято исполнений: {decimal_text(item.achieved)}"
        if item.organizations > 1:
            what += f" (наименьшее из {item.organizations} {_organisations_genitive(item.organizations)})"
    elif item.source == SOURCE_ENTERED and item.organizations > 1 and item.lowest != item.highest:
        what = f"от {decimal_text(item.lowest)} до {_amount(item.highest, unit)}"
        what += f", организаций: {item.organizations}"
    else:
        what = _amount(item.achieved, unit)
    return f"{label} — {what}: {item.verdict}"


def _organisations_genitive(count: int) -> str:
    return plural(count, "организации", "организаций", "организаций")


def attainment_line(attainments: list[Attainment], *, roadmap: Roadmap, unit: str) -> str:
    return "; ".join(attainment_text(item, roadmap=roadmap, unit=unit) for item in attainments)


def executor_name(executor: MeasureExecutor) -> str:
    """«ЦОКО совместно с ДМиС»: the organisation (or the kind of executor) and the qualifier."""
    if executor.organization_id:
        who = executor.organization.short_name
    elif executor.executor_kind_id:
        who = executor.executor_kind.title
    else:
        who = ""
    return f"{who} {executor.qualifier}".strip()


def _action_text(action) -> str:
    if isinstance(action, dict):
        return str(action.get("text") or action.get("title") or "")
    return str(action)


@dataclass
class MeasureRow:
    measure: Measure
    number: str
    summary: str = ""
    executors: list[MeasureExecutor] = field(default_factory=list)
    evidence_kinds: list[EvidenceKind] = field(default_factory=list)
    # A regional roadmap's row shows the line at three levels (seed 003): the description is the
    # regional level, then the municipal and the school level.
    levels: bool = False
    attainments: list[Attainment] = field(default_factory=list)
    kind: ClassVar[str] = "measure"

    @property
    def measure_id(self) -> int:
        return self.measure.pk

    @property
    def target(self) -> str:
        return target_line(self.measure)

    @property
    def attainment(self) -> str:
        if not self.attainments:
            return ""
        return attainment_line(self.attainments, roadmap=self.measure.section.roadmap, unit=self.measure.target_unit)

    @cached_property
    def cells(self) -> dict[str, str]:
        """The printed cells (PDF, Excel, execution report), plain text, column key → text."""
        m = self.measure
        result = [m.expected_result.strip()] if m.expected_result.strip() else []
        if self.target:
            result.append(TARGET_PREFIX + self.target)
        if self.attainment:
            result.append(ATTAINMENT_PREFIX + self.attainment)
        if self.evidence_kinds:
            result.append(EVIDENCE_PREFIX + "; ".join(kind.title for kind in self.evidence_kinds))
        return {
            "description": m.description.strip(),
            "municipal": m.municipal_text.strip(),
            "school": m.school_text.strip(),
            "deadline": m.deadline_text.strip(),
            "executors": "\n".join(executor_name(e) + (LEAD_MARK if e.is_lead else "") for e in self.executors),
            "actions": "\n".join(f"- {text}" for text in map(_action_text, m.actions or []) if text.strip()),
            "result": "\n".join(result),
            "note": m.note.strip(),
        }


@dataclass
class SectionBlock:
    section: Section
    number: str  # without the final dot; «» for a regional direction without a code
    title: str
    rows: list[MeasureRow]

    @property
    def label(self) -> str:
        """The section's row: «1. Мероприятия с педагогами», «1.1. Система оценки …»."""
        return _label(self.number, self.title)

    @property
    def lines(self) -> list[tuple[str, str]]:
        """[(kind, text)] of the printed section rows: the section, and a direction's tracks,
        function and heading below it."""
        section = self.section
        lines = [("section", self.label)]
        if section.kind == Section.Kind.DIRECTION:
            lines += [("subsection", TRACK_PREFIX + track.title) for track in section.tracks.all()]
            if section.function_type_id:
                lines.append(("subsection", FUNCTION_PREFIX + section.function_type.title))
            if section.heading.strip():
                lines.append(("subsection", section.heading.strip()))
        return lines


@dataclass
class RoadmapTable:
    roadmap: Roadmap
    blocks: list[SectionBlock]

    def __iter__(self):
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)

    def __bool__(self) -> bool:
        return bool(self.blocks)

    @property
    def rows(self) -> list[MeasureRow]:
        return [row for block in self.blocks for row in block.rows]

    def numbers(self) -> dict[int, str]:
        return {row.measure.pk: row.number for row in self.rows}

    @property
    def levels(self) -> bool:
        """The table of a regional roadmap: three level columns (seed 003)."""
        return has_levels(self.roadmap)


def has_levels(roadmap: Roadmap) -> bool:
    return roadmap.level == Roadmap.Level.REGIONAL


def assigned_count() -> Coalesce:
    """How many organisations a measure is assigned to. A correlated count over the unique
    (measure, organisation, occurrence) index, not a JOIN + GROUP BY of the wide measure rows:
    a region's plan has 200k occurrences, and the grouped join cost 80 ms of a 130 ms page."""
    per_measure = (
        Assignment.objects.filter(measure=OuterRef("pk"))
        .order_by()
        .values("measure")
        .annotate(n=Count("organization", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(per_measure), 0)


def _measures() -> QuerySet:
    return (
        Measure.objects.select_related("stage")
        .prefetch_related(
            Prefetch(
                "executors",
                queryset=MeasureExecutor.objects.select_related("organization", "executor_kind").order_by(
                    "order", "pk"
                ),
            ),
        )
        .annotate(assigned_count=assigned_count())
        .order_by("order", "pk")
    )


class _Facts:
    """A section (loaded, or parsed from a workbook) seen through the fields the numbering reads."""

    def __init__(self, section):
        self.kind, self.number, self.heading = section.kind, section.number, section.heading
        direction = section.direction
        self.direction_code = direction.code if direction else ""
        self.direction_title = direction.title if direction else ""
        self.direction_is_federal = bool(direction and direction.is_federal)


def roadmap_table(roadmap: Roadmap) -> RoadmapTable:
    """Sections and measures as the table, numbered, in a constant number of queries."""
    return RoadmapTable(roadmap=roadmap, blocks=_blocks(roadmap))


def section_block(section: Section) -> SectionBlock:
    """One section of its roadmap's table, numbered as the whole table numbers it: the editor
    refreshes only the section a measure was moved, added to or deleted from. Every section is
    read for the numbering; only this one's measures are."""
    (block,) = (block for block in _blocks(section.roadmap, section_pk=section.pk) if block.section.pk == section.pk)
    return block


def _blocks(roadmap: Roadmap, *, section_pk: int | None = None) -> list[SectionBlock]:
    measures = _measures() if section_pk is None else _measures().filter(section_id=section_pk)
    sections = list(
        roadmap.sections.select_related("direction", "function_type")
        .prefetch_related("tracks", Prefetch("measures", queryset=measures))
        .order_by("order", "pk")
    )
    # Evidence kinds through the m2m rows and one catalogue read: cheaper than a prefetch that
    # builds a model instance per measure × kind.
    kinds = {k.pk: k for k in EvidenceKind.objects.all()}
    through = Measure.evidence_kinds.through.objects.filter(measure__section__roadmap=roadmap).order_by("pk")
    if section_pk is not None:
        through = through.filter(measure__section_id=section_pk)
    kinds_of: dict[int, list] = {}
    for measure_id, kind_id in through.values_list("measure_id", "evidencekind_id"):
        kinds_of.setdefault(measure_id, []).append(kinds[kind_id])
    for section in sections:
        section.roadmap = roadmap  # the rows read their roadmap (its years) without a query each
    attained = measures_attainment(m for section in sections for m in section.measures.all())
    blocks = []
    for section, heading in zip(sections, _number_sections(_Facts(s) for s in sections), strict=True):
        rows = [
            MeasureRow(
                measure=measure,
                number=_measure_number(section.kind, heading.number, position, measure.number),
                summary=deadline_summary(measure.deadline),
                executors=list(measure.executors.all()),
                evidence_kinds=sorted(kinds_of.get(measure.pk, []), key=lambda k: (k.order, k.code)),
                levels=has_levels(roadmap),
                attainments=attained.get(measure.pk, []),
            )
            for position, measure in enumerate(section.measures.all(), start=1)
        ]
        blocks.append(SectionBlock(section=section, number=heading.number, title=heading.title, rows=rows))
    return blocks


def table_row(measure: Measure) -> MeasureRow:
    """One measure's row for an htmx refresh (after an edit, or «Отмена»), numbered as in the table."""
    measure = (
        _measures().select_related("section__roadmap__owner").prefetch_related("evidence_kinds").get(pk=measure.pk)
    )
    return MeasureRow(
        levels=has_levels(measure.section.roadmap),
        attainments=measures_attainment([measure]).get(measure.pk, []),
        measure=measure,
        number=measure_numbers(section_ids=[measure.section_id])[measure.pk],
        summary=deadline_summary(measure.deadline),
        executors=list(measure.executors.all()),
        evidence_kinds=sorted(measure.evidence_kinds.all(), key=lambda k: (k.order, k.code)),
    )
