"""The import format of the admin's «Импорт» (django-import-export): every file through the guard.

import-export would read an .xlsx with openpyxl and an .xls with xlrd, outside the limits that
every other upload has; this format reads any table with `open_table` and takes the first
non-empty row of the first sheet as the header.
"""

from __future__ import annotations

import datetime as dt

import tablib
from import_export.formats.base_formats import Format

from config.lib.untrusted.limits import DEFAULT, FileRefused
from config.lib.untrusted.tables import open_table

#: The admin's import runs in the request like the registry page (django-import-export checks
#: about 400 rows a second): a region's organisations fit, a mistaken file is refused at once.
MAX_ROWS = 5_000


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and not (value.hour or value.minute or value.second):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else str(value).strip()


class GuardedTable(Format):
    """«Таблица (xlsx, xls, ods, csv)»: FileRefused's Russian message is shown on the form."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # import-export passes it; the guarded opener finds the encoding itself

    def get_title(self):
        return "Таблица (xlsx, xls, ods, csv)"

    def get_extension(self):
        return "xlsx"

    def can_import(self):
        return True

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8")
        limits = DEFAULT.but(max_bytes=25 << 20)
        with open_table(data, filename="файл импорта", limits=limits) as table:
            _, rows = next(table.sheets, ("", iter(())))
            dataset = None
            for row in rows:
                values = [_text(value) for value in row]
                if dataset is None:
                    if not any(values):
                        continue
                    while values and not values[-1]:
                        values.pop()
                    dataset = tablib.Dataset(headers=values)
                    continue
                if not any(values):
                    continue
                if dataset.height >= MAX_ROWS:
                    raise ValueError(f"В файле больше {MAX_ROWS} строк: разделите его на несколько")
                width = dataset.width
                dataset.append((values + [""] * width)[:width])
        return dataset if dataset is not None else tablib.Dataset()


class GuardedImportMixin:
    """For an ImportExportModelAdmin: files read through `GuardedTable`, and a refusal shown as
    the guard words it (import-export would show only the exception's class name, in English)."""

    import_formats = [GuardedTable]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, (FileRefused, ValueError)):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", f"Файл не читается как таблица ({type(e).__name__}): сохраните его как .xlsx")
