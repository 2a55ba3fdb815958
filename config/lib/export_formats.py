"""The formats the admin's «Экспорт» (django-import-export) offers: CSV and XLSX, written through
config/lib/xlsx.py like every other file the product writes. tablib's own writers make text such as
«=HYPERLINK(…)» a live formula; JSON, YAML, HTML and TSV are not offered."""

from import_export.formats import base_formats

from config.lib.xlsx import csv_text, workbook_bytes


class CSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs) -> str:
        return csv_text(dataset.headers or [], dataset)


class XLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs) -> bytes:
        return workbook_bytes(dataset.headers or [], dataset, title=dataset.title or "Лист1")


EXPORT_FORMATS = [CSV, XLSX]
