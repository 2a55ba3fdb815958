"""What a methodist is told about the files the product reads: each column of the product's own
formats (A — results of participants, B — statistics by school) in words, a template workbook per
format with a sheet that explains its columns, and the layouts of real exports it also accepts.

The column names come from the readers' own synonym lists, so the guide cannot drift from what is
read: a test reads every template back through the importer."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from config.lib.xlsx import deterministic_workbook, safe_row
from monitoring.readers.headers import _A_SYNONYMS, _B_SYNONYMS
from monitoring.readers.layouts import LAYOUTS


@dataclass(frozen=True)
class Column:
    field: str  # the reader's field (its synonyms give the header and the other names)
    required: str
    values: str
    example: tuple = ()  # the template's example rows, one value each


#: Format A, one row per participant and work (IMPORT_FORMATS.md, section A). Names and birth
#: dates are not offered: the template never asks for them (they are never stored either).
STUDENTS = (
    Column("school_code", "да", "код ОО в ФИС ОКО (sch…) или в РЦОИ; ведущие нули сохраняются", ("sch710201", "sch710201")),
    Column("class_name", "нет", "«5А», «5 А», «5-а»; параллель берётся из класса, если её нет", ("5А", "5Б")),
    Column("grade", "нет", "1–11", (5, 5)),
    Column("subject", "да, если не выбран для всего файла", "название предмета: «Математика», «Русский язык»", ("Математика", "Математика")),
    Column("participant_code", "нет (нужен для показателей динамики)", "код участника, ведущие нули сохраняются", ("000101", "000102")),
    Column("variant", "нет", "целое число", (1, 2)),
    Column("primary_score", "нет", "целое ≥ 0, не больше максимального балла", (12, 7)),
    Column("test_score", "для ЕГЭ", "0–100", ("", "")),
    Column("mark", "для ВПР и ОГЭ", "2, 3, 4 или 5", (5, 3)),
    Column("level", "для КДР", "недостаточный, пониженный (ниже базового), базовый, повышенный (выше базового)", ("", "")),
    Column("journal_mark", "для ВПР (объективность)", "2–5 или пусто", (4, 4)),
    Column("control_group", "для КДР", "да/нет, 1/0, «+» или пусто", ("", "")),
    Column("ovz", "нет", "да/нет", ("нет", "да")),
    Column("absent", "нет", "отметка об отсутствии: такая строка считается неявкой, а не результатом", ("", "")),
)  # fmt: skip
#: Task columns: «1», «2», «4(1)»… after the fixed ones; each an integer score ≥ 0 or empty.
TASKS = (("1", (1, 0)), ("2", (2, 1)), ("3", (1, 1)))

#: Format B, one row per school, subject and grade (IMPORT_FORMATS.md, section B).
SCHOOL_STATS = (
    Column("school_code", "да", "код ОО", ("sch710201", "sch710202")),
    Column("school_name", "нет", "сверяется с реестром; расхождение — предупреждение", ("МБОУ СОШ № 4", "МБОУ СОШ № 5")),
    Column("subject", "да, если не выбран для всего файла", "как в формате A", ("Математика", "Математика")),
    Column("grade", "да, если не выбрана для всего файла", "1–11", (5, 5)),
    Column("participants", "да", "целое > 0", (24, 18)),
    Column("mark_2", "да", "число участников с отметкой «2» или доля в % (доли в сумме 100 ± 0,5)", (2, 1)),
    Column("mark_3", "да", "то же для «3»", (8, 6)),
    Column("mark_4", "да", "то же для «4»", (10, 8)),
    Column("mark_5", "да", "то же для «5»", (4, 3)),
)  # fmt: skip

FORMATS = {
    "students": ("Результаты участников (формат A)", STUDENTS, _A_SYNONYMS),
    "school_stats": ("Статистика по ОО (формат B)", SCHOOL_STATS, _B_SYNONYMS),
}
PERSONAL_NOTE = (
    "ФИО и дату рождения указывать не нужно. Если они есть в файле, из них только делается обезличенный "
    "код участника (когда нет своего), а сами они не сохраняются."
)


def guide_rows(format: str) -> list[tuple[str, str, str, str]]:
    """(header, other names, required, values) for every column of the format."""
    _, columns, synonyms = FORMATS[format]
    rows = [(synonyms[c.field][0], ", ".join(synonyms[c.field][1:]), c.required, c.values) for c in columns]
    if format == "students":
        rows.append(
            ("1, 2, 3, 4(1), …", "«№ 4(1)», «Задание 4.1», «12К1»", "нет", "баллы за задания: целое ≥ 0 или пусто")
        )
    return rows


def accepted_layouts(format: str) -> list[str]:
    """The exports as authorities receive them that the product reads for this format as they are."""
    return [layout.title for layout in LAYOUTS if format in layout.formats]


def template_xlsx(format: str) -> bytes:
    """A workbook to fill: sheet «Данные» with the format's headers and two example rows, sheet
    «Описание столбцов» with what each column takes."""
    title, columns, synonyms = FORMATS[format]
    book = Workbook()
    data = book.active
    data.title = "Данные"
    headers = [synonyms[c.field][0] for c in columns]
    examples = [[c.example[i] if c.example else "" for c in columns] for i in range(2)]
    if format == "students":
        headers += [label for label, _ in TASKS]
        for i, row in enumerate(examples):
            row += [scores[i] for _, scores in TASKS]
    data.append(headers)
    for cell in data[1]:
        cell.font = Font(bold=True)
    for row in examples:
        data.append(safe_row(data, row))
    for index, header in enumerate(headers, start=1):
        data.column_dimensions[data.cell(row=1, column=index).column_letter].width = max(10, len(str(header)) + 2)

    guide = book.create_sheet("Описание столбцов")
    guide.append([title])
    guide["A1"].font = Font(bold=True, size=12)
    guide.append(["Строки 2–3 листа «Данные» — пример: замените их своими данными."])
    guide.append([PERSONAL_NOTE])
    guide.append([])
    guide.append(["Столбец", "Другие названия", "Обязателен", "Значения"])
    for cell in guide[5]:
        cell.font = Font(bold=True)
    for row in guide_rows(format):
        guide.append(safe_row(guide, row))
    layouts = accepted_layouts(format)
    if layouts:
        guide.append([])
        guide.append(["Файлы, которые принимаются как есть, без переделки в этот шаблон:"])
        for name in layouts:
            guide.append([f"— {name}"])
    for letter, width in zip("ABCD", (28, 40, 26, 70), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return deterministic_workbook(buffer.getvalue())
