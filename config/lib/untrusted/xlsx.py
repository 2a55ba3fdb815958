"""A streaming reader of .xlsx worksheets: one row in memory at a time, whatever the file.

calamine (and openpyxl outside read-only mode) build the whole cell rectangle of a sheet before
the first row comes out, so a 5 KB file with cells in A1 and XFD1048576 asks for 512 GB and a
real million-row sheet for over a gigabyte. Here the sheet's XML is decompressed in chunks and
cut at row ends; the cells of a chunk are found by one regular expression in the usual case
(every cell written `<c r="B2" s="1" t="s"><v>…</v></c>`, as Excel, LibreOffice and openpyxl
write them) and by a general one otherwise (other attribute order, namespace prefixes, inline
strings, entities, cells without a reference). Only the shared-strings table is held whole, as
UTF-8 bytes with offsets, within `Limits.max_shared_strings`.

Values come out as calamine gives them, so the readers do not care which opened the file:
numbers as float, text as str, booleans as bool, date-formatted numbers as datetime (date when
there is no time of day), an empty cell as "". A row is a list from column A to its last
written cell (rows may differ in length); a missing row is an empty list, so the n-th row
yielded is Excel's row n. A cell holding a formula stops the read: FileRefused names the cells.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from array import array
from collections.abc import Iterator

from config.lib.untrusted.archive import GuardedZip
from config.lib.untrusted.limits import FileRefused, Limits, spaced

MAX_ROW = 1_048_576
MAX_COL = 16_384
#: A sheet spanning more than SPARSE_FLOOR rows × columns must hold at least 1/SPARSE_RATIO of them.
SPARSE_FLOOR = 2_000_000
SPARSE_RATIO = 16

_ATTR = re.compile(rb"""([\w:.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)

# The usual cell: r first, then the rest — its other attributes and a value, a plain inline
# string or nothing — converted once per distinct text (`_CellValues`).
_FAST_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*>\s*(?:<v>[^<]*</v>|<is><t>[^<]*</t></is>)?)')
# A tag other than those of usual rows (a row, a cell with r first, a value, a plain inline
# string, closing tags): a DTD, a formula, a namespace prefix, a cell written otherwise. A chunk
# without one needs none of the checks below, which each cost a pass over its bytes.
_UNUSUAL = re.compile(rb'<(?!c r="|v>|/|is><t>|t>|row[ >])')
# A cell start other than "<c " (no attributes, or a tab or newline after the name).
_ODD_CELL_START = re.compile(rb"<c[\t\r\n/>]")
# Any row start or cell, with or without a namespace prefix.
_GENERAL = re.compile(
    rb"<(?:[\w.\-]+:)?row(?=[\s/>])([^>]*?)(/?)>"
    rb"|<(?:[\w.\-]+:)?c(?=[\s/>])([^>]*?)(?:/>|>(.*?)</(?:[\w.\-]+:)?c>)",
    re.DOTALL,
)
_FORMULA = re.compile(rb"<(?:[\w.\-]+:)?f[\s/>]")
_VALUE = re.compile(rb"<(?:[\w.\-]+:)?v(?:\s[^>]*)?>(.*?)</(?:[\w.\-]+:)?v>", re.DOTALL)
_TEXT = re.compile(rb"<(?:[\w.\-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.\-]+:)?t>", re.DOTALL)
_INLINE = re.compile(rb"<(?:[\w.\-]+:)?is(?:\s[^>]*)?>(.*?)</(?:[\w.\-]+:)?is>", re.DOTALL)
_PHONETIC = re.compile(rb"<(?:[\w.\-]+:)?rPh(?:\s[^>]*)?>.*?</(?:[\w.\-]+:)?rPh>", re.DOTALL)
_REF = re.compile(rb"\$?([A-Za-z]{1,3})\$?0*(\d{1,7})$")
_ROW_END = re.compile(rb"</(?:[\w.\-]+:)?row>")
_CELL_END = re.compile(rb"</(?:[\w.\-]+:)?c>|/>")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# What `XlsxBook.plain_below` looks for: a row start with its number, an element with a namespace
# prefix, a cell type other than shared string, number or boolean, a value that is not a number.
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_PREFIXED = (b":c ", b":c>", b":f", b":v>", b":is", b":row")
_TEXT_TYPE = re.compile(rb' t="(?!s"|n"|b"|inlineStr")')
_PLAIN_INLINE = re.compile(rb'<is><t(?: xml:space="preserve")?>([^<]*)</t></is>')
_NOT_NUMBER = re.compile(rb"<v>[^<]*[^0-9.eE+\-<]")

_SI_FAST = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<&_]*)</t></si>')
_SI = re.compile(rb"<(?:[\w.\-]+:)?si(?:\s[^>]*)?(?:/>|>(.*?)</(?:[\w.\-]+:)?si>)", re.DOTALL)
_SI_START = re.compile(rb"<(?:[\w.\-]+:)?si[\s/>]")
_SI_END = re.compile(rb"</(?:[\w.\-]+:)?si>|<(?:[\w.\-]+:)?si(?:\s[^>]*)?/>")

# Built-in number formats that are dates or times (ECMA-376 18.8.30).
_BUILTIN_DATES = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}
_BUILTIN_DURATIONS = {46}

_COLUMNS: dict[bytes, int] = {}


def column_index(letters: bytes) -> int:
    """0-based index of column letters (b"A" → 0)."""
    index = _COLUMNS.get(letters)
    if index is None:
        number = 0
        for byte in letters.upper():
            number = number * 26 + byte - 64
        index = _COLUMNS[letters] = number - 1
    return index


def column_letters(index: int) -> str:
    """Column letters of a 0-based index (0 → "A")."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {
        name.split(b":")[-1]: first if first or not second else second for name, first, second in _ATTR.findall(raw)
    }


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _rich_text(inner: bytes) -> str:
    """Text of an <si> or <is>: its <t> runs joined, phonetic hints left out."""
    if b"rPh" in inner:
        inner = _PHONETIC.sub(b"", inner)
    return "".join(_text(part) for part in _TEXT.findall(inner))


def _duration_or_date(code: str) -> str | None:
    """ "date", "duration" or None for a custom number format code."""
    plain = re.sub(r'"[^"]*"|\\.|_.|\*.', "", code.split(";")[0])
    if re.search(r"\[(?:h+|m+|s+)\]", plain, re.IGNORECASE):
        return "duration"
    plain = re.sub(r"\[[^\]]*\]", "", plain)
    if re.search(r"[dmyhse]", plain, re.IGNORECASE) and not re.search(r"[#0?]", plain):
        return "date"
    return None


class SharedStrings:
    """The shared-strings table as one UTF-8 buffer and offsets (a million strings cost their
    bytes and 8 bytes each, not a Python object each)."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.offsets = array("Q", [0])
        self.cache: dict[int, str] = {}

    def append(self, text: str) -> None:
        self.data += text.encode("utf-8")
        self.offsets.append(len(self.data))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __iter__(self) -> Iterator[str]:
        data, offsets = self.data, self.offsets
        for index in range(len(self)):
            yield bytes(data[offsets[index] : offsets[index + 1]]).decode("utf-8")

    def __getitem__(self, index: int) -> str:
        text = self.cache.get(index)
        if text is None:
            text = bytes(self.data[self.offsets[index] : self.offsets[index + 1]]).decode("utf-8")
            if len(self.cache) > 65_536:
                self.cache.clear()
            self.cache[index] = text
        return text


class XlsxBook:
    """An .xlsx (or .xlsm) workbook whose sheets are streamed."""

    def __init__(self, archive: GuardedZip, *, filename: str, limits: Limits):
        self.archive = archive
        self.filename = filename
        self.limits = limits
        names = archive.names()
        if "xl/workbook.bin" in names:
            raise FileRefused(f"Формат .xlsb не поддерживается: сохраните «{filename}» в Excel как .xlsx")
        workbook = self._small_part("xl/workbook.xml")
        relations = self._relations("xl/_rels/workbook.xml.rels")
        self.date1904 = bool(re.search(rb"date1904\s*=\s*[\"'](?:1|true)", workbook))
        self.sheet_parts: list[tuple[str, str]] = []
        for match in re.finditer(rb"<(?:[\w.\-]+:)?sheet(?=[\s/>])([^>]*)>", workbook):
            pairs = _ATTR.findall(match.group(1))
            name = _text(next((first or second for key, first, second in pairs if key == b"name"), b""))
            # The relationship id is the attribute "id" in the relationships namespace (r:id).
            rel = next((first or second for key, first, second in pairs if key.endswith(b":id")), b"")
            target = relations.get(rel)
            if target and target[0].endswith("/worksheet") and target[1] in names:
                self.sheet_parts.append((name, target[1]))
        styles = next((path for kind, path in relations.values() if kind.endswith("/styles")), "xl/styles.xml")
        strings = next(
            (path for kind, path in relations.values() if kind.endswith("/sharedStrings")), "xl/sharedStrings.xml"
        )
        self.date_styles, self.duration_styles = self._styles(styles) if styles in names else (set(), set())
        self.strings_part = strings if strings in names else None
        self._strings: SharedStrings | None = None

    # ---- parts ---------------------------------------------------------------------------------
    def _small_part(self, name: str) -> bytes:
        if name not in self.archive.names():
            raise FileRefused(f"Файл «{self.filename}» не является книгой Excel: нет части «{name}»")
        data = self.archive.read_member(name, limit=self.limits.max_element_bytes)
        self._refuse_dtd(data)
        return data

    def _refuse_dtd(self, data: bytes) -> None:
        # A DTD is never part of an xlsx; its entities are how "billion laughs" expands.
        if _DTD.search(data):
            raise FileRefused(
                f"Файл «{self.filename}» содержит объявления DTD (<!DOCTYPE>, <!ENTITY>), которых в книге Excel "
                "не бывает: такой файл не обрабатывается"
            )

    def _relations(self, name: str) -> dict[bytes, tuple[str, str]]:
        if name not in self.archive.names():
            return {}
        data = self._small_part(name)
        base = posixpath.dirname(posixpath.dirname(name))
        out: dict[bytes, tuple[str, str]] = {}
        for match in re.finditer(rb"<(?:[\w.\-]+:)?Relationship(?=[\s/>])([^>]*)>", data):
            attrs = _attrs(match.group(1))
            target = _text(attrs.get(b"Target", b""))
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            out[attrs.get(b"Id", b"")] = (_text(attrs.get(b"Type", b"")), path)
        return out

    def _styles(self, name: str) -> tuple[set[int], set[int]]:
        data = self._small_part(name)
        custom: dict[int, str | None] = {}
        for match in re.finditer(rb"<(?:[\w.\-]+:)?numFmt(?=[\s/>])([^>]*)>", data):
            attrs = _attrs(match.group(1))
            try:
                custom[int(attrs.get(b"numFmtId", b"-1"))] = _duration_or_date(_text(attrs.get(b"formatCode", b"")))
            except ValueError:
                continue
        dates: set[int] = set()
        durations: set[int] = set()
        block = re.search(rb"<(?:[\w.\-]+:)?cellXfs(?=[\s/>]).*?</(?:[\w.\-]+:)?cellXfs>", data, re.DOTALL)
        if block:
            xfs = re.finditer(rb"<(?:[\w.\-]+:)?xf(?=[\s/>])([^>]*)>", block.group(0))
            for index, match in enumerate(xfs):
                try:
                    fmt = int(_attrs(match.group(1)).get(b"numFmtId", b"0"))
                except ValueError:
                    continue
                kind = custom.get(fmt) if fmt in custom else ("date" if fmt in _BUILTIN_DATES else None)
                if fmt in _BUILTIN_DURATIONS and fmt not in custom:
                    kind = "duration"
                if kind == "date":
                    dates.add(index)
                elif kind == "duration":
                    durations.add(index)
        return dates, durations

    @property
    def strings(self) -> SharedStrings:
        if self._strings is None:
            self._strings = self._load_strings()
        return self._strings

    def _load_strings(self) -> SharedStrings:
        strings = SharedStrings()
        if self.strings_part is None:
            return strings
        limit = self.limits.max_shared_strings
        carry = b""
        for chunk in self.archive.iter_member(self.strings_part, limit=limit, what="общие строки"):
            data = carry + chunk
            cut = _last_end(_SI_END, data)
            if cut < 0:
                if len(data) > self.limits.max_element_bytes:
                    raise self._element_too_big("строка")
                carry = data
                continue
            carry = data[cut:]
            self._parse_strings(data[:cut], strings)
        if carry.strip():
            self._parse_strings(carry, strings)
        return strings

    def _parse_strings(self, data: bytes, strings: SharedStrings) -> None:
        if _DTD.search(data):
            self._refuse_dtd(data)
        fast = _SI_FAST.findall(data)
        if len(fast) == len(_SI_START.findall(data)):
            for raw in fast:
                strings.append(raw.decode("utf-8", errors="replace"))
            return
        for inner in _SI.findall(data):
            strings.append(_rich_text(inner) if inner else "")

    def _element_too_big(self, what: str) -> FileRefused:
        return FileRefused(
            f"В файле «{self.filename}» {what} занимает больше {self.limits.max_element_bytes >> 20} МБ: "
            "такой файл не обрабатывается"
        )

    # ---- sheets --------------------------------------------------------------------------------
    def texts_below(self, part: str, row: int) -> set[str] | None:
        """The distinct inline texts below Excel row ``row`` of the sheet in ``part``, when every
        cell there is empty, a shared or plain inline string, a boolean or a number not formatted
        as a date or time, written the usual way (no formula, no namespace prefix). With the
        shared-strings table these are then all the texts of those rows, and a caller may judge
        them without reading the rows. None means "read them": unusual markup, rows without
        numbers, dates or other cell types."""
        styles = self.date_styles | self.duration_styles
        dated = re.compile(rb' s="(?:' + b"|".join(str(style).encode() for style in sorted(styles)) + rb')"')
        not_plain = _not_plain(styles)
        started = False
        texts: set[bytes] = set()

        def plain(data: bytes) -> bool:
            nonlocal started
            if not started:
                numbered = list(_ROW_NUMBER.finditer(data))
                if len(numbered) != data.count(b"<row"):
                    return False  # rows without numbers (or written otherwise): where row N starts is unknown
                below = next((found for found in numbered if int(found.group(1)) > row), None)
                if below is None:
                    return True
                started = True
                data = data[below.start() :]
            if not_plain.search(data) and not _plain_cells(data, dated if styles else None):
                return False
            inline = _PLAIN_INLINE.findall(data)
            if len(inline) != data.count(b"<is"):
                return False
            texts.update(inline)
            return True

        carry = b""
        for chunk in self.archive.iter_member(part, limit=self.limits.max_uncompressed):
            data = carry + chunk
            cut = _last_end(_ROW_END, data)
            if cut < 0:
                if len(data) > self.limits.max_element_bytes:
                    return None
                carry = data
                continue
            carry = data[cut:]
            if not plain(data[:cut]):
                return None
        if not plain(carry):
            return None
        # Decoded at once (no text holds a NUL); only texts with an entity or an _xHHHH_ escape
        # need `_text`.
        decoded = set(b"\0".join(texts).decode("utf-8", errors="replace").split("\0")) if texts else set()
        escaped = {text for text in decoded if "&" in text or "_x" in text}
        return (decoded - escaped) | {_text(text.encode()) for text in escaped}

    def sheets(self) -> Iterator[tuple[str, Iterator[list]]]:
        for name, part in self.sheet_parts:
            yield name, self.rows(name, part)

    def rows(self, sheet: str, part: str) -> Iterator[list]:
        """The sheet's rows, from row 1, each from column A to its last cell."""
        state = _SheetState(self, sheet)
        carry = b""
        limit = self.limits.max_uncompressed
        for chunk in self.archive.iter_member(part, limit=limit):
            data = carry + chunk
            cut = _last_end(_ROW_END, data)
            if cut < 0:
                cut = _last_end(_CELL_END, data)
            if cut < 0:
                if len(data) > self.limits.max_element_bytes:
                    raise self._element_too_big("одна строка листа")
                carry = data
                continue
            carry = data[cut:]
            yield from state.feed(data[:cut])
        if carry:
            yield from state.feed(carry)
        yield from state.finish()


def _not_plain(styles: set[int]) -> re.Pattern[bytes]:
    """A tag other than those `_plain_cells` finds plain, written the usual way: a row, a cell
    with r first and at most a style (not a date's) and a plain type, a number, a plain inline
    string, a closing tag. Where there is none, `_plain_cells` need not look (one pass, not
    seven); where there is one, it decides."""
    style = rb'(?: s="' + b"".join(rb"(?!" + str(id).encode() + rb'")' for id in sorted(styles)) + rb'\d+")?'
    cell = rb'c r="[A-Z]+\d+"' + style + rb'(?: t="(?:s|n|b|inlineStr)")?/?>'
    return re.compile(rb"<(?!" + cell + rb"|v>[0-9.eE+\-]*<|/|is><t>|t>|row[ >])")


def _plain_cells(data: bytes, dated: re.Pattern[bytes] | None) -> bool:
    # Plain substring tests first: a regular expression that may start at every "<" is slow.
    return not (
        (b"<!" in data and _DTD.search(data))
        or (b"<f" in data and _FORMULA.search(data))
        or any(prefixed in data for prefixed in _PREFIXED)
        or _ODD_CELL_START.search(data)
        or _TEXT_TYPE.search(data)
        or _NOT_NUMBER.search(data)
        or (dated is not None and dated.search(data))
    )


def _last_end(pattern: re.Pattern[bytes], data: bytes) -> int:
    """Index just past the last match of ``pattern`` in the tail of ``data`` (-1 if none)."""
    start = len(data)
    window = 1 << 16
    while start > 0:
        start = max(0, start - window)
        end = -1
        for found in pattern.finditer(data, start):
            end = found.end()
        if end >= 0:
            return end
        window *= 4
    return -1


# How `_SheetState._fast` reads a cell's value, by its type and style.
_AS_NUMBER, _AS_DATE, _AS_SHARED, _AS_INLINE, _AS_EMPTY, _AS_TYPED = range(6)
_READS = {b"s": _AS_SHARED, b"inlineStr": _AS_INLINE, b"/": _AS_EMPTY}


class _LetterRuns(dict):
    """n → the letters of the first n columns (b"A", b"B", …), as a row written whole has them."""

    def __missing__(self, count: int) -> tuple[bytes, ...] | None:
        if count > MAX_COL:
            return None
        run = self[count] = tuple(column_letters(index).encode() for index in range(count))
        return run


_LETTERS = _LetterRuns()


class _CellValues(dict):
    """What follows a usual cell's r (attributes and value) → the cell's value, for the distinct
    ones of a sheet up to a bound."""

    def __init__(self, convert) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, rest: bytes):
        value = self.convert(rest)
        if len(self) >= 65_536:
            self.clear()
        self[rest] = value
        return value


class _SheetState:
    """Rows of one sheet being assembled as chunks of its XML come in."""

    def __init__(self, book: XlsxBook, sheet: str):
        self.book = book
        self.sheet = sheet
        self.emitted = 0  # rows yielded so far (Excel rows 1..emitted)
        self.row_number = 0  # the row being assembled (0: none yet)
        self.row: list = []
        self.col = -1  # last column written in the row (for cells without r)
        self.cells = 0  # cells produced, padding included
        self.written = 0  # cells written in the file
        self.width = 0  # the longest row so far
        self.max_cells = book.limits.max_cells
        self.kinds: dict[bytes, tuple[int, int, bytes]] = {}
        self.values = _CellValues(self._value)
        self.epoch = dt.datetime(1904, 1, 1) if book.date1904 else dt.datetime(1899, 12, 30)

    def feed(self, data: bytes) -> Iterator[list]:
        if not _UNUSUAL.search(data):
            rows = [_FAST_CELL.findall(piece) for piece in data.split(b"</row>")]
            if sum(map(len, rows)) == data.count(b"<c "):
                yield from self._fast(rows)
                return
        if _DTD.search(data):
            self.book._refuse_dtd(data)
        if b"<f" in data or b":f" in data:
            self._refuse_formulas(data)
        # The usual pattern holds for every cell of the chunk: as many matches as cells, no
        # namespace prefix, no inline string other than a plain <is><t>. A cell never spans a
        # row end, so the chunk's cells are found row by row.
        if not _ODD_CELL_START.search(data) and b":c" not in data and data.count(b"<is>") == data.count(b"<is><t>"):
            rows = [_FAST_CELL.findall(piece) for piece in data.split(b"</row>")]
            if sum(map(len, rows)) == data.count(b"<c "):
                yield from self._fast(rows)
                return
        yield from self._general(data)

    def _cell_kind(self, attrs: bytes) -> tuple[int, int, bytes]:
        """(how to read the value, style, type) of a cell's attributes after r; type b"/" for a
        cell without a value."""
        parsed = _attrs(attrs)
        style = parsed.get(b"s", b"0").strip()
        style_id = int(style) if style.isdigit() else 0
        kind = b"/" if attrs.rstrip().endswith(b"/") else parsed.get(b"t", b"n").strip()
        if kind == b"n":
            dated = style_id in self.book.date_styles or style_id in self.book.duration_styles
            return (_AS_DATE if dated else _AS_NUMBER), style_id, kind
        return _READS.get(kind, _AS_TYPED), style_id, kind

    def _value(self, rest: bytes):
        """The value of a usual cell from what follows its r: attributes, then <v>…</v>,
        <is><t>…</t></is> or nothing."""
        if rest.startswith(b' t="inlineStr"><is><t>'):
            return _text(rest[22:-9])  # as below, for the usual text of a column of codes
        end = rest.index(b">")
        # Whitespace before the value is written by tools that indent their XML.
        attrs, content = rest[:end], rest[end + 1 :].lstrip()
        described = self.kinds.get(attrs)
        if described is None:
            described = self.kinds[attrs] = self._cell_kind(attrs)
        read, style, kind = described
        if content.startswith(b"<v>"):
            value, inline = content[3:-4], b""
        else:
            value, inline = b"", content[7:-9]
        if read == _AS_NUMBER:
            if not value:
                return ""
            try:
                return float(value)
            except ValueError:
                return _text(value)
        if read == _AS_INLINE:
            return _text(inline)
        if read == _AS_SHARED:
            return self._shared(self.book.strings, value)
        if read == _AS_EMPTY:
            return ""
        if read == _AS_DATE:
            return self._number(value, style, self.book.date_styles, self.book.duration_styles) if value else ""
        return self._typed(kind, value)

    def _fast(self, rows: list[list[tuple[bytes, bytes, bytes]]]) -> Iterator[list]:
        # The hot loop of a big import. A row written whole from column A, as exports write
        # them, is made at once: its values looked up by their text (a column repeats its
        # values), no work per cell in Python. Any other row goes cell by cell.
        value = self.values.__getitem__
        letters_of = _LETTERS.__getitem__
        for cells in rows:
            if not cells:
                continue
            count = len(cells)
            letters, numbers, rests = zip(*cells, strict=True)
            first = numbers[0]
            if numbers.count(first) == count and letters_of(count) == letters:
                number = int(first)
                if number == self.row_number + 1 and self.row_number:
                    # The next row: what `_start_row` does, without a generator per row.
                    row = self.row
                    if len(row) > self.width:
                        self.width = len(row)
                    yield row
                    self.emitted = number - 1
                    self.row_number = number
                    self.row = list(map(value, rests))
                    self.col = -1
                    self.cells += count
                    self.written += count
                    continue
                if number > self.row_number:
                    yield from self._start_row(number)
                    self.row = list(map(value, rests))
                    self.cells += count
                    self.written += count
                    continue
            yield from self._cells(cells)
        self._check_size()

    def _cells(self, cells: list[tuple[bytes, bytes, bytes]]) -> Iterator[list]:
        value = self.values.__getitem__
        columns = _COLUMNS
        current = b""
        row = self.row
        append = row.append
        produced = 0
        written = 0
        for letters, number, rest in cells:
            if number != current:
                current = number
                self.written += written  # counted before a jump is judged
                written = 0
                yield from self._start_row(int(number))
                row = self.row
                append = row.append
            index = columns.get(letters)
            if index is None:
                index = column_index(letters)
                if index >= MAX_COL:
                    raise self._bad_ref(letters + number)
            if index != len(row):
                gap = index - len(row)
                if gap < 0:
                    continue  # a cell written twice: the first one counts, as in calamine
                row.extend([""] * gap)
                produced += gap
            produced += 1
            written += 1
            append(value(rest))
        self.cells += produced
        self.written += written

    def _general(self, data: bytes) -> Iterator[list]:
        for match in _GENERAL.finditer(data):
            cell_attrs = match.group(3)
            if cell_attrs is None:
                # A <row>: its r, or the row after the last one.
                ref = _attrs(match.group(1)).get(b"r", b"").strip()
                number = int(ref) if ref.isdigit() else max(self.row_number, self.emitted) + 1
                if number > MAX_ROW:
                    raise self._bad_ref(ref)
                yield from self._start_row(number)
                continue
            inner = match.group(4) or b""
            attrs = _attrs(cell_attrs)
            ref = attrs.get(b"r")
            if ref:
                parsed = _REF.match(ref.strip())
                if not parsed:
                    raise self._bad_ref(ref)
                index, number = column_index(parsed.group(1).upper()), int(parsed.group(2))
                if index >= MAX_COL or number > MAX_ROW:
                    raise self._bad_ref(ref)
                if number != self.row_number:
                    yield from self._start_row(number)
            else:
                if not self.row_number:
                    yield from self._start_row(self.emitted + 1)
                index = self.col + 1
                if index >= MAX_COL:
                    raise self._bad_ref(column_letters(index).encode())
            self.col = index
            row = self.row
            gap = index - len(row)
            if gap < 0:
                continue
            if gap:
                row.extend([""] * gap)
            row.append(self._general_value(attrs, inner))
            self.cells += gap + 1
            self.written += 1
        self._check_size()

    def _check_size(self) -> None:
        """Refuse a sheet that is too large, or that spans far more rows × columns than it holds:
        a few cells in A1 and XFD1048576 are a bomb for any program that opens the file after
        this one, and a million empty rows cost time here too."""
        if self.cells > self.max_cells:
            raise self._too_many_cells()
        self.width = max(self.width, len(self.row))
        area = max(self.emitted, self.row_number) * self.width
        if area > SPARSE_FLOOR and area > SPARSE_RATIO * max(self.written, 1):
            raise FileRefused(
                f"Лист «{self.sheet}» файла «{self.book.filename}» почти пуст, но занимает "
                f"{spaced(max(self.emitted, self.row_number))} строк × {spaced(self.width)} столбцов "
                f"(заполнено ячеек: {spaced(self.written)}). Удалите лишние ячейки ниже и правее таблицы "
                "и сохраните файл заново"
            )

    def _general_value(self, attrs: dict[bytes, bytes], inner: bytes):
        kind = attrs.get(b"t", b"n").strip()
        if kind == b"inlineStr":
            found = _INLINE.search(inner)
            return _rich_text(found.group(1)) if found else ""
        found = _VALUE.search(inner)
        value = found.group(1).strip() if found else b""
        if kind == b"s":
            return self._shared(self.book.strings, value) if value else ""
        if kind == b"n":
            if not value:
                return ""
            style = attrs.get(b"s", b"0").strip()
            return self._number(
                value, int(style) if style.isdigit() else 0, self.book.date_styles, self.book.duration_styles
            )
        return self._typed(kind, value)

    def _start_row(self, number: int) -> Iterator[list]:
        """Finish the row being assembled and yield the rows up to ``number`` - 1."""
        if number <= self.row_number:
            if number == self.row_number:
                return
            raise FileRefused(
                f"Лист «{self.sheet}» файла «{self.book.filename}» повреждён: строки идут не по порядку "
                f"(строка {number} после строки {self.row_number})"
            )
        if self.row_number:
            self.width = max(self.width, len(self.row))
            yield self.row
            self.emitted = self.row_number
        if number - self.emitted > 1000:
            # A jump far down: refuse a near-empty sheet before a million empty rows go out.
            self.row_number = number
            self._check_size()
        while self.emitted < number - 1:
            self.emitted += 1
            yield []
        self.row_number = number
        self.row = []
        self.col = -1

    def finish(self) -> Iterator[list]:
        if self.row_number:
            self.width = max(self.width, len(self.row))
            yield self.row
            self.emitted = self.row_number
            self.row_number = 0

    def _shared(self, strings: SharedStrings, value: bytes):
        try:
            return strings[int(value)]
        except (ValueError, IndexError):
            raise FileRefused(
                f"Лист «{self.sheet}» файла «{self.book.filename}» повреждён: ссылка на несуществующую строку "
                f"({value[:20].decode('ascii', 'replace')})"
            ) from None

    def _number(self, value: bytes, style: int, dates: set[int], durations: set[int]):
        try:
            number = float(value)
        except ValueError:
            return _text(value)
        if style in dates:
            return self._date(number)
        if style in durations:
            return dt.timedelta(days=number) if abs(number) < 1e8 else number
        return number

    def _date(self, serial: float):
        if not 0 <= serial < 2_958_466:  # up to 9999-12-31
            return serial
        if not self.book.date1904 and serial < 61:
            # Excel's 1900 calendar has a 29 February 1900 that never was: serials before it
            # count from 31 December 1899.
            serial += 1
        if serial == int(serial):
            return (self.epoch + dt.timedelta(days=serial)).date()
        # A time of day to the millisecond, as Excel shows it (a float serial carries noise below).
        return self.epoch + dt.timedelta(milliseconds=round(serial * 86_400_000))

    def _typed(self, kind: bytes, value: bytes):
        if kind == b"b":
            return value.strip() in (b"1", b"true")
        if kind == b"e":
            return _text(value)
        if kind == b"d":
            text = _text(value).strip()
            try:
                return dt.datetime.fromisoformat(text.rstrip("Z"))
            except ValueError:
                return text
        return _text(value)

    def _refuse_formulas(self, data: bytes) -> None:
        found: list[str] = []
        for cell_attrs, inner in re.findall(
            rb"<(?:[\w.\-]+:)?c(?=[\s>])([^>]*?)>(.*?)</(?:[\w.\-]+:)?c>", data, re.DOTALL
        ):
            if _FORMULA.search(inner):
                ref = _attrs(cell_attrs).get(b"r", b"?")
                found.append(ref.decode("ascii", "replace"))
        if found:
            shown = ", ".join(found[:10]) + (f" и ещё {spaced(len(found) - 10)}" if len(found) > 10 else "")
            raise FileRefused(
                f"Лист «{self.sheet}» файла «{self.book.filename}»: в ячейках {shown} формулы. Формулы не "
                "принимаются: замените их значениями (Копировать → Специальная вставка → Значения) и загрузите "
                "файл снова"
            )

    def _bad_ref(self, ref: bytes) -> FileRefused:
        return FileRefused(
            f"Лист «{self.sheet}» файла «{self.book.filename}» повреждён: неверный адрес ячейки "
            f"«{ref[:20].decode('ascii', 'replace')}»"
        )

    def _too_many_cells(self) -> FileRefused:
        return FileRefused(
            f"Лист «{self.sheet}» файла «{self.book.filename}» слишком велик: больше {spaced(self.max_cells)} "
            "ячеек вместе с пустыми между заполненными. Удалите лишние ячейки ниже и правее таблицы или "
            "разделите файл на несколько"
        )
