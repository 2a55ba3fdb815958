"""Readers for assessment result files (ВПР, ОГЭ, ЕГЭ, КДР): format A (one row per participant)
and format B (school statistics), as described in shared/formats/IMPORT_FORMATS.md.

Pure Python apart from Django's table of column ranges (config/lib/numbers.py): the import
service calls these functions, shows the problems and writes the rows. Nothing here touches the
database, so a dry run and a real import read a file the same way.

How cell values are understood
------------------------------
* Codes (school code, participant code) are kept as text. A code typed into a *text* cell keeps
  its leading zeros ("000123"); a code stored as a *number* cannot have them (Excel already
  dropped them when the cell was typed), so the number 123.0 becomes "123".
* Whole numbers stored as floats (the opener returns every number as a float) become ints;
  "12,5" with a decimal comma is a number too.
* Names (ФИО, Фамилия, Имя, Отчество, Дата рождения) are read only to make a pseudonymous
  participant code (:func:`pseudonym`) when the file has none; they never leave this module.
* The header row is found among the first :data:`HEADER_SCAN_ROWS` non-empty rows of every
  sheet (a two-row header is read too); sheets without one are skipped. Empty rows and the header
  repeated further down (printed exports repeat it on every page) are skipped silently.
* A task score "Х" or "-" means the task was not attempted and is stored as no score.
* Every number a row holds is checked against the range of the model field it is stored in,
  narrowed by what the number means (:data:`NUMBERS`): a row the database would refuse is a
  rejected row, so the preview never promises rows the import cannot write.

Modules
-------
``types`` (limits and what the readers return), ``values`` (cell text, numbers against their
columns, subjects, classes), ``pseudonyms``, ``sources`` (the guarded opening), ``headers``
(header detection and the shared reading loop), ``students`` (format A), ``school_stats``
(format B).

Hostile input
-------------
Files come from outside, so they are opened only through :mod:`config.lib.untrusted`: sizes,
archive members, compression ratios, cell counts, DTDs and formulas are checked before anything
is read whole, and sheets are streamed row by row. Its refusals become :class:`ReaderError`.
"""

from __future__ import annotations

from monitoring.readers.headers import PERSONAL_FIELDS, REMOVED, field_labels, header_field, personal_field
from monitoring.readers.pseudonyms import birth_date_problem, pseudonym, row_pseudonym
from monitoring.readers.school_stats import read_school_stats
from monitoring.readers.sources import _notes, _opened
from monitoring.readers.students import read_student_results
from monitoring.readers.types import (
    EMPTY_RUN_LIMIT,
    HEADER_SCAN_ROWS,
    LEVELS,
    Problem,
    ReaderError,
    ReadResult,
    SchoolStatRow,
    StudentRows,
)
from monitoring.readers.values import NUMBERS, TEXTS, _cell_text, normalize_subject, parse_class

__all__ = [
    "EMPTY_RUN_LIMIT",
    "HEADER_SCAN_ROWS",
    "LEVELS",
    "NUMBERS",
    "PERSONAL_FIELDS",
    "Problem",
    "REMOVED",
    "ReadResult",
    "ReaderError",
    "SchoolStatRow",
    "StudentRows",
    "TEXTS",
    "birth_date_problem",
    "field_labels",
    "header_field",
    "normalize_subject",
    "parse_class",
    "personal_field",
    "pseudonym",
    "read_school_stats",
    "read_student_results",
    "row_pseudonym",
    # The guarded opening and cell text, shared with monitoring.personal_data.
    "_cell_text",
    "_notes",
    "_opened",
]
