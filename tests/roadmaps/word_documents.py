"""Word plans built with python-docx for the import tests, the browser test and the bench: the
layouts of seeds 000, 002 and 003, with merged cells as Word writes them (`a.merge(b)`) and as
other generators do (raw XML)."""

from __future__ import annotations

import io

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HEADER_002 = ["№ п/п", "Наименование мероприятия", "Сроки", "Ответственные", "Ожидаемый результат", "Показатель"]
HEADER_003 = ["ГОД", "Региональный уровень", "Муниципальный уровень", "Уровень ОО"]
HEADER_000 = [
    "№ п/п",
    "Описание мероприятий",
    "Сроки реализации",
    "Ответственные исполнители",
    "Перечень действий",
    "Результат",
    "Примечание",
]


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fill(row, values) -> None:
    for cell, value in zip(row.cells, values, strict=False):
        if isinstance(value, list):  # paragraphs of a cell
            cell.text = value[0]
            for line in value[1:]:
                cell.add_paragraph(line)
        else:
            cell.text = value


def spanning(table, text: str):
    """A row whose one cell spans the table (gridSpan): a section heading."""
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    merged.text = text
    return row


def mark_repeated_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def plan_002(*, repeated_header: bool = False) -> bytes:
    """Seed 002: the order's appendix, numbered headings across the table, «Сроки» and
    «Ответственные» merged down over two measures."""
    document = docx.Document()
    for line in ["Приложение 1", "к приказу Департамента образования", "от 27.08.2021 № 158"]:
        document.add_paragraph(line)
    document.add_paragraph("")
    document.add_paragraph(
        'План мероприятий ("дорожная карта" 1.1.) по развитию в Сарове муниципальной системы оценки '
        "качества подготовки обучающихся на 2021-2022 уч. год"
    )
    table = document.add_table(rows=1, cols=6)
    fill(table.rows[0], HEADER_002)
    if repeated_header:
        mark_repeated_header(table.rows[0])
    spanning(table, "1. Мероприятия с руководителями образовательных организаций")
    fill(
        table.add_row(),
        ["1.1.", "Совещание по итогам ВПР", "Август-сентябрь ежегодно", "Управление образования", "Протокол", "100 %"],
    )
    first = table.add_row()
    fill(first, ["1.2.", "Семинар для руководителей ОО", "Февраль 2022", "СОШ № 1, ИМЦ «Развитие»", "Проведён", ""])
    second = table.add_row()
    fill(second, ["1.3.", "Круглый стол по объективности", "", "", "Справка", ""])
    first.cells[2].merge(second.cells[2])  # one deadline for both (vMerge)
    first.cells[3].merge(second.cells[3])  # one executor line for both
    spanning(table, "2. Работа с родителями")
    fill(
        table.add_row(),
        [
            "2.1.",
            ["Родительское собрание", "– подготовка материалов", "– проведение собрания"],
            "по графику министерства",
            "Руководители ОО",
            "Информированы родители",
            "",
        ],
    )
    if repeated_header:
        again = table.add_row()
        fill(again, HEADER_002)
    fill(table.add_row(), ["2.2.", "Акция «ЕГЭ для родителей»", "Март 2022 г.", "Департамент образования", "", ""])
    return save(document)


def plan_003() -> bytes:
    """Seed 003: year by level; the ГОД cell merged down over the year's measures; the header
    repeated on the next page (tblHeader and typed again); «-» for an empty level."""
    document = docx.Document()
    document.add_paragraph(
        "К проекту Дорожной карты по развитию региональной системы оценки качества образования на 2019-2020 годы"
    )
    document.add_paragraph("Система оценки качества подготовки обучающихся")
    table = document.add_table(rows=1, cols=4)
    fill(table.rows[0], HEADER_003)
    mark_repeated_header(table.rows[0])
    rows = [
        ["2019", "Формирование банка КИМ", "Участие в формировании банка КИМ", "Использование КИМ"],
        ["", "Определение перечня оценочных процедур", "-", "Участие в процедурах"],
        ["", "Проведение региональных процедур", "Организация процедур", "-"],
    ]
    made = []
    for values in rows:
        row = table.add_row()
        fill(row, values)
        made.append(row)
    made[0].cells[0].merge(made[2].cells[0])
    header_again = table.add_row()
    fill(header_again, HEADER_003)
    mark_repeated_header(header_again)
    second = []
    for values in [
        ["2020", "Мониторинг достижения показателей", "Мониторинг на муниципальном уровне", "Самооценка ОО"],
        ["", "Подготовка адресных рекомендаций", "Доведение рекомендаций до ОО", "-"],
    ]:
        row = table.add_row()
        fill(row, values)
        second.append(row)
    second[0].cells[0].merge(second[1].cells[0])
    return save(document)


def plan_000() -> bytes:
    """Seed 000: «Утверждаю», direction → track → function rows, steps with lists of actions."""
    document = docx.Document()
    for line in [
        "«Утверждаю»",
        "Начальник управления образования",
        "администрации Новоузенского",
        "муниципального района",
        "_____ Т.В. Разуваева",
        "",
        "План мероприятий",
        "по реализации адресных рекомендаций на 2022-2023 учебный год",
        "Новоузенский муниципальный район",
    ]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=7)
    fill(table.rows[0], HEADER_000)
    spanning(table, "1.1. Система оценки качества подготовки обучающихся (далее - ОКПО)")
    spanning(table, "Трек 1: Объективность оценки качества подготовки обучающихся")
    spanning(table, "Функция: принятие муниципальных мер в рамках реализации регионального управленческого цикла")
    fill(
        table.add_row(),
        [
            "1.",
            "Обсуждение регионального анализа результатов мониторинга",
            "Август",
            "Управление образования, руководители ОО",
            ["- проведено совещание", "- доведена информация"],
            "Протокол совещания",
            "",
        ],
    )
    fill(
        table.add_row(),
        ["2.", "Информирование о региональных документах", "Август-сентябрь", "Управление образования", "", "", ""],
    )
    # the next track of the same direction: its steps are numbered from one again
    spanning(table, "Трек 2: Сбалансированность системы оценки качества подготовки обучающихся")
    spanning(table, "Функция: реализация полного управленческого цикла на муниципальном уровне")
    fill(table.add_row(), ["1.", "Корректировка системы показателей", "Сентябрь", "Руководители ОО", "", "", ""])
    # the direction numbered and worded as the document has it (seed 000: «2. Система работы со
    # школами с низкими образовательными результатами …» for the catalogue's 1.2)
    spanning(
        table,
        "2. Система работы со школами с низкими образовательными результатами и/или школами, "
        "функционирующими в неблагоприятных социальных условиях",
    )
    spanning(table, "Трек 4: Работа с родителями")  # not in the catalogue
    fill(
        table.add_row(),
        ["1.", "Диагностика компетенций педагогов", "Сентябрь - октябрь 2022 г.", "МБОУ ДПО МЦ", "", "", "в школах"],
    )
    return save(document)


def irregular_vmerge() -> bytes:
    """What other generators write: a vMerge «continue» with no restart above, a row with fewer
    cells than the grid, gridBefore, a gridSpan on a header cell."""
    document = docx.Document()
    document.add_paragraph("План мероприятий на 2022 год")
    table = document.add_table(rows=4, cols=4)
    fill(table.rows[0], ["№", "Мероприятие", "Срок", "Ответственный"])
    fill(table.rows[1], ["1", "Первое", "Май 2022 г.", "СОШ № 1"])
    fill(table.rows[2], ["2", "Второе", "", ""])
    fill(table.rows[3], ["3", "Третье", "Июнь 2022 г.", ""])
    # row 3: deadline continues the cell above though nothing restarted it
    _vmerge(table.rows[2].cells[2], None)
    # row 4: the last cell is missing (fewer cells than the grid)
    tr = table.rows[3]._tr
    tr.remove(tr.findall(qn("w:tc"))[-1])
    # a fifth row: gridBefore=1 (no number cell), text starting with a capital → a measure
    row = table.add_row()._tr
    for tc in row.findall(qn("w:tc"))[:1]:
        row.remove(tc)
    tr_pr = row.get_or_add_trPr()
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr_pr.append(before)
    cells = row.findall(qn("w:tc"))
    for tc, text in zip(cells, ["Четвёртое", "Июль 2022 г.", "СОШ с. Дюрметь"], strict=True):
        tc.findall(qn("w:p"))[0].append(_run(text))
    return save(document)


def _run(text: str):
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    r.append(t)
    return r


def _vmerge(cell, value) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    element = OxmlElement("w:vMerge")
    if value:
        element.set(qn("w:val"), value)
    tc_pr.append(element)
    for p in cell._tc.findall(qn("w:p")):
        for r in p.findall(qn("w:r")):
            p.remove(r)


def no_tables() -> bytes:
    document = docx.Document()
    document.add_paragraph("План мероприятий на 2022 год")
    document.add_paragraph("1. Совещание — август")
    return save(document)


def unknown_header() -> bytes:
    document = docx.Document()
    document.add_paragraph("Список участников")
    table = document.add_table(rows=2, cols=3)
    fill(table.rows[0], ["Фамилия", "Имя", "Класс"])
    fill(table.rows[1], ["Иванов", "Иван", "5"])
    return save(document)


def big_plan(rows: int = 300) -> bytes:
    """A seed 002 plan of `rows` measures under headings of ten, for the bench."""
    document = docx.Document()
    document.add_paragraph("План мероприятий («дорожная карта» 1.1) на 2021-2022 учебный год")
    table = document.add_table(rows=1, cols=6)
    fill(table.rows[0], HEADER_002)
    deadlines = ["Август 2021 г.", "Сентябрь-октябрь ежегодно", "Ежеквартально", "До 25.12.2021", "Май 2022 г."]
    for index in range(rows):
        heading, position = divmod(index, 10)
        if position == 0:
            spanning(table, f"{heading + 1}. Раздел плана номер {heading + 1}")
        fill(
            table.add_row(),
            [
                f"{heading + 1}.{position + 1}.",
                f"Мероприятие {index + 1}: совещание по итогам оценочных процедур",
                deadlines[index % len(deadlines)],
                "Управление образования, СОШ № 1",
                "Протокол совещания",
                "",
            ],
        )
    return save(document)


def ole_bytes() -> bytes:
    """The head of an old .doc (an OLE compound file), as the tests need it: not a zip."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def compound_file(stream_name: str, size: int = 4096) -> bytes:
    """A minimal OLE compound file (CFB v3) holding one stream: «EncryptedPackage» is what Word
    writes for a password-protected .docx, «WordDocument» is an old .doc."""
    import struct

    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    data_sectors = size // 512
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 68, end)  # no DIFAT sectors
    struct.pack_into("<I", header, 72, 0)
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    for index in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * index, free)
    fat = [fat_sector, end] + [3 + i for i in range(data_sectors - 1)] + [end]
    fat += [free] * (128 - len(fat))
    fat_bytes = struct.pack("<128I", *fat)

    def entry(name: str, kind: int, child: int, start: int, length: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, free, free, child)
        struct.pack_into("<II", raw, 116, start, length)
        return bytes(raw)

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, free, 2, size) + bytes(256)
    return bytes(header) + fat_bytes + directory + b"\x01" * size


def zip_bomb() -> bytes:
    """A .docx whose document.xml unpacks from 300 KB to 300 MB."""
    from tests.hardening.hostile_files import _deflated_member, _zip_with_raw

    info, compressed = _deflated_member("word/document.xml", 300 << 20, b" ")
    return _zip_with_raw([(info, compressed)], {"[Content_Types].xml": b"<Types/>"})
