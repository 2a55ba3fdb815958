"""A roadmap as an Excel workbook in its printed layout, and back.

Export: sheet «Дорожная карта» looks like the printed plan (stamp, title, the table with the
columns the roadmap uses, section rows across the table) and sheet «Параметры» holds what the
printed page shows only in passing (code, period, approver, basis). Import reads such a workbook
(exported, then edited in Excel) into a DRAFT roadmap. The import promises what the results
import promises: every problem is reported with its sheet, row, column and value and a Russian
reason, and nothing is written when any problem is found.

Text that begins with =, +, - or @ is written as text (a string cell with the quote prefix),
never as a formula: a plan's dash list «- анализ результатов» must not become a formula, and a
cell «=HYPERLINK(…)» from a user must not run in the reader's Excel.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from config.lib.fragments import EXECUTION, ROADMAPS, writes
from config.lib.preconditions import require
from config.lib.untrusted import DEFAULT, FileRefused, open_table
from config.lib.xlsx import put_text
from roadmaps.document import COLUMNS, RoadmapDocument, format_date, roadmap_document
from roadmaps.models import (
    Direction,
    EvidenceKind,
    ExecutorKind,
    FunctionType,
    Roadmap,
    Section,
)
from roadmaps.preconditions import roadmap_catalogue
from roadmaps.services import MeasureSpec, measures_build
from roadmaps.table import (
    ATTAINMENT_PREFIX,
    EVIDENCE_PREFIX,
    LEAD_MARK,
    TARGET_PREFIX,
    automatic_numbers,
    printed,
)
from schools.models import Organization

SHEET_PLAN = "Дорожная карта"
SHEET_PARAMS = "Параметры"
MAX_ROWS = 5000  # a roadmap has hundreds of rows; more means a wrong file (or one bloated by formatting)
IMPORT_LIMITS = DEFAULT.but(max_bytes=25 << 20)
FONT = "Liberation Serif"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WIDTHS = {
    "number": 8,
    "description": 60,
    "municipal": 45,
    "school": 45,
    "deadline": 18,
    "executors": 28,
    "actions": 36,
    "result": 32,
    "note": 20,
}
HEADER_ALIASES = {
    "number": {"№ п/п", "№", "№ п.п.", "номер"},
    "description": {
        "наименование мероприятия / описание",
        "наименование мероприятия",
        "описание мероприятий",
        "описание мероприятия",
        "мероприятие",
        "региональный уровень",  # a regional roadmap's export (seed 003)
    },
    "deadline": {"сроки", "сроки реализации", "срок", "срок исполнения"},
    "executors": {"ответственные исполнители", "ответственный исполнитель", "исполнители"},
    "actions": {"перечень действий", "действия"},
    "result": {"ожидаемый результат", "результат"},
    "note": {"примечание", "примечания"},
}
PARAMS = [
    ("code", "Шифр"),
    ("title", "Наименование"),
    ("period_start", "Начало периода"),
    ("period_end", "Окончание периода"),
    ("period_kind", "Вид периода"),
    ("stamp", "Гриф"),
    ("appendix_number", "Номер приложения"),
    ("approver_position", "Утверждает: должность"),
    ("approver_name", "Утверждает: ФИО"),
    ("basis_title", "Основание: наименование документа"),
    ("basis_number", "Основание: номер"),
    ("basis_date", "Основание: дата"),
]
DATE_PARAMS = {"period_start", "period_end", "basis_date"}
# « (отв.)»: how workbooks exported before the print followed the page marked a lead executor.
LEAD_MARKS = (LEAD_MARK, " (отв.)")
LENGTHS = {"number": 20, "deadline": 500, "code": 20, "appendix_number": 20, "approver_position": 300}


# ------------------------------------------------------------------------------------------------
# Export
# ------------------------------------------------------------------------------------------------


def _param_values(roadmap: Roadmap) -> dict[str, str]:
    values = {key: getattr(roadmap, key) for key, _ in PARAMS}
    values["period_kind"] = roadmap.get_period_kind_display()
    values["stamp"] = roadmap.get_stamp_display()
    for key in DATE_PARAMS:
        values[key] = format_date(values[key])
    return {key: "" if value is None else str(value) for key, value in values.items()}


def roadmap_workbook(roadmap: Roadmap, document: RoadmapDocument | None = None) -> Workbook:
    doc = document or roadmap_document(roadmap)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_PLAN
    keys = [key for key, _ in doc.columns]
    width = len(keys)
    base = Font(name=FONT, size=11)
    bold = Font(name=FONT, size=11, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    # the stamp in the right-hand columns, as on paper
    stamp_col = max(1, width - 1)
    row = 1
    for line in doc.stamp_lines:
        cell = sheet.cell(row=row, column=stamp_col)
        put_text(cell, line)
        cell.font = bold if row == 1 else base
        if width > stamp_col:
            sheet.merge_cells(start_row=row, start_column=stamp_col, end_row=row, end_column=width)
        row += 1
    row += 1
    title = sheet.cell(row=row, column=1)
    put_text(title, doc.title)
    title.font = Font(name=FONT, size=13, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.row_dimensions[row].height = 36
    row += 2
    header_row = row
    for column, (key, label) in enumerate(doc.columns, start=1):
        cell = sheet.cell(row=row, column=column)
        put_text(cell, label)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[key]
    section_fill = PatternFill("solid", fgColor="F0F0F0")
    for item in doc.rows:
        row += 1
        if item.kind == "measure":
            values = [item.number] + [item.cells.get(key, "") for key in keys[1:]]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column)
                put_text(cell, value)
                cell.font = base
                cell.alignment = wrap
                cell.border = BORDER
        else:
            cell = sheet.cell(row=row, column=1)
            put_text(cell, item.text)
            cell.font = bold if item.kind == "section" else Font(name=FONT, size=11, italic=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            for column in range(1, width + 1):
                sheet.cell(row=row, column=column).border = BORDER
                if item.kind == "section":
                    sheet.cell(row=row, column=column).fill = section_fill
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)

    params = workbook.create_sheet(SHEET_PARAMS)
    params.column_dimensions["A"].width = 36
    params.column_dimensions["B"].width = 90
    put_text(params.cell(row=1, column=1), "Параметр")
    put_text(params.cell(row=1, column=2), "Значение")
    params.cell(row=1, column=1).font = params.cell(row=1, column=2).font = bold
    for index, (key, label) in enumerate(PARAMS, start=2):
        put_text(params.cell(row=index, column=1), label)
        value_cell = params.cell(row=index, column=2)
        put_text(value_cell, _param_values(roadmap)[key])
        value_cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook


def roadmap_xlsx_bytes(roadmap: Roadmap) -> bytes:
    buffer = io.BytesIO()
    roadmap_workbook(roadmap).save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------
# Import
# ------------------------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    sheet: str
    row: int | None
    column: str
    value: str
    reason: str
    container: str = "лист"  # what `sheet` names: a workbook's sheet, a Word document's table

    def __str__(self) -> str:
        if not self.sheet and not self.row:
            return self.reason  # the whole file (the opener's message names where)
        where = f"{self.container} «{self.sheet}»"
        if self.row:
            where += f", строка {self.row}"
        if self.column:
            where += f", столбец «{self.column}»"
        value = f", значение «{self.value[:80]}»" if self.value else ""
        return f"{where}{value}: {self.reason}"


class RoadmapImportError(Exception):
    """The workbook was rejected; `problems` lists every reason. Nothing was written."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


@dataclass
class ParsedMeasure:
    row: int
    number: str
    description: str
    deadline_text: str = ""
    executors: list[dict] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    expected_result: str = ""
    target_text: str = ""
    evidence_kinds: list[EvidenceKind] = field(default_factory=list)
    note: str = ""
    # A regional roadmap's texts for the municipal and school levels (seed 003; Word import).
    municipal_text: str = ""
    school_text: str = ""


@dataclass
class ParsedSection:
    row: int
    kind: str
    number: str = ""
    heading: str = ""
    direction: Direction | None = None
    tracks: list = field(default_factory=list)
    function_type: FunctionType | None = None
    measures: list[ParsedMeasure] = field(default_factory=list)


@dataclass
class ParsedRoadmap:
    params: dict
    sections: list[ParsedSection]

    @property
    def measure_count(self) -> int:
        return sum(len(s.measures) for s in self.sections)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Parser:
    def __init__(self, workbook, owner: Organization):
        self.workbook = workbook
        self.owner = owner
        self.problems: list[ImportProblem] = []

    def problem(self, sheet, row, column, value, reason):
        self.problems.append(ImportProblem(sheet, row, column, _text(value), reason))

    # --- parameters ---------------------------------------------------------------------------
    def params(self) -> dict:
        if SHEET_PARAMS not in self.workbook:
            self.problem(SHEET_PARAMS, None, "", "", "нет листа «Параметры» (шифр, наименование, период)")
            return {}
        labels = {label.lower(): key for key, label in PARAMS}
        raw: dict[str, tuple[int, object]] = {}
        for number, row in enumerate(self.workbook[SHEET_PARAMS], start=1):
            label = _text(row[0]).lower() if row and number > 1 else ""
            if not label:
                continue
            if label not in labels:
                self.problem(SHEET_PARAMS, number, "Параметр", label, "неизвестный параметр")
                continue
            raw[labels[label]] = (number, row[1] if len(row) > 1 else None)
        values: dict = {}
        for key, label in PARAMS:
            row_number, value = raw.get(key, (None, None))
            if key in DATE_PARAMS:
                try:
                    values[key] = _parse_date(value)
                except ValueError:
                    self.problem(SHEET_PARAMS, row_number, "Значение", value, f"«{label}»: дата в виде ДД.ММ.ГГГГ")
                    values[key] = None
            else:
                values[key] = _text(value)
            if key in LENGTHS and len(values[key] or "") > LENGTHS[key]:
                self.problem(SHEET_PARAMS, row_number, "Значение", value, f"«{label}»: не длиннее {LENGTHS[key]}")
        if not values.get("title"):
            self.problem(SHEET_PARAMS, raw.get("title", (None,))[0], "Значение", "", "не указано наименование")
        for key in ("period_start", "period_end"):
            if key in values and values[key] is None and not any(p.row == raw.get(key, (0,))[0] for p in self.problems):
                self.problem(SHEET_PARAMS, raw.get(key, (None,))[0], "Значение", "", f"не указано: {dict(PARAMS)[key]}")
        if values.get("period_start") and values.get("period_end") and values["period_start"] >= values["period_end"]:
            self.problem(
                SHEET_PARAMS,
                raw["period_end"][0],
                "Значение",
                raw["period_end"][1],
                "окончание периода должно быть позже начала",
            )
        values["period_kind"] = self._choice(
            Roadmap.PeriodKind, values.get("period_kind"), raw.get("period_kind", (None,))[0], "Вид периода"
        )
        values["stamp"] = self._choice(Roadmap.Stamp, values.get("stamp"), raw.get("stamp", (None,))[0], "Гриф")
        return values

    def _choice(self, choices, text, row_number, label):
        if not text:
            return choices.values[0]
        for value, display in choices.choices:
            if text.lower() in (value, display.lower()):
                return value
        allowed = ", ".join(f"«{d}»" for _, d in choices.choices)
        self.problem(SHEET_PARAMS, row_number, "Значение", text, f"«{label}»: допустимо {allowed}")
        return choices.values[0]

    # --- the plan -----------------------------------------------------------------------------
    def plan(self) -> list[ParsedSection]:
        if SHEET_PLAN not in self.workbook:
            self.problem(SHEET_PLAN, None, "", "", "нет листа «Дорожная карта»")
            return []
        sheet = self.workbook[SHEET_PLAN]
        header_row, columns = self._header(sheet)
        if header_row is None:
            return []
        labels = dict(COLUMNS)
        executors = self._executor_names()
        evidence = {k.title.lower(): k for k in EvidenceKind.objects.all()}
        sections: list[ParsedSection] = []
        for row_number, cells in enumerate(sheet[header_row:], start=header_row + 1):
            values = {key: _text(cells[index]) if index < len(cells) else "" for key, index in columns.items()}
            others = [_text(c) for i, c in enumerate(cells) if i not in columns.values()]
            if not any(values.values()) and not any(others):
                continue
            first = values.get("number", "")
            rest = [v for k, v in values.items() if k != "number"]
            if first and not any(rest):
                self._section_row(sections, row_number, first)
                continue
            if not sections:
                self.problem(SHEET_PLAN, row_number, labels["number"], first, "мероприятие стоит до первого раздела")
                continue
            sections[-1].measures.append(self._measure(row_number, values, executors, evidence))
        if not any(s.measures for s in sections) and not self.problems:
            self.problem(SHEET_PLAN, header_row, "", "", "в таблице нет ни одного мероприятия")
        drop_automatic_numbers(sections)
        return sections

    def _header(self, sheet):
        for number, cells in enumerate(sheet[:40], start=1):
            found = {}
            for index, cell in enumerate(cells):
                label = " ".join(_text(cell).lower().split())
                for key, aliases in HEADER_ALIASES.items():
                    if label in aliases and key not in found:
                        found[key] = index
            if "number" in found and "description" in found:
                return number, found
        self.problem(
            SHEET_PLAN, None, "", "", "не найдена строка заголовка таблицы («№ п/п» и «Наименование мероприятия»)"
        )
        return None, {}

    def _section_row(self, sections: list[ParsedSection], row_number: int, text: str) -> None:
        def problem(value: str, reason: str) -> None:
            self.problem(SHEET_PLAN, row_number, "№ п/п", value, reason)

        section_row(sections, row_number, text, problem)

    def _executor_names(self) -> list[tuple[str, dict]]:
        return executor_names(self.owner)

    def _measure(self, row_number, values, executors, evidence) -> ParsedMeasure:
        labels = dict(COLUMNS)
        number = values.get("number", "").rstrip(".")
        description = values.get("description", "")
        if not description:
            self.problem(SHEET_PLAN, row_number, labels["description"], "", "не заполнено наименование мероприятия")
        if len(number) > LENGTHS["number"]:
            self.problem(SHEET_PLAN, row_number, labels["number"], number, "номер не длиннее 20 знаков")
        deadline = values.get("deadline", "")
        if len(deadline) > LENGTHS["deadline"]:
            self.problem(SHEET_PLAN, row_number, labels["deadline"], deadline, "срок не длиннее 500 знаков")
        measure = ParsedMeasure(row=row_number, number=number, description=description, deadline_text=deadline)
        for order, line in enumerate(s.strip() for s in values.get("executors", "").split("\n") if s.strip()):
            executor = match_executor(line, executors, order=order)
            if len(executor["qualifier"]) > 300:
                self.problem(SHEET_PLAN, row_number, labels["executors"], line, "уточнение исполнителя не длиннее 300")
            measure.executors.append(executor)
        for line in values.get("actions", "").split("\n"):
            line = line.strip()
            if line.startswith(("- ", "– ", "— ")):
                line = line[2:].strip()
            if line:
                measure.actions.append(line)
        result_lines = []
        for line in values.get("result", "").split("\n"):
            if line.startswith(ATTAINMENT_PREFIX):
                continue  # what an approved plan achieved is not part of the plan read back
            if line.startswith(TARGET_PREFIX):
                measure.target_text = line[len(TARGET_PREFIX) :].strip()
            elif line.startswith(EVIDENCE_PREFIX):
                for title in line[len(EVIDENCE_PREFIX) :].split(";"):
                    title = title.strip()
                    if not title:
                        continue
                    kind = evidence.get(title.lower())
                    if kind is None:
                        allowed = "; ".join(k.title for k in evidence.values())
                        self.problem(
                            SHEET_PLAN,
                            row_number,
                            labels["result"],
                            title,
                            f"неизвестный вид подтверждающего документа (допустимо: {allowed})",
                        )
                    else:
                        measure.evidence_kinds.append(kind)
            else:
                result_lines.append(line)
        measure.expected_result = "\n".join(result_lines).strip()
        measure.note = values.get("note", "")
        return measure


# ------------------------------------------------------------------------------------------------
# What every import of a plan shares (this workbook's and a Word document's, roadmaps.word)
# ------------------------------------------------------------------------------------------------

# «Трек: …» as exported; «Трек 1: …», «Функция: принятие …» as typed in the documents (seed 000).
_TRACK_ROW = re.compile(r"^трек(?:\s*№?\s*\d+)?\s*[:.]\s*", re.I)
_FUNCTION_ROW = re.compile(r"^функция\s*[:.]\s*", re.I)


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()).rstrip(".") == " ".join(b.casefold().split()).rstrip(".")


def is_catalogue_row(text: str) -> bool:
    """A track or function line under a direction (seed 000)."""
    return bool(_TRACK_ROW.match(text) or _FUNCTION_ROW.match(text))


def catalogue_direction(text: str, *, loose: bool = False) -> Direction | None:
    """The catalogue direction a section line names: «1.1. Система оценки качества подготовки
    обучающихся», also with a tail the document adds («(далее - ОКПО)»). `loose` (a document laid
    out by the catalogue but typed by hand): its code alone, or a title worded a little otherwise
    («2. Система работы со школами с низкими образовательными результатами …», seed 000)."""
    match = re.match(r"^(\d+(?:\.\d+)*)\.?\s+(.*)$", text.strip(), re.S)
    if not match:
        return None
    title = " ".join(match.group(2).casefold().split())
    direction = Direction.objects.filter(code=match.group(1)).first()
    if direction is not None and loose:
        return direction
    if direction is not None:
        wanted = " ".join(direction.title.casefold().split())
        return direction if title == wanted or title.startswith(wanted + " ") else None
    if not loose:
        return None
    scored = [(SequenceMatcher(None, title, d.title.casefold()).ratio(), d.pk, d) for d in Direction.objects.all()]
    best = max(scored, default=None, key=lambda item: item[:2])
    return best[2] if best and best[0] >= 0.75 else None


def section_row(
    sections: list[ParsedSection], row: int, text: str, problem, *, directions: bool = True, note=None
) -> None:
    """A section line of a plan's table, appended to `sections`: a catalogue direction (with its
    tracks and function type on the lines below it) or a numbered heading. `problem(value, reason)`
    records what cannot be taken; `directions=False` keeps every line a heading (a plan that does
    not follow the catalogue, seed 002). With `note(value, reason)` (a document written by hand)
    a direction is known by its code alone, and a track or function the catalogue does not have
    stays as the section's line of text, noted, instead of a problem."""
    track, function = _TRACK_ROW.match(text), _FUNCTION_ROW.match(text)
    if track or function:
        section = sections[-1] if sections else None
        if section is not None and section.kind != Section.Kind.DIRECTION and note is not None:
            section.heading = f"{section.heading}\n{text}".strip()
            note(text, "трек или функция под разделом, который не найден в справочнике: строка оставлена в заголовке")
            return
        if section is None or section.kind != Section.Kind.DIRECTION:
            problem(text, "трек или функция без направления над ними")
            return
        if section.measures or (function and section.function_type is not None):
            # the next track (or function) of the same direction after steps: a section of its own,
            # whose steps are numbered from one again (seed 000 writes the direction once)
            tracks = [] if track else list(section.tracks)
            section = ParsedSection(row=row, kind=Section.Kind.DIRECTION, direction=section.direction, tracks=tracks)
            sections.append(section)
        title = text[(track or function).end() :].strip()
        if track:
            found = next((t for t in section.direction.tracks.all() if _same_words(t.title, title)), None)
            reason = f"у направления {section.direction.code} нет такого трека"
        else:
            found = next((f for f in FunctionType.objects.all() if _same_words(f.title, title)), None)
            reason = "нет такого типа функции в справочнике"
        if found is None and note is not None:
            section.heading = f"{section.heading}\n{text}".strip()
            note(text, f"{reason}: строка оставлена текстом раздела")
        elif found is None:
            problem(text, reason)
        elif track:
            section.tracks.append(found)
        else:
            section.function_type = found
        return
    match = re.match(r"^(\d+(?:\.\d+)*)\.?\s+(.*)$", text, re.S)
    direction = catalogue_direction(text, loose=note is not None) if directions and match else None
    if direction is not None:
        sections.append(ParsedSection(row=row, kind=Section.Kind.DIRECTION, direction=direction))
        if note is not None and catalogue_direction(text) is None:
            note(text, f"сопоставлено с направлением справочника «{direction}»")
        return
    if sections and sections[-1].kind == Section.Kind.DIRECTION and not sections[-1].measures and not match:
        # a free line under a direction (the printed «heading» of a direction section)
        sections[-1].heading = text
        return
    number, heading = (match.group(1), match.group(2).strip()) if match else ("", text)
    if len(number) > 20:
        problem(text, "номер раздела не длиннее 20 знаков")
    sections.append(ParsedSection(row=row, kind=Section.Kind.HEADING, number=number, heading=heading))


def drop_automatic_numbers(sections: list[ParsedSection]) -> None:
    """A number the table would give anyway is not kept as typed: the measure is renumbered when
    it is moved, like one added in the editor. A number that differs stays."""
    for section, numbers in zip(sections, automatic_numbers(sections), strict=True):
        for measure, number in zip(section.measures, numbers, strict=True):
            if printed(measure.number) == number:
                measure.number = ""


def executor_names(owner: Organization) -> list[tuple[str, dict]]:
    """The names an executor may be written with: the organisations of the owner's municipality
    (short and full names) and the catalogue's executor kinds, the longest first, so that
    «СОШ № 1 г. Ершова» wins over «СОШ № 1»."""
    names: list[tuple[str, dict]] = []
    municipality = owner.municipality_id
    organizations = Organization.objects.filter(municipality_id=municipality) if municipality else []
    for organization in organizations:
        for name in {organization.short_name, organization.full_name}:
            if name:
                names.append((name, {"organization": organization}))
    for kind in ExecutorKind.objects.all():
        names.append((kind.title, {"executor_kind": kind}))
    return sorted(names, key=lambda item: -len(item[0]))


def match_executor(line: str, names: list[tuple[str, dict]], *, order: int) -> dict:
    """One executor line as the builder takes it: the organisation or executor kind it names
    (the rest of the line is the qualifier: «СОШ № 1 (заместитель директора по УВР)»), the lead
    mark; a name nobody in the registry has stays as the qualifier alone."""
    mark = next((mark for mark in LEAD_MARKS if line.endswith(mark)), "")
    if mark:
        line = line[: -len(mark)].strip()
    executor = {"is_lead": bool(mark), "order": order, "qualifier": line}
    folded = line.casefold()
    for name, target in names:
        key = name.casefold()
        if folded == key or folded.startswith(key + " "):
            executor.update(target, qualifier=line[len(name) :].strip())
            break
    return executor


def _read_sheets(data: bytes) -> dict[str, list[list]]:
    """The workbook's sheets as rows of values, through the guarded opener (which refuses
    formulas with their cells named); a sheet of more than MAX_ROWS rows is refused."""
    sheets: dict[str, list[list]] = {}
    with open_table(data, filename="книга дорожной карты", limits=IMPORT_LIMITS) as table:
        if table.kind not in ("xlsx", "ods", "xls"):
            raise FileRefused(
                "Файл не является книгой Excel (.xlsx): сохраните дорожную карту в Excel и загрузите снова"
            )
        for name, rows in table.sheets:
            kept: list[list] = []
            for row in rows:
                if len(kept) >= MAX_ROWS:
                    raise FileRefused(f"На листе «{name}» слишком много строк: не больше {MAX_ROWS}")
                kept.append(row)
            while kept and not any(_text(value) for value in kept[-1]):
                kept.pop()
            sheets[name] = kept
    return sheets


def parse_roadmap_workbook(data: bytes, *, owner: Organization) -> ParsedRoadmap:
    """Read and check the whole workbook; raise RoadmapImportError listing every problem.
    PreconditionError without the catalogue: directions, functions, executor and evidence kinds are
    recognised by their titles in it, and without it would pass as plain headings and text."""
    require(roadmap_catalogue())
    try:
        workbook = _read_sheets(data)
    except FileRefused as error:
        raise RoadmapImportError([ImportProblem("", None, "", "", str(error))]) from None
    parser = _Parser(workbook, owner)
    params = parser.params()
    sections = parser.plan()
    if parser.problems:
        raise RoadmapImportError(parser.problems)
    return ParsedRoadmap(params=params, sections=sections)


@writes(ROADMAPS, EXECUTION)
def write_parsed_roadmap(parsed: ParsedRoadmap, *, roadmap: Roadmap, by) -> Roadmap:
    """Replace the draft's parameters and contents by the parsed ones (the caller holds a
    transaction); the measures are built by `measures_build`, as typed ones are."""
    for key, value in parsed.params.items():
        setattr(roadmap, key, value if value is not None or key in DATE_PARAMS else "")
    roadmap._history_user = by
    roadmap.save()
    roadmap.sections.all().delete()
    specs = []
    for s_order, parsed_section in enumerate(parsed.sections, start=1):
        section = Section(
            roadmap=roadmap,
            order=s_order,
            kind=parsed_section.kind,
            direction=parsed_section.direction,
            function_type=parsed_section.function_type,
            number=parsed_section.number,
            heading=parsed_section.heading,
        )
        section._history_user = by
        section.save()
        if parsed_section.tracks:
            section.tracks.set(parsed_section.tracks)
        specs += [
            MeasureSpec(
                section=section,
                order=m_order,
                number=parsed_measure.number,
                description=parsed_measure.description,
                deadline_text=parsed_measure.deadline_text,
                fields={
                    "actions": parsed_measure.actions,
                    "expected_result": parsed_measure.expected_result,
                    "target_text": parsed_measure.target_text,
                    "note": parsed_measure.note,
                    "municipal_text": parsed_measure.municipal_text,
                    "school_text": parsed_measure.school_text,
                },
                executors=parsed_measure.executors,
                evidence_kinds=parsed_measure.evidence_kinds,
            )
            for m_order, parsed_measure in enumerate(parsed_section.measures, start=1)
        ]
    measures_build(roadmap=roadmap, by=by, specs=specs)
    return roadmap
