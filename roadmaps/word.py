"""A roadmap from a Word document (.docx): the plan's table read into the structure the Excel import
produces (`roadmaps.xlsx.ParsedRoadmap`), so that both are written by `write_parsed_roadmap` and
their measures built by the one builder.

Understood layouts (the seeds):

- «№ п/п | Наименование мероприятия | Сроки | Ответственные | Ожидаемый результат | Показатель»
  with numbered headings across the table («1. Мероприятия с работниками …», seed 002);
- the catalogue's layout: direction, «Трек …» and «Функция: …» rows over numbered steps, with
  «Перечень действий», «Результат», «Примечание» (seed 000);
- a regional roadmap «ГОД | Региональный уровень | Муниципальный уровень | Уровень ОО» (seed 003):
  the regional text is the measure, the other two its level texts, the year its deadline.

The table is read from its XML, cell by cell (`w:tc`), against the table's grid: python-docx's
`row.cells` repeats a merged cell at every grid position and fails on the irregular merges other
generators write. A cell spanning the row (gridSpan) is a section; a cell merged down (vMerge) gives
its text to every row it covers; a vMerge «continue» with nothing above, a row with fewer cells than
the grid, gridBefore/gridAfter are taken as they come. A header repeated on every page is skipped and
a table cut by a page (the same header again) is joined to the one before.

The file is checked before python-docx sees it: size, the container (an old .doc or a password-
protected document is an OLE file, not a zip), the zip guards every upload goes through and a DTD.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from config.lib.preconditions import require
from config.lib.untrusted import DEFAULT, FileRefused, GuardedZip
from config.lib.untrusted.limits import mb
from roadmaps.deadlines import DeadlineKind, parse_deadline
from roadmaps.models import Direction, Roadmap, Section
from roadmaps.preconditions import roadmap_catalogue
from roadmaps.table import automatic_numbers, printed
from roadmaps.uploads import OLE2, upload_max_bytes
from roadmaps.xlsx import (
    LENGTHS,
    ImportProblem,
    ParsedMeasure,
    ParsedRoadmap,
    ParsedSection,
    RoadmapImportError,
    catalogue_direction,
    drop_automatic_numbers,
    executor_names,
    is_catalogue_row,
    match_executor,
    section_row,
)
from schools.models import Organization

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_ROWS = 5000  # as for a workbook: a plan has hundreds of rows
MAX_SPAN = 64  # columns one cell may span (a table of a plan has a dozen)
DOCUMENT_XML_LIMIT = 64 << 20

# What a Word column may be taken for (the preview's select), in the order the select lists them.
FIELDS = [
    ("number", "Номер"),
    ("description", "Наименование мероприятия (региональный уровень)"),
    ("deadline", "Сроки"),
    ("executors", "Ответственные"),
    ("actions", "Перечень действий"),
    ("result", "Ожидаемый результат"),
    ("target", "Показатель"),
    ("note", "Примечание"),
    ("municipal", "Муниципальный уровень"),
    ("school", "Уровень ОО"),
    ("skip", "Не загружать"),
]
FIELD_LABELS = dict(FIELDS)
EXPECTED_HEADERS = (
    "«№ п/п», «Наименование мероприятия», «Сроки», «Ответственные», «Ожидаемый результат», «Показатель» "
    "или «ГОД», «Региональный уровень», «Муниципальный уровень», «Уровень ОО»"
)
EMPTY_MARKS = {"-", "–", "—", "−"}
# «– анализ», «- анализ», «• анализ», «1) анализ», «2. анализ», «а) анализ»
_LIST_MARK = re.compile(r"^\s*(?:[-–—•·▪●○◦∙*]|\d{1,2}[.)]|[а-яa-z]\))\s+", re.I)
_NAME = re.compile(r"[А-ЯЁ]\.\s*[А-ЯЁ]\.\s*[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s*[А-ЯЁ]\.")
_TITLE_START = re.compile(r"^(?:план\b|дорожн\w* карт|«дорожн|комплекс мер|перечень мероприятий|к проекту)", re.I)
_NUMBERED_HEADING = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?\s+[А-ЯЁA-Z]")
_CODE = re.compile(r"дорожн\w*\s+карт\w*[»\"”]?\s*(\d+(?:\.\d+)*)", re.I)
_YEARS = re.compile(r"(20\d\d)\s*(?:[-–—/]|\s+-\s+)\s*(20\d\d)")
_YEAR = re.compile(r"\b(20\d\d)\b")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"],
        start=1,
    )
}


# ------------------------------------------------------------------------------------------------
# The document: paragraphs and tables, each table as rows of cells on its grid
# ------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    col: int  # first grid column
    span: int
    paragraphs: list[tuple[str, bool]]  # (text, is a list item)
    merged: bool = False  # continues the cell above (vMerge): the text is that cell's

    @property
    def text(self) -> str:
        return "\n".join(text for text, _ in self.paragraphs).strip()

    @property
    def own_text(self) -> str:
        return "" if self.merged else self.text


@dataclass
class Row:
    number: int  # 1-based in its table
    cells: list[Cell]
    repeated_header: bool = False  # w:tblHeader: Word repeats the row on every page

    def labels(self, width: int) -> list[str]:
        """The text under each grid column (a spanning cell's under each column it covers)."""
        labels = [""] * width
        for cell in self.cells:
            for col in range(cell.col, min(cell.col + cell.span, width)):
                labels[col] = cell.text
        return labels

    @property
    def filled(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.own_text]


@dataclass
class Table:
    number: int  # 1-based in the document
    width: int
    rows: list[Row]
    before: list[str]  # the document's lines between the previous table (or the start) and this one

    @property
    def lines(self) -> list[str]:
        """The text of its cells, row by row (a stamp laid out in a borderless table)."""
        return [text for row in self.rows for cell in row.cells if not cell.merged for text, _ in cell.paragraphs]


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _val(element, tag: str):
    found = element.find(W + tag) if element is not None else None
    return None if found is None else found.get(W + "val", "")


def _paragraph(p) -> tuple[str, bool]:
    parts = []
    for node in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen"):
        tag = node.tag[len(W) :]
        if tag == "t":
            parts.append(node.text or "")
        elif tag == "noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" " if tag == "tab" else "\n")
    text = re.sub(r"[ \t]+", " ", "".join(parts).replace("\xa0", " ")).strip()
    ppr = p.find(W + "pPr")
    style = (_val(ppr, "pStyle") or "").casefold()
    numbered = ppr is not None and ppr.find(W + "numPr") is not None
    is_item = bool(text) and (numbered or "list" in style or "спис" in style or bool(_LIST_MARK.match(text)))
    return text, is_item


def _children(element, *tags: str):
    """Direct children of these tags, also those wrapped in content controls (w:sdt) and custom XML."""
    for child in element:
        tag = child.tag[len(W) :] if isinstance(child.tag, str) and child.tag.startswith(W) else ""
        if tag in tags:
            yield child
        elif tag == "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _children(content, *tags)
        elif tag in ("customXml", "smartTag"):
            yield from _children(child, *tags)


def _cell_paragraphs(tc) -> list[tuple[str, bool]]:
    paragraphs = []
    for p in tc.iter(W + "p"):  # a table nested in a cell gives its text too
        text, item = _paragraph(p)
        if text:
            paragraphs += [(line.strip(), item) for line in text.split("\n") if line.strip()]
    return paragraphs


def _table(tbl, number: int, before: list[str]) -> Table:
    grid = tbl.find(W + "tblGrid")
    width = len(grid.findall(W + "gridCol")) if grid is not None else 0
    rows: list[Row] = []
    above: dict[int, Cell] = {}  # grid column → the cell over it in the row above
    for index, tr in enumerate(_children(tbl, "tr"), start=1):
        if index > MAX_ROWS:
            raise FileRefused(f"В таблице {number} документа слишком много строк: не больше {MAX_ROWS}")
        trpr = tr.find(W + "trPr")
        col = max(0, min(_int(_val(trpr, "gridBefore"), 0), MAX_SPAN))
        header = trpr is not None and _val(trpr, "tblHeader") not in (None, "0", "false", "off")
        cells = []
        for tc in _children(tr, "tc"):
            tcpr = tc.find(W + "tcPr")
            span = max(1, min(_int(_val(tcpr, "gridSpan"), 1), MAX_SPAN))
            vmerge = _val(tcpr, "vMerge")
            if vmerge is not None and vmerge in ("", "continue"):
                origin = above.get(col)  # a continue with nothing above is an empty cell
                cell = Cell(col, span, list(origin.paragraphs) if origin else [], merged=True)
            else:
                cell = Cell(col, span, _cell_paragraphs(tc))
            cells.append(cell)
            col += span
        width = max(width, col + max(0, min(_int(_val(trpr, "gridAfter"), 0), MAX_SPAN)))
        above = {c: cell for cell in cells for c in range(cell.col, cell.col + cell.span)}
        rows.append(Row(number=index, cells=cells, repeated_header=header))
    return Table(number=number, width=width, rows=rows, before=before)


@dataclass
class WordDocument:
    tables: list[Table]


def _blocks(body, lines: list[str], tables: list[Table]) -> None:
    for child in _children(body, "p", "tbl"):
        if child.tag == W + "p":
            text, _ = _paragraph(child)
            lines += [line.strip() for line in text.split("\n")] if text else [""]
        else:
            tables.append(_table(child, len(tables) + 1, list(lines)))
            lines.clear()


def refuse_unreadable(data: bytes, filename: str) -> None:
    """Refuse, with a Russian message, what is not a .docx python-docx may be given."""
    limit = upload_max_bytes()
    if not data:
        raise FileRefused(f"Файл «{filename}» пуст")
    if len(data) > limit:
        raise FileRefused(
            f"Файл «{filename}» слишком большой: {mb(len(data))} МБ (допускается не более {mb(limit)} МБ)"
        )
    if data.startswith(OLE2):
        import olefile

        try:
            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                encrypted = ole.exists("EncryptedPackage")
                other = not ole.exists("WordDocument") and (ole.exists("Workbook") or ole.exists("Book"))
        except Exception:  # olefile raises several kinds on a damaged container: it is still not a .docx
            encrypted = other = False
        if encrypted:  # a password-protected .docx is an encrypted package inside an OLE container
            raise FileRefused(
                f"Файл «{filename}» защищён паролем: снимите пароль в Word (Файл → Сведения → Защита документа), "
                "сохраните документ и загрузите его снова"
            )
        if other:
            raise FileRefused(f"Файл «{filename}» — книга Excel старого формата (.xls), а не документ Word")
        raise FileRefused(
            f"Файл «{filename}» — документ Word старого формата (.doc). Сохраните документ в формате .docx "
            "(Файл → Сохранить как → Документ Word) и загрузите снова"
        )
    if data.startswith(b"{\\rtf"):
        raise FileRefused(f"Файл «{filename}» — документ RTF. Сохраните документ в формате .docx и загрузите снова")
    if not data.startswith(b"PK\x03\x04"):
        raise FileRefused(f"Файл «{filename}» не является документом Word (.docx)")
    with GuardedZip(io.BytesIO(data), filename=filename, limits=DEFAULT.but(max_bytes=limit)) as archive:
        names = archive.names()
        if "word/document.xml" not in names:
            if any(name.startswith("xl/") for name in names):
                raise FileRefused(f"Файл «{filename}» — книга Excel: загрузите её кнопкой «Загрузить из Excel»")
            raise FileRefused(f"Файл «{filename}» не является документом Word (.docx): в архиве нет документа")
        xml = archive.read_member("word/document.xml", limit=DOCUMENT_XML_LIMIT, what="текст документа")
        if re.search(rb"<!(?:DOCTYPE|ENTITY)", xml[:4096], re.I):
            raise FileRefused(f"Файл «{filename}» содержит объявления DTD: такой файл не обрабатывается")


def read_word(data: bytes, *, filename: str = "документ") -> WordDocument:
    """The document's tables (with the lines before each) after the checks; FileRefused else."""
    refuse_unreadable(data, filename)
    import docx  # python-docx: loaded only for a file that passed the checks

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception:  # python-docx raises KeyError, ValueError, XMLSyntaxError… on a damaged package
        raise FileRefused(f"Файл «{filename}» повреждён: документ Word не читается") from None
    lines: list[str] = []
    tables: list[Table] = []
    _blocks(body, lines, tables)
    return WordDocument(tables=tables)


# ------------------------------------------------------------------------------------------------
# The header: which column is which
# ------------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").replace("\n", " ").split()).strip(" :.")


def guess_field(label: str) -> str | None:
    """The field a header cell names, or None when it names none of them."""
    text = _norm(label)
    if not text:
        return None
    rules = [
        ("number", text.startswith("№") or text in ("n", "n п/п", "номер", "номер п/п", "п/п")),
        ("municipal", "муниципальн" in text and "уров" in text),
        ("school", "уровень оо" in text or "уровень образовательн" in text or ("школьн" in text and "уров" in text)),
        ("description", "регионал" in text and "уров" in text),
        ("actions", "перечень действ" in text or text == "действия"),
        ("executors", "ответствен" in text or "исполнител" in text),
        ("deadline", "срок" in text or text in ("год", "годы", "дата", "период", "период реализации")),
        ("target", "показател" in text or "индикатор" in text or "целевое значение" in text),
        ("result", "результат" in text),
        ("note", "примечан" in text),
        ("description", any(w in text for w in ("наименован", "мероприят", "описание", "содержание"))),
    ]
    return next((key for key, matched in rules if matched), None)


def guess_mapping(labels: list[str]) -> list[str] | None:
    """A field for each grid column when the labels read as a plan's header, else None."""
    fields = [guess_field(label) for label in labels]
    known = [f for f in fields if f]
    if "description" not in known or len(known) < 2:
        return None
    return [f or "skip" for f in fields]


def _header_key(labels: list[str]) -> tuple[str, ...]:
    return tuple(_norm(label) for label in labels)


def _is_column_numbers(labels: list[str]) -> bool:
    """The row of column numbers under a header («1 | 2 | 3 | 4 | 5»)."""
    texts = [label.strip() for label in labels if label.strip()]
    return (
        len(texts) >= 2
        and all(t.isdigit() for t in texts)
        and [int(t) for t in texts] == list(range(int(texts[0]), int(texts[0]) + len(texts)))
    )


@dataclass
class WordColumn:
    index: int
    label: str  # the header text in the document
    guessed: str
    field: str


# ------------------------------------------------------------------------------------------------
# The roadmap's parameters from the lines above the table
# ------------------------------------------------------------------------------------------------


def _parse_day(text: str) -> date | None:
    match = re.search(r"от\s+«?\s*(\d{1,2})\s*»?\s*[.\s]\s*(\d{1,2}|[а-яё]+)\s*[.\s]\s*(\d{4})", text, re.I)
    if not match:
        return None
    day, month, year = match.groups()
    if month.isdigit():
        number = int(month)
    else:
        number = next(
            (n for stem, n in sorted(_MONTHS.items(), key=lambda i: -len(i[0])) if month.lower().startswith(stem)), 0
        )
    try:
        return date(int(year), number, int(day))
    except ValueError:
        return None


def _stamp(lines: list[str], params: dict) -> int:
    """Read «УТВЕРЖДАЮ» or «Приложение … к приказу …» from `lines`; return the index after it."""
    for index, line in enumerate(lines):
        folded = line.casefold().strip(' «»"“”:')
        if folded.startswith("утверждаю"):
            params["stamp"] = Roadmap.Stamp.APPROVAL
            position: list[str] = []
            rest = line.strip(' «»"“”').strip()[len("утверждаю") :].strip(' «»"“”:')
            if rest:
                position.append(rest)
            end = index + 1
            for end in range(index + 1, min(len(lines), index + 10)):
                text = lines[end].strip()
                if not text:
                    if position:
                        break
                    continue
                if "___" in text or "__" in text.replace("\\", "") or _NAME.search(text):
                    name = text.replace("\\", "").replace("_", " ").strip()
                    name_match = _NAME.search(name)
                    if name_match:
                        params["approver_name"] = name_match.group(0)
                        before = name[: name_match.start()].strip()
                        if before and not position:
                            position.append(before)
                        break
                    continue
                if text.startswith("«") and "20" in text:  # «___» ______ 20__ г.
                    break
                position.append(text)
            params["approver_position"] = "\n".join(position)
            return end + 1
        if folded.startswith("приложение"):
            params["stamp"] = Roadmap.Stamp.APPENDIX
            block = [line]
            end = index + 1
            while end < len(lines) and lines[end].strip() and len(block) < 5 and not _TITLE_START.match(lines[end]):
                block.append(lines[end])
                end += 1
            text = " ".join(block)
            number = re.match(r"^\s*приложение\s*(?:№\s*)?([0-9][\w.\-]*)", text, re.I)
            if number:
                params["appendix_number"] = number.group(1).rstrip(".")
            basis = re.search(r"\bк\s+(приказу|постановлению|распоряжению|решению)(.*?)(?=\s+от\s|\s+№|$)", text, re.I)
            if basis:
                kind = {"приказу": "Приказ", "постановлению": "Постановление", "распоряжению": "Распоряжение"}
                params["basis_title"] = (kind.get(basis.group(1).lower(), "Решение") + basis.group(2)).strip()
            tail = text[basis.start() :] if basis else text  # «Приложение № 2 к приказу … № 158»
            order_number = re.search(r"№\s*([^\s,;]+)", tail)
            if order_number and "_" not in order_number.group(1):
                params["basis_number"] = order_number.group(1)
            params["basis_date"] = _parse_day(text)
            return end
    return 0


def _period(text: str, years: list[int]) -> tuple[date, date, str] | None:
    """The period a title states: «на 2021-2022 уч. год», «на 2021–2022 годы», «на 2022 год»."""
    folded = text.casefold()
    match = _YEARS.search(text)
    academic = "учебн" in folded or "уч. г" in folded or "уч.г" in folded
    if match:
        start, end = int(match.group(1)), int(match.group(2))
        if end < start:
            return None
        if academic and end == start + 1:
            return date(start, 9, 1), date(end, 8, 31), Roadmap.PeriodKind.ACADEMIC
        return date(start, 1, 1), date(end, 12, 31), Roadmap.PeriodKind.CALENDAR
    single = re.search(r"на\s+(20\d\d)\s+(?:год|г\.)", folded)
    if single:
        year = int(single.group(1))
        return date(year, 1, 1), date(year, 12, 31), Roadmap.PeriodKind.CALENDAR
    if years:
        return date(min(years), 1, 1), date(max(years), 12, 31), Roadmap.PeriodKind.CALENDAR
    return None


def current_academic_year(today: date) -> tuple[date, date]:
    start = today.year if today.month >= 9 else today.year - 1
    return date(start, 9, 1), date(start + 1, 8, 31)


# ------------------------------------------------------------------------------------------------
# The plan
# ------------------------------------------------------------------------------------------------


@dataclass
class PreviewMeasure:
    number: str  # as it will print
    measure: ParsedMeasure
    deadline_parsed: bool
    deadline_summary: str
    unknown_executors: list[str]

    @property
    def executors(self) -> list[tuple[str, bool]]:
        """(name as it will print, found in the registry or the catalogue)."""
        shown = []
        for executor in self.measure.executors:
            target = executor.get("organization") or executor.get("executor_kind")
            name = getattr(target, "short_name", None) or getattr(target, "title", "") if target else ""
            shown.append((" ".join(part for part in (name, executor["qualifier"]) if part), target is not None))
        return shown


@dataclass
class PreviewSection:
    label: str
    kind: str
    lines: list[str]
    measures: list[PreviewMeasure]


@dataclass
class WordImport:
    """What the document holds, as it will be created, and what the reader guessed."""

    parsed: ParsedRoadmap
    columns: list[WordColumn]
    sections: list[PreviewSection]
    notes: list[str] = field(default_factory=list)

    @property
    def mapping(self) -> list[str]:
        return [column.field for column in self.columns]

    @property
    def unparsed_deadlines(self) -> list[PreviewMeasure]:
        return [m for s in self.sections for m in s.measures if not m.deadline_parsed]

    @property
    def used(self) -> set[str]:
        """The fields some measure fills (the preview shows only their columns)."""
        names = {
            "actions": "actions",
            "result": "expected_result",
            "target": "target_text",
            "note": "note",
            "municipal": "municipal_text",
            "school": "school_text",
        }
        measures = [m.measure for s in self.sections for m in s.measures]
        return {key for key, attribute in names.items() if any(getattr(m, attribute) for m in measures)}

    @property
    def unknown_executors(self) -> list[str]:
        return list(dict.fromkeys(name for s in self.sections for m in s.measures for name in m.unknown_executors))


def _clean(text: str) -> str:
    return "" if text.strip() in EMPTY_MARKS else text.strip()


def _strip_mark(text: str) -> str:
    return _LIST_MARK.sub("", text, count=1).strip()


def _split_executors(text: str) -> list[str]:
    """«Департамент образования, МБОУ ДПО МЦ; ОО» → three names; a comma inside quotes or
    parentheses («МБОУ «СОШ № 1, корпус 2»») does not split."""
    names, depth, current = [], 0, []
    for char in text:
        if char in '«("“':
            depth += 1
        elif char in '»)"”' and depth:
            depth -= 1
        if char in ",;\n" and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [_strip_mark(name) for name in names if name.strip(" .-–—")]


class _Reader:
    def __init__(self, document: WordDocument, owner: Organization, mapping: list[str] | None):
        self.document = document
        self.owner = owner
        self.override = mapping
        self.problems: list[ImportProblem] = []
        self.notes: list[str] = []

    def problem(self, table: int, row: int | None, column: str, value: str, reason: str) -> None:
        self.problems.append(ImportProblem(str(table), row, column, value, reason, container="таблица"))

    def refuse(self, reason: str) -> RoadmapImportError:
        return RoadmapImportError([ImportProblem("", None, "", "", reason)])

    # --- which tables hold the plan ----------------------------------------------------------
    def plan_tables(self) -> tuple[list[tuple[Table, int]], list[str], list[str]]:
        """[(table, index of its header row)] of the plan, the header labels and the mapping."""
        tables = self.document.tables
        if not tables:
            raise self.refuse(
                "В документе нет ни одной таблицы: план мероприятий должен быть таблицей Word "
                f"со строкой заголовка ({EXPECTED_HEADERS})"
            )
        found: list[tuple[Table, int]] = []
        labels: list[str] = []
        mapping: list[str] | None = None
        for table in tables:
            header = None
            for index, row in enumerate(table.rows[:6]):
                if guess_mapping(row.labels(table.width)):
                    header = index
                    break
            if header is None:
                same_grid = found and table.width == found[0][0].width
                if same_grid and table.rows and not any(line.strip() for line in table.before):
                    # a table cut by a page whose second part has no header row: the same plan
                    found.append((table, -1))
                continue
            row_labels = table.rows[header].labels(table.width)
            if not found:
                found.append((table, header))
                labels, mapping = row_labels, guess_mapping(row_labels)
                continue
            if _header_key(row_labels) != _header_key(labels):
                self.notes.append(
                    f"Таблица {table.number} с другим заголовком не загружена: из документа берётся одна таблица плана"
                )
                continue
            if any(_TITLE_START.match(line) for line in table.before if line.strip()):
                self.notes.append(
                    f"Таблица {table.number} — план под другим заголовком документа: не загружена. "
                    "Загрузите каждый план отдельным документом"
                )
                break
            found.append((table, header))
        if not found:
            first = tables[0].rows[0].labels(tables[0].width) if tables[0].rows else []
            seen = " | ".join(f"«{label[:40]}»" for label in first if label) or "пустая"
            raise self.refuse(
                f"Не найдена строка заголовка таблицы плана: ожидались столбцы {EXPECTED_HEADERS}. "
                f"Первая строка таблицы 1: {seen}"
            )
        if self.override is not None:
            mapping = self._checked(self.override, len(labels))
        return found, labels, mapping

    def _checked(self, mapping: list[str], width: int) -> list[str]:
        if len(mapping) != width or any(value not in FIELD_LABELS for value in mapping):
            raise self.refuse("Сопоставление столбцов не подходит к таблице документа: загрузите документ снова")
        if "description" not in mapping:
            raise self.refuse("Укажите, какой столбец документа — «Наименование мероприятия (региональный уровень)»")
        return mapping

    # --- rows -------------------------------------------------------------------------------
    def fields_of(self, row: Row, mapping: list[str]) -> dict[str, list[tuple[str, bool]]]:
        fields: dict[str, list[tuple[str, bool]]] = {}
        for cell in row.cells:
            key = mapping[cell.col] if cell.col < len(mapping) else "skip"
            if key != "skip":
                fields.setdefault(key, []).extend((text, item) for text, item in cell.paragraphs if _clean(text))
        return fields

    def read(self) -> WordImport:
        tables, labels, mapping = self.plan_tables()
        first_table = tables[0][0]
        # the stamp and the title: the lines above the plan, tables laid out for them included
        above = []
        for table in self.document.tables[: first_table.number - 1]:
            above += table.before + table.lines + [""]
        params = self.params(above + first_table.before)
        uses_catalogue = any(
            is_catalogue_row(cell.text) for table, _ in tables for row in table.rows for cell in row.filled
        )
        header_key = _header_key(labels)
        sections: list[ParsedSection] = []
        years: list[int] = []
        executors = executor_names(self.owner)
        last: ParsedMeasure | None = None
        for table, header in tables:
            if table is not first_table:
                lead = [line for line in table.before if line.strip()]
                if lead:  # a heading between two parts of the table
                    self.section_line(sections, table, None, " ".join(lead), uses_catalogue, implicit=True)
                    last = None
            for row in table.rows[header + 1 :]:
                row_labels = row.labels(table.width)
                if row.repeated_header or _header_key(row_labels) == header_key or _is_column_numbers(row_labels):
                    continue
                filled = row.filled
                if not filled:
                    continue
                text = filled[0].own_text
                key = mapping[filled[0].col] if filled[0].col < len(mapping) else "skip"
                spanning = len(filled) == 1 and (filled[0].span > 1 or len(row.cells) == 1) and table.width > 1
                alone = len(filled) == 1
                if (
                    spanning
                    or (alone and is_catalogue_row(text))
                    # «2. Проведение информационно-разъяснительной работы …» typed into the number
                    # column or alone in the measure column, the other cells empty: a heading
                    or (alone and key == "number" and re.search(r"[^\W\d_]{3}", text))
                    or (alone and key == "description" and _NUMBERED_HEADING.match(text))
                ):
                    self.section_line(sections, table, row.number, " ".join(text.split()), uses_catalogue)
                    last = None
                    continue
                if not sections and not any(self._own(row, mapping, key) for key in ("number", "description")):
                    continue  # the second row of a two-row header («начало | окончание» under «Сроки»)
                if last is not None and self.continues(row, mapping):
                    self.extend(last, row, mapping, executors)
                    continue
                fields = self.fields_of(row, mapping)
                if not sections:
                    lead = [line for line in table.before if line.strip()]
                    self.section_line(
                        sections,
                        table,
                        None,
                        lead[-1] if lead else "",
                        uses_catalogue,
                        implicit=True,
                        code=params.get("code", ""),
                    )
                last = self.measure(table, row, fields, labels, mapping, executors)
                sections[-1].measures.append(last)
                if "deadline" in mapping:
                    years += [int(y) for y in _YEAR.findall(last.deadline_text)]
        if not any(s.measures for s in sections) and not self.problems:
            raise self.refuse("В таблице плана нет ни одного мероприятия")
        period = _period(params["title"], years if "municipal" in mapping or "school" in mapping else [])
        if period is None:
            start, end = current_academic_year(timezone.localdate())
            period = (start, end, Roadmap.PeriodKind.ACADEMIC)
            self.notes.append(
                f"Период в документе не указан: взят текущий учебный год ({start:%d.%m.%Y}–{end:%d.%m.%Y}); "
                "его можно изменить в параметрах черновика"
            )
        params["period_start"], params["period_end"], params["period_kind"] = period
        if self.problems:
            raise RoadmapImportError(self.problems)
        preview = self.preview(sections, params)
        drop_automatic_numbers(sections)
        columns = [
            WordColumn(index=i, label=label, guessed=guessed, field=chosen)
            for i, (label, guessed, chosen) in enumerate(zip(labels, guess_mapping(labels), mapping, strict=True))
        ]
        return WordImport(
            parsed=ParsedRoadmap(params=params, sections=sections), columns=columns, sections=preview, notes=self.notes
        )

    def _own(self, row: Row, mapping: list[str], key: str) -> str:
        """The text the row's own cells (not those merged down from above) give to the field."""
        cells = [c for c in row.filled if c.col < len(mapping) and mapping[c.col] == key]
        return " ".join(" ".join(c.own_text.split()) for c in cells)

    def continues(self, row: Row, mapping: list[str]) -> bool:
        """A row cut by a page (documents converted from PDF, seeds 000, 002, 003): no number of its
        own and no measure name (a dash is a name: «no measure at this level»), or a first text that
        goes on in lower case."""
        number, description = self._own(row, mapping, "number"), self._own(row, mapping, "description")
        if number:
            return number[0].islower()  # the rest of a sentence that slipped into the number column
        if not description:
            return True
        for cell in sorted(row.filled, key=lambda c: c.col):
            key = mapping[cell.col] if cell.col < len(mapping) else "skip"
            if key in ("skip", "deadline"):
                continue
            first = cell.own_text.lstrip('«"(')
            return bool(first) and first[0].islower()
        return False

    def extend(self, measure: ParsedMeasure, row: Row, mapping: list[str], executors) -> None:
        attributes = {
            "number": "description",
            "description": "description",
            "deadline": "deadline_text",
            "result": "expected_result",
            "note": "note",
            "municipal": "municipal_text",
            "school": "school_text",
            "target": "target_text",
        }
        for key in dict.fromkeys(mapping):
            text = self._own(row, mapping, key)
            if not _clean(text):
                continue
            if key in attributes:
                attribute = attributes[key]
                setattr(measure, attribute, f"{getattr(measure, attribute)} {text}".strip())
            elif key == "actions":
                if measure.actions and not _LIST_MARK.match(text):
                    measure.actions[-1] = f"{measure.actions[-1]} {text}"
                else:
                    measure.actions.append(_strip_mark(text))
            elif key == "executors":
                start = len(measure.executors)
                measure.executors += [
                    match_executor(name, executors, order=start + order)
                    for order, name in enumerate(_split_executors(text))
                ]

    def section_line(self, sections, table, row, text, uses_catalogue, *, implicit=False, code="") -> None:
        def problem(value: str, reason: str) -> None:
            self.problem(table.number, row, "", value, reason)

        if implicit:
            direction = Direction.objects.filter(code=code).first() if code else None
            direction = (
                direction
                or next((d for d in Direction.objects.all() if _norm(d.title) == _norm(text)), None)
                or (catalogue_direction(text) if text else None)
            )
            if direction is not None:
                sections.append(ParsedSection(row=row or 0, kind=Section.Kind.DIRECTION, direction=direction))
                return
            if not text or len(text) > 300 or _TITLE_START.match(text):
                text = "Мероприятия"

        def note(value: str, reason: str) -> None:
            self.notes.append(f"Таблица {table.number}, строка {row}: «{value[:80]}» — {reason}")

        section_row(sections, row or 0, text, problem, directions=uses_catalogue, note=note)

    def measure(self, table, row, fields, labels, mapping, executors) -> ParsedMeasure:
        def label(key):
            return next((labels[i] for i, value in enumerate(mapping) if value == key), FIELD_LABELS[key])

        def text(key, sep="\n"):
            return sep.join(_clean(t) for t, _ in fields.get(key, []) if _clean(t)).strip()

        number = text("number", " ").rstrip(".)").strip()
        # The lead text is the measure; a list under it («– анализ …») is its list of actions. A cell
        # that is only a list gives its first item as the measure.
        lead, actions = [], []
        for paragraph, item in fields.get("description", []):
            if item and _strip_mark(paragraph):
                actions.append(_strip_mark(paragraph))
            elif not actions:
                lead.append(paragraph)
            else:
                actions[-1] = f"{actions[-1]} {paragraph}"
        if not lead and actions:
            lead.append(actions.pop(0))
        actions += [_strip_mark(t) for t, _ in fields.get("actions", []) if _strip_mark(t)]
        description = "\n".join(lead).strip()
        if not description and (text("municipal") or text("school")):
            description = "—"  # «-» in the regional column: a measure of the other levels only (seed 003)
        deadline = text("deadline", " ")
        measure = ParsedMeasure(
            row=row.number,
            number=number,
            description=description,
            deadline_text=deadline,
            actions=actions,
            expected_result=text("result"),
            target_text=text("target", " "),
            note=text("note"),
            municipal_text=text("municipal"),
            school_text=text("school"),
        )
        if not description:
            self.problem(table.number, row.number, label("description"), "", "не заполнено наименование мероприятия")
        for key, attribute, limit in (("number", "number", "number"), ("deadline", "deadline_text", "deadline")):
            value = getattr(measure, attribute)
            if len(value) > LENGTHS[limit]:
                self.problem(table.number, row.number, label(key), value, f"не длиннее {LENGTHS[limit]} знаков")
        if len(measure.target_text) > 500:
            self.problem(table.number, row.number, label("target"), measure.target_text, "не длиннее 500 знаков")
        for order, name in enumerate(_split_executors(text("executors"))):
            executor = match_executor(name, executors, order=order)
            if len(executor["qualifier"]) > 300:
                self.problem(table.number, row.number, label("executors"), name, "исполнитель не длиннее 300 знаков")
            measure.executors.append(executor)
        return measure

    # --- parameters ---------------------------------------------------------------------------
    def params(self, lines: list[str]) -> dict:
        params = {
            "code": "",
            "title": "",
            "period_start": None,
            "period_end": None,
            "period_kind": Roadmap.PeriodKind.ACADEMIC,
            "stamp": Roadmap.Stamp.APPROVAL,
            "appendix_number": "",
            "approver_position": "",
            "approver_name": "",
            "basis_title": "",
            "basis_number": "",
            "basis_date": None,
        }
        after = _stamp(lines, params)
        rest = [line for line in lines[after:] if line.strip()]
        start = max((i for i, line in enumerate(rest) if _TITLE_START.match(line)), default=None)
        title_lines = rest[start:] if start is not None else rest[-3:]
        if len(title_lines) > 1 and any(_norm(d.title) == _norm(title_lines[-1]) for d in Direction.objects.all()):
            title_lines = title_lines[:-1]  # the direction of the first table, not the title
        params["title"] = " ".join(" ".join(title_lines).split())[:2000]
        if not params["title"]:
            params["title"] = "План мероприятий"
            self.notes.append("Наименование плана над таблицей не найдено: указано «План мероприятий»")
        code = _CODE.search(params["title"])
        if code:
            params["code"] = code.group(1).rstrip(".")[: LENGTHS["code"]]
        for key, limit in (
            ("approver_position", 300),
            ("approver_name", 200),
            ("appendix_number", 20),
            ("basis_number", 100),
        ):
            if len(params[key]) > limit:
                self.notes.append(f"«{params[key][:60]}…» длиннее {limit} знаков: не взято")
                params[key] = ""
        return params

    # --- what the preview shows ------------------------------------------------------------
    def preview(self, sections: list[ParsedSection], params: dict) -> list[PreviewSection]:
        blocks = []
        for section, numbers in zip(sections, automatic_numbers(sections), strict=True):
            if section.kind == Section.Kind.DIRECTION:
                label = str(section.direction)
                lines = [f"Трек: {t.title}" for t in section.tracks]
                if section.function_type:
                    lines.append(f"Функция: {section.function_type.title}")
                if section.heading:
                    lines.append(section.heading)
            else:
                label, lines = f"{printed(section.number)} {section.heading}".strip(), []
            rows = []
            for measure, automatic in zip(section.measures, numbers, strict=True):
                parsed = parse_deadline(
                    measure.deadline_text, period_start=params["period_start"], period_end=params["period_end"]
                )
                ok = not measure.deadline_text or parsed.kind != DeadlineKind.NEEDS_DATES
                unknown = [
                    e["qualifier"]
                    for e in measure.executors
                    if not e.get("organization") and not e.get("executor_kind")
                ]
                rows.append(
                    PreviewMeasure(
                        number=printed(measure.number) or automatic,
                        measure=measure,
                        deadline_parsed=ok,
                        deadline_summary=parsed.summary() if measure.deadline_text else "",
                        unknown_executors=unknown,
                    )
                )
            blocks.append(PreviewSection(label=label, kind=section.kind, lines=lines, measures=rows))
        return blocks


def parse_roadmap_docx(
    data: bytes, *, owner: Organization, mapping: list[str] | None = None, filename: str = "документ Word"
) -> WordImport:
    """Read and check the document; raise RoadmapImportError naming every problem. `mapping` is the
    field of each Word column as the person corrected it in the preview (None: as guessed)."""
    require(roadmap_catalogue())
    try:
        document = read_word(data, filename=filename)
    except FileRefused as error:
        raise RoadmapImportError([ImportProblem("", None, "", "", str(error))]) from None
    return _Reader(document, owner, mapping).read()
