"""Writes of the monitoring app: result imports (preview, import, statistics) and the ЕГЭ minimums.

The reading and row validation live in `monitoring.readers` (which knows nothing of the
registry); this module checks school codes against the municipality's organisations in memory,
assigns each row to its assessment, and writes in bulk: PostgreSQL COPY from an in-memory TSV
buffer, `bulk_create` elsewhere. Every write of one file happens in one transaction, so a job
that dies halfway leaves the previous results untouched.
"""

from __future__ import annotations

import hashlib
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from config.audit.services import audit_record
from config.lib.numbers import Range, parse_number
from config.lib.storage import local_copy
from config.lib.untrusted import FileRefused, open_table
from config.lib.xlsx import safe_row
from monitoring import personal_data, readers
from monitoring.models import Assessment, EgeMinScore, HeaderMapping, ResultImport, SchoolStat, StudentResult
from monitoring.partitions import results_partition_ensure
from roadmaps.models import Notification
from roadmaps.notifications.services import notification_create
from schools.access import access_for
from schools.models import Municipality, Organization

Progress = Callable[..., None]

MAX_ROWS = settings.IMPORT_MAX_ROWS
MAX_BYTES = settings.IMPORT_MAX_MB * 1024 * 1024
COPY_BATCH = 5_000
PROBLEMS_KEPT = 10_000  # bulk_create batch on databases without COPY

SCALE_BY_KIND = {
    Assessment.Kind.VPR: Assessment.Scale.MARKS,
    Assessment.Kind.OGE: Assessment.Scale.MARKS,
    Assessment.Kind.EGE: Assessment.Scale.TEST_SCORES,
    Assessment.Kind.KDR: Assessment.Scale.LEVELS,
    # НИКО: ФИС ОКО gives its participants marks 2–5 like ВПР
    Assessment.Kind.NIKO: Assessment.Scale.MARKS,
}
READER_KINDS = {"vpr", "oge", "ege", "kdr", "niko"}
#: Academic years (by the year they end in) results are loaded and computed for.
ACADEMIC_YEARS = Range(2000, 2100)
UNKNOWN_SCHOOL = "Неизвестный код ОО: организации с таким кодом нет в реестре муниципалитета «{municipality}»"
NOT_SCHOOL = "Код ОО принадлежит организации, которая не является школой: «{name}»"
NOTHING_TO_TAKE = "В файле нет ни одной строки с результатами (или все участники отсутствовали): ничего не записано"


class ResultImportError(Exception):
    """The import cannot go on; the message is Russian and meant for the person who started it."""


@dataclass
class Outcome:
    """What reading and checking a file gave: the numbers the page, the command and --json show."""

    read: int = 0
    absent: int = 0
    rejected: int = 0
    imported: int = 0
    problems: list[dict] = field(default_factory=list)
    unknown_schools: list[dict] = field(default_factory=list)
    schools: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    grades: list[int] = field(default_factory=list)
    duplicate_of: int | None = None
    name_columns: list[str] = field(default_factory=list)
    #: What the file says about itself, a dict per block a layout recognised (ФИС ОКО, РЦОИ).
    found: list[dict] = field(default_factory=list)
    #: Rows a layout left out (group lines, footers): named, not rejected.
    skipped: list[dict] = field(default_factory=list)
    #: The tasks in the order of task_scores: [{"label", "max", "difficulty"}].
    tasks: list[dict] = field(default_factory=list)
    #: Header cells nothing answers to: the preview offers to map them.
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def to_take(self) -> int:
        return self.read - self.absent - self.rejected

    def as_json(self) -> dict:
        return {
            "read": self.read,
            "imported": self.imported,
            "absent": self.absent,
            "rejected": self.rejected,
            "problems": self.problems,
            "found": self.found,
            "skipped": self.skipped,
        }


# --------------------------------------------------------------------------- creating an import


def file_checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def result_import_create(
    *,
    municipality: Municipality,
    data: bytes,
    filename: str,
    kind: str,
    year: int,
    subject: str = "",
    grade: int | None = None,
    format: str = ResultImport.Format.STUDENTS,
    user=None,
) -> ResultImport:
    """Record an upload: the SHA-256 checksum of the bytes as uploaded (the same file again is
    recognised by it) and the copy of the file without children's names, birth dates and
    documents (`monitoring.personal_data`), made here, before anything is saved, so the uploaded
    bytes never reach the disk. Nothing is imported yet."""
    if kind not in READER_KINDS:
        raise ResultImportError(f"Вид процедуры «{kind}» не загружается из файла: выберите ВПР, ОГЭ, ЕГЭ, КДР или НИКО")
    if not ACADEMIC_YEARS.holds(parse_number(year)):
        raise ResultImportError(f"Учебный год «{year}» вне допустимого диапазона (год окончания, например 2024)")
    grades = readers.NUMBERS["grade"].allowed
    if grade is not None and not grades.holds(grade):
        raise ResultImportError(f"Параллель «{grade}» для всего файла вне диапазона: ожидается {grades.describe()}")
    subject = readers.normalize_subject(subject) if subject else ""
    if len(subject) > readers.TEXTS["subject"].max_length:
        raise ResultImportError(f"Предмет для всего файла длиннее {readers.TEXTS['subject'].max_length} символов")
    name = Path(filename).name
    kept = personal_data.depersonalise(
        data,
        filename=name,
        key=settings.PSEUDONYM_KEY.encode(),
        students=format == ResultImport.Format.STUDENTS,
        max_bytes=MAX_BYTES,
    )
    result_import = ResultImport(
        municipality=municipality,
        original_name=name[:255],
        checksum=file_checksum(data),
        format=format,
        kind=kind,
        year=int(year),
        subject=subject,
        grade=grade,
        created_by=user if user is not None and user.is_authenticated else None,
        summary={
            "kept": {
                "rewritten": kept.rewritten,
                "personal_columns": kept.personal_columns,
                "notes": [_problem(p.sheet, p.row, p.column, p.value, p.reason) for p in kept.notes],
                "error": None
                if kept.error is None
                else {
                    "message": str(kept.error),
                    "problems": [_problem(p.sheet, p.row, p.column, p.value, p.reason) for p in kept.error.problems],
                },
            }
        },
    )
    with transaction.atomic():
        if kept.content is not None:
            result_import.file.save(kept.name, ContentFile(kept.content), save=False)
        result_import.save()
    return result_import


def _kept(result_import: ResultImport) -> dict:
    """What result_import_create recorded about the kept copy ({} for uploads made before it)."""
    return result_import.summary.get("kept") or {}


def result_import_discard(*, result_import: ResultImport) -> None:
    """Delete an import record with its kept copy and rejected-rows workbook (a dry run of the
    command, a preview never confirmed). A copy shared with another record (the same file
    imported twice keeps one copy) stays for that record."""
    for stored in (result_import.file, result_import.rejected_file):
        if stored and not ResultImport.objects.exclude(pk=result_import.pk).filter(file=stored.name).exists():
            stored.delete(save=False)
    result_import.delete()


def result_imports_expire(*, now=None) -> int:
    """Delete the uploads never imported (checked, refused or failed, not being processed) that
    are older than IMPORT_PREVIEW_HOURS: a preview left unconfirmed does not keep its file."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IMPORT_PREVIEW_HOURS)
    stale = (
        ResultImport.objects.filter(
            created_at__lt=cutoff,
            status__in=[
                ResultImport.Status.UPLOADED,
                ResultImport.Status.PREVIEWED,
                ResultImport.Status.REJECTED,
                ResultImport.Status.FAILED,
            ],
        )
        .exclude(job__status__in=["queued", "running"])
        .order_by("pk")
    )
    expired = 0
    for result_import in stale:
        result_import_discard(result_import=result_import)
        expired += 1
    return expired


def result_imports_depersonalise_legacy(*, limit: int = 50) -> int:
    """Copies kept before uploads were de-personalised at upload (their record has no "kept"
    summary) may still hold names under headers the import did not know: make the same copy of
    them as an upload gets now, for every record sharing the file. A file that can no longer be
    opened cannot be checked, so it is deleted. Returns how many files were looked at."""
    legacy = ResultImport.objects.exclude(file="").exclude(summary__has_key="kept").order_by("pk")
    done: set[str] = set()
    for result_import in legacy[:limit]:
        old_name = result_import.file.name
        if old_name in done:
            continue  # shared with a record already handled
        done.add(old_name)
        sharing = ResultImport.objects.filter(file=old_name)
        try:
            with result_import.file.open("rb") as stored:
                data = stored.read()
        except FileNotFoundError:
            data = b""
        kept = personal_data.depersonalise(
            data,
            filename=result_import.original_name,
            key=settings.PSEUDONYM_KEY.encode(),
            students=result_import.format == ResultImport.Format.STUDENTS,
            max_bytes=MAX_BYTES,
        )
        new_name = old_name
        if kept.content is None or not data:
            new_name = ""
        elif kept.rewritten:
            new_name = result_import.file.storage.save(
                str(Path(old_name).with_name(kept.name)), ContentFile(kept.content)
            )
        record = {
            "rewritten": kept.rewritten,
            "personal_columns": kept.personal_columns,
            "notes": [_problem(p.sheet, p.row, p.column, p.value, p.reason) for p in kept.notes],
            "error": None if kept.error is None else {"message": str(kept.error), "problems": []},
        }
        for other in sharing:
            ResultImport.objects.filter(pk=other.pk).update(file=new_name, summary={**other.summary, "kept": record})
        if new_name != old_name:
            result_import.file.storage.delete(old_name)
    return len(done)


# --------------------------------------------------------------------------- reading and checking


def ege_min_scores(year: int) -> dict[str, int]:
    return dict(EgeMinScore.objects.filter(year=year).values_list("subject", "min_score"))


def _read(result_import: ResultImport, progress: Progress | None):
    error = _kept(result_import).get("error")
    if error:
        # The upload could not be opened, so nothing of it was kept: report why it was refused.
        raise readers.ReaderError(
            error["message"], [readers.Problem(**problem) for problem in error["problems"]] or None
        )
    if not result_import.file:
        raise readers.ReaderError(
            f"Файл «{result_import.original_name}» не сохранён, потому что был отклонён целиком: загрузите исправленный файл"
        )
    common = {
        "filename": result_import.original_name,
        "subject": result_import.subject or None,
        "grade": result_import.grade,
        "max_rows": MAX_ROWS,
        "max_bytes": MAX_BYTES,
        "mapping": header_mappings_of(result_import.municipality, result_import.format),
    }
    # The whole file is read here (readers return every row), so the local copy may go after.
    with local_copy(result_import.file) as path:
        if result_import.format == ResultImport.Format.SCHOOL_STATS:
            return readers.read_school_stats(
                path, progress=(lambda read: progress(read, None, "Чтение файла")) if progress else None, **common
            )
        return readers.read_student_results(
            path,
            kind=result_import.kind,
            pseudonym_key=settings.PSEUDONYM_KEY.encode(),
            ege_min_scores=ege_min_scores(result_import.year),
            progress=(lambda read: progress(read, None, "Чтение файла")) if progress else None,
            **common,
        )


def _problem(sheet, row, column, value, reason) -> dict:
    return {
        "sheet": sheet or "",
        "row": row,
        "column": column or "",
        "value": "" if value is None else str(value),
        "reason": reason,
    }


def _registry(municipality: Municipality | None) -> dict[str, Organization]:
    """Organisations by code, in memory: one query per file, never one per row. A school is found
    by its ФИС ОКО login and by its РЦОИ code (protocols of ОГЭ and ЕГЭ use the latter)."""
    queryset = Organization.objects.filter(municipality=municipality, is_active=True)
    found: dict[str, Organization] = {}
    for organization in queryset.only("id", "code", "rcoi_code", "kind", "short_name"):
        if organization.rcoi_code.strip():
            found.setdefault(organization.rcoi_code.strip().lower(), organization)
        found[organization.code.strip().lower()] = organization
    return found


@dataclass
class _Checked:
    outcome: Outcome
    result: object  # readers.ReadResult
    keep: list[int]  # indexes of the rows to write
    organization_ids: list[int | None]


def _check(result_import: ResultImport, progress: Progress | None = None) -> _Checked:
    """Read the whole file and check it against the registry. Writes nothing."""
    outcome = Outcome()
    try:
        result = _read(result_import, progress)
    except readers.ReaderError as error:
        outcome.problems = [_problem(p.sheet, p.row, p.column, p.value, p.reason) for p in error.problems] or [
            _problem("", None, "", "", str(error))
        ]
        outcome.rejected = 0
        outcome.unknown_columns = error.unknown_columns
        return _Checked(outcome, None, [], [])

    registry = _registry(result_import.municipality)
    code_column = result.columns.get("school_code", "Код ОО")
    municipality_name = result_import.municipality.name if result_import.municipality else ""
    problems = [_problem(p.sheet, p.row, p.column, p.value, p.reason) for p in result.problems]
    problems += _kept(result_import).get("notes", [])  # about a part of the upload that was not kept
    rejected_rows = {(p["sheet"], p["row"]) for p in problems if p["row"] is not None}

    if result_import.format == ResultImport.Format.SCHOOL_STATS:
        codes = [row.school_code for row in result.rows]
        sheets = [row.sheet for row in result.rows]
        source_rows = [row.source_row for row in result.rows]
    else:
        codes, sheets, source_rows = result.rows.school_code, result.rows.sheet, result.rows.source_row

    # Each distinct code is looked up once; rows then map through a dict (no per-row string work).
    by_code = {code: registry.get(str(code).strip().lower()) for code in set(codes)}
    school_ids = {
        code: organization.pk
        for code, organization in by_code.items()
        if organization is not None and organization.kind == Organization.Kind.SCHOOL
    }
    organization_ids: list[int | None] = [school_ids.get(code) for code in codes]
    if len(school_ids) == len(by_code):
        keep = list(range(len(codes)))
    else:
        keep = [index for index, organization_id in enumerate(organization_ids) if organization_id is not None]
    unknown: dict[str, list[int]] = defaultdict(list)
    if len(keep) != len(codes):
        for index, code in enumerate(codes):
            if organization_ids[index] is not None:
                continue
            organization = by_code[code]
            if organization is None:
                unknown[code].append(source_rows[index])
                reason = UNKNOWN_SCHOOL.format(municipality=municipality_name)
            else:
                reason = NOT_SCHOOL.format(name=organization.short_name)
            problems.append(_problem(sheets[index], source_rows[index], code_column, code, reason))
            rejected_rows.add((sheets[index] or "", source_rows[index]))
    if result_import.format == ResultImport.Format.STUDENTS and keep:
        keep = _over_entered_maxima(result_import, result, keep, problems, rejected_rows)
    if result_import.format == ResultImport.Format.SCHOOL_STATS:
        keep = _journal_rows_with_marks(result_import, result.rows, keep, organization_ids, problems, rejected_rows)
    if not keep and not rejected_rows:
        problems.append(_problem("", None, "", "", NOTHING_TO_TAKE))

    outcome.read = result.read
    outcome.absent = result.absent
    outcome.rejected = len(rejected_rows)
    outcome.problems = sorted(problems, key=lambda p: (p["sheet"], p["row"] or 0, p["column"]))
    outcome.unknown_schools = [
        {"code": code, "rows": len(rows), "first_row": min(rows)} for code, rows in sorted(unknown.items())
    ]
    outcome.schools = sorted({str(code) for code in result.school_codes})
    outcome.subjects = sorted(result.subjects)
    outcome.grades = sorted(grade for grade in result.grades if grade is not None)
    outcome.name_columns = sorted({result.columns[key] for key in NAME_FIELDS if key in result.columns})
    outcome.found = result.found
    outcome.unknown_columns = result.unknown_columns
    outcome.skipped = [_problem(p.sheet, p.row, p.column, p.value, p.reason) for p in result.skipped]
    outcome.tasks = [{"label": label, **result.task_info.get(label, {})} for label in result.tasks]
    return _Checked(outcome, result, keep, organization_ids)


def _previous_import(result_import: ResultImport) -> ResultImport | None:
    return (
        ResultImport.objects.filter(
            municipality=result_import.municipality,
            checksum=result_import.checksum,
            kind=result_import.kind,
            year=result_import.year,
            subject=result_import.subject,
            grade=result_import.grade,
            format=result_import.format,
            status=ResultImport.Status.IMPORTED,
        )
        .exclude(pk=result_import.pk)
        .order_by("-imported_at")
        .first()
    )


def _store_outcome(result_import: ResultImport, outcome: Outcome, status: str) -> None:
    result_import.read_count = outcome.read
    result_import.absent_count = outcome.absent
    result_import.rejected_count = outcome.rejected
    result_import.imported_count = outcome.imported
    # Every problem goes to the page's first screen, the command and the rejected-rows workbook;
    # the record keeps the first PROBLEMS_KEPT of them (a wrong file can have one per row).
    result_import.problems = outcome.problems[:PROBLEMS_KEPT]
    kept = _kept(result_import)
    result_import.summary = {
        "to_take": max(outcome.to_take, 0),
        "unknown_schools": outcome.unknown_schools,
        "schools": outcome.schools,
        "subjects": outcome.subjects,
        "grades": outcome.grades,
        "duplicate_of": outcome.duplicate_of,
        "name_columns": outcome.name_columns,
        "problems_total": len(outcome.problems),
        "found": outcome.found,
        "skipped": outcome.skipped[:PROBLEMS_KEPT],
        "skipped_total": len(outcome.skipped),
        "tasks": outcome.tasks,
        "unknown_columns": outcome.unknown_columns,
    }
    if kept:  # absent for copies kept before uploads were de-personalised
        result_import.summary["kept"] = kept
    result_import.status = status


def result_import_preview(*, result_import: ResultImport, progress: Progress | None = None) -> Outcome:
    """Dry run: read and check the whole file, record what would be taken and every problem."""
    checked = _check(result_import, progress)
    outcome = checked.outcome
    previous = _previous_import(result_import)
    if previous is not None:
        outcome.duplicate_of = previous.pk
    status = ResultImport.Status.PREVIEWED if checked.result is not None else ResultImport.Status.REJECTED
    _store_checked(result_import, checked, status, progress)
    return outcome


def _store_checked(result_import: ResultImport, checked: _Checked, status: str, progress: Progress | None) -> None:
    """Record a check that wrote no results: the outcome, the rejected-rows workbook, and no
    copy of a file refused as a whole (a bomb, a formula, not a table): nothing can be taken
    from it, and what it holds is unknown. A file refused only for columns it names in a way the
    product does not know is kept, so that they can be mapped and the file checked again."""
    _store_outcome(result_import, checked.outcome, status)
    _store_rejected_rows(result_import, checked, progress)
    if checked.result is None and result_import.file and not checked.outcome.unknown_columns:
        # Kept while a methodist can still map its unknown columns and check it again.
        result_import.file.delete(save=False)
    result_import.save()


def result_import_apply(
    *, result_import: ResultImport, accept_partial: bool = False, progress: Progress | None = None
) -> Outcome:
    """Import the file: replace the results of every (assessment, school) it covers, atomically.

    A file with rejected rows is imported only with `accept_partial`; the same file already
    imported (same checksum and choices) changes nothing. The one who uploaded it is told when the
    import ends with problems: refused, failed, or imported with rows rejected.
    """
    try:
        outcome = _apply(result_import=result_import, accept_partial=accept_partial, progress=progress)
    except Exception:
        _notify_problems(result_import, failed=True)
        raise
    _notify_problems(result_import)
    return outcome


def _notify_problems(result_import: ResultImport, *, failed: bool = False) -> None:
    """The notice «загрузка результатов с проблемами» to the uploader, once per import and job. The
    text names counts only: the error itself and the rows are on the import's page."""
    user = result_import.created_by
    status = ResultImport.Status.FAILED if failed else result_import.status
    rejected, problems = result_import.rejected_count, len(result_import.problems or [])
    if user is None:
        return
    if failed:
        what = "импорт прерван ошибкой, прежние результаты не изменились"
    elif status == ResultImport.Status.REJECTED:
        what = f"файл не импортирован, отклонено строк: {rejected}" if rejected else "файл не импортирован"
    elif status == ResultImport.Status.IMPORTED and (rejected or problems):
        what = f"импортировано строк: {result_import.imported_count}, отклонено: {rejected}, замечаний: {problems}"
    else:
        return
    notification_create(
        recipient=user,
        kind=Notification.Kind.IMPORT_PROBLEMS,
        text=f"Загрузка результатов «{result_import.original_name}»: {what}",
        url=reverse("results:import_detail", args=[result_import.pk]),
        key=f"import_problems:{user.pk}:{result_import.pk}:{result_import.job_id or 0}:{status}",
    )


def _apply(*, result_import: ResultImport, accept_partial: bool, progress: Progress | None) -> Outcome:
    previous = _previous_import(result_import)
    if previous is not None:
        outcome = Outcome(
            read=previous.read_count,
            absent=previous.absent_count,
            rejected=previous.rejected_count,
            problems=previous.problems,
            duplicate_of=previous.pk,
        )
        _store_outcome(result_import, outcome, ResultImport.Status.DUPLICATE)
        result_import.summary.update(previous.summary, duplicate_of=previous.pk)
        # The bytes are those of the earlier import: keep one (depersonalised) copy, not two.
        if result_import.file.name != previous.file.name:
            result_import.file.delete(save=False)
            result_import.file.name = previous.file.name
        result_import.save()
        return outcome

    checked = _check(result_import, progress)
    outcome = checked.outcome
    # A file with nothing to take (no rows, or every row rejected even with accept_partial) is
    # refused: importing nothing would only look like a success.
    if checked.result is None or not checked.keep or (outcome.rejected and not accept_partial):
        _store_checked(result_import, checked, ResultImport.Status.REJECTED, progress)
        return outcome
    if progress:
        progress(0, len(checked.keep), "Запись результатов")
    try:
        with transaction.atomic():
            if result_import.format == ResultImport.Format.SCHOOL_STATS:
                outcome.imported = _write_school_stats(result_import, checked)
            else:
                outcome.imported = _write_student_results(result_import, checked, progress)
            _store_outcome(result_import, outcome, ResultImport.Status.IMPORTED)
            result_import.imported_at = timezone.now()
            _store_rejected_rows(result_import, checked)
            result_import.save()
            audit_record(
                action="import",
                user=result_import.created_by,
                obj=result_import,
                detail={"imported": outcome.imported, "rejected": outcome.rejected, "checksum": result_import.checksum},
            )
    except Exception as error:
        # The transaction is rolled back: the previous results stand. Record why, outside it.
        ResultImport.objects.filter(pk=result_import.pk).update(
            status=ResultImport.Status.FAILED, summary={**result_import.summary, "error": str(error)}
        )
        raise
    return outcome


# --------------------------------------------------------------------------- children's names

# The kept copy holds no name (monitoring.personal_data), so neither do the rejected rows copied
# from it; the columns the reader still knows as personal are blanked there all the same, for
# copies kept before the copy was made at upload.
NAME_FIELDS = tuple(sorted(readers.PERSONAL_FIELDS))


def _header_text(value) -> str:
    return " ".join(str(value or "").split()).lower().replace("ё", "е")


def _name_column_indexes(rows: list[list], name_columns: list[str]) -> tuple[int | None, set[int]]:
    """The header row (0-based) of a sheet and the indexes of its name and birth-date columns."""
    wanted = {_header_text(name) for name in name_columns}
    for number, row in enumerate(rows[:30]):
        indexes = {index for index, value in enumerate(row) if _header_text(value) in wanted}
        if indexes:
            return number, indexes
    return None, set()


# --------------------------------------------------------------------------- writing


def _assessments(result_import: ResultImport, pairs) -> dict[tuple[str, int | None], Assessment]:
    """Find or create the assessment of each (subject, grade) the file holds."""
    found = {}
    for subject, grade in sorted(pairs, key=lambda pair: (pair[0], pair[1] or 0)):
        assessment, _ = Assessment.objects.get_or_create(
            kind=result_import.kind,
            year=result_import.year,
            subject=subject,
            grade=grade,
            defaults={"scale": SCALE_BY_KIND.get(result_import.kind, Assessment.Scale.MARKS)},
        )
        found[(subject, grade)] = assessment
    # Two imports of the same assessment at once must not both delete-then-insert: the second
    # waits here until the first has committed (rows locked in id order, so no deadlock).
    list(Assessment.objects.select_for_update().filter(pk__in=[a.pk for a in found.values()]).order_by("pk"))
    return found


# --------------------------------------------------------------------------- header mappings


def header_mappings_of(municipality: Municipality | None, format: str) -> dict[str, str]:
    """The municipality's mapping of column headings to fields (or "" to leave a column alone)."""
    if municipality is None:
        return {}
    return dict(HeaderMapping.objects.filter(municipality=municipality, format=format).values_list("header", "field"))


@transaction.atomic
def header_mappings_save(*, result_import: ResultImport, mapping: dict[str, str | None], by) -> int:
    """Save what a methodist chose for the unknown columns of an upload: a field, "" for «не
    использовать», None for «не решено» (nothing saved). The next check of this file, and every
    later file of the municipality with the same headings, reads them so. Returns how many were saved."""
    if not access_for(by).can_edit_municipality(result_import.municipality_id):
        raise PermissionDenied("Сопоставлять столбцы может методист или руководитель УО муниципалитета")
    allowed = readers.field_labels(result_import.format)
    unknown = set(result_import.summary.get("unknown_columns") or [])
    saved = 0
    for header, chosen in mapping.items():
        if chosen is None:
            continue
        if header not in unknown:
            raise ResultImportError(f"Столбца «{header}» нет среди нераспознанных столбцов файла")
        if chosen and chosen not in allowed:
            raise ResultImportError(f"Поле «{chosen}» не существует: выберите поле из списка")
        HeaderMapping.objects.update_or_create(
            municipality=result_import.municipality,
            format=result_import.format,
            header=header[:200],
            defaults={"field": chosen, "created_by": by},
        )
        saved += 1
    if saved:
        audit_record(action="other", user=by, obj=result_import, detail={"header_mapping": mapping})
    return saved


def _describe_tasks(assessments, tasks: list[dict], found: list[dict]) -> None:
    """Keep on each assessment the tasks its scores follow (labels, maxima, difficulty) and the
    date the file gives, so that analysis can say «задание 9.1 (Б): выполнили 34 %».

    Scores are positional over the file's task list, so an assessment gets that list up to its
    last task, each with the maximum and difficulty its own block gives (two subjects of one
    protocol both have a task «1», with different maxima)."""
    labels = [task["label"] for task in tasks]
    for assessment in assessments:
        block = _block_of(found, assessment)
        described = tasks
        if block is not None and block.get("tasks"):
            own = block["tasks"]
            last = max((labels.index(label) for label in own if label in labels), default=-1)
            described = [{"label": label, **own.get(label, {})} for label in labels[: last + 1]]
        described = _with_entered(described, assessment.tasks)
        changed = []
        if described and assessment.tasks != described:
            assessment.tasks = described
            changed.append("tasks")
        day = block.get("date") if block is not None else ""
        if day and not assessment.date:
            assessment.date = day
            changed.append("date")
        if changed:
            assessment.save(update_fields=changed)


def _with_entered(described: list[dict], before: list[dict]) -> list[dict]:
    """The file's tasks, with the maximum and difficulty a methodist entered (page «Задания работы»,
    marked "entered") kept for the tasks about which the file says nothing. What an earlier file
    said is not kept: a РЦОИ protocol's maximum of a short-answer task is only the most it saw."""
    entered = {task["label"]: task for task in before if task.get("entered")}
    merged = []
    for task in described:
        known = entered.get(task["label"])
        if known is not None and task.get("max") is None:
            task = {
                **task,
                "max": known.get("max"),
                "difficulty": task.get("difficulty") or known.get("difficulty", ""),
                "entered": True,
            }
        merged.append(task)
    return merged


def _over_entered_maxima(result_import: ResultImport, result, keep: list[int], problems, rejected_rows) -> list[int]:
    """Rows whose task score (or primary score) is above the maximum a methodist entered for the
    work (the file itself gave none) are rejected, each named with its row and task; the others
    stay. The maxima a file gives are checked by the reader."""
    rows = result.rows
    subjects = {rows.subject[i] for i in keep}
    known = Assessment.objects.filter(kind=result_import.kind, year=result_import.year, subject__in=subjects)
    file_max = {label: (info or {}).get("max") for label, info in result.task_info.items()}
    positions = {label: k for k, label in enumerate(result.tasks)}
    checks: dict[tuple[str, int | None], tuple[list[tuple[int, str, int]], int | None]] = {}
    for assessment in known.only("subject", "grade", "tasks", "max_primary_score"):
        tasks = [
            (positions[task["label"]], task["label"], task["max"])
            for task in assessment.tasks
            if task.get("entered")
            and isinstance(task.get("max"), int)
            and file_max.get(task["label"]) is None
            and task["label"] in positions
        ]
        if tasks or assessment.max_primary_score is not None:
            checks[(assessment.subject, assessment.grade)] = (tasks, assessment.max_primary_score)
    if not checks:
        return keep
    primary_column = result.columns.get("primary_score", "Первичный балл")
    kept = []
    within: set[tuple[tuple, str]] = set()  # (work, scores) already found within the maxima
    for i in keep:
        work = (rows.subject[i], rows.grade[i])
        check = checks.get(work)
        if check is None:
            kept.append(i)
            continue
        tasks, top_primary = check
        sheet, row = rows.sheet[i] or "", rows.source_row[i]
        bad = []
        text = _task_scores_text(rows.task_scores[i])
        if tasks and text and (work, text) not in within:
            scores = text.split(",")
            for position, label, top in tasks:
                if position < len(scores) and scores[position] and int(scores[position]) > top:
                    column = result.columns.get(f"task:{label}", label)
                    bad.append(
                        _problem(
                            sheet, row, column, scores[position],
                            f"Задание «{label}»: балл {scores[position]} больше наибольшего за задание ({top}), "
                            "указанного для работы на странице «Задания работы»",
                        )
                    )  # fmt: skip
        primary = rows.primary_score[i]
        if top_primary is not None and primary is not None and primary > top_primary:
            bad.append(
                _problem(
                    sheet, row, primary_column, primary,
                    f"Первичный балл {primary} больше наибольшего за работу ({top_primary})",
                )
            )  # fmt: skip
        if bad:
            problems.extend(bad)
            rejected_rows.add((sheet, row))
        else:
            kept.append(i)
            if tasks and text and len(within) < 65_536:
                within.add((work, text))  # the same scores of the same work are checked once
    return kept


def _block_of(found: list[dict], assessment: Assessment) -> dict | None:
    """The block of the file that holds this assessment: same subject and grade, else the only
    block of its subject."""
    same = [block for block in found if block["subject"] == assessment.subject]
    exact = [block for block in same if block.get("grade") == assessment.grade]
    if exact:
        return exact[0]
    return same[0] if len(same) == 1 else None


def _task_scores_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ",".join("" if score is None else str(score) for score in value)


RESULT_COLUMNS = [
    "assessment_id",
    "organization_id",
    "result_import_id",
    "year",
    "class_name",
    "participant_code",
    "variant",
    "task_scores",
    "primary_score",
    "test_score",
    "mark",
    "level",
    "journal_mark",
    "control_group",
    "ovz",
]


def _write_student_results(result_import: ResultImport, checked: _Checked, progress: Progress | None) -> int:
    rows = checked.result.rows
    keep = checked.keep
    subjects, grades = rows.subject, rows.grade
    assessments = _assessments(result_import, {(subjects[i], grades[i]) for i in keep})
    _describe_tasks(assessments.values(), checked.outcome.tasks, checked.outcome.found)
    assessment_ids = [assessments[(subjects[i], grades[i])].pk for i in keep]
    organization_ids = [checked.organization_ids[i] for i in keep]

    years = {assessment.pk: assessment.year for assessment in assessments.values()}
    results_partition_ensure(years.values())

    # Replace: the previous results of every (assessment, school) this file covers go first.
    pairs: dict[int, set[int]] = defaultdict(set)
    for assessment_id, organization_id in zip(assessment_ids, organization_ids, strict=True):
        pairs[assessment_id].add(organization_id)
    for assessment_id, organization_set in pairs.items():
        StudentResult.objects.filter(
            year=years[assessment_id], assessment_id=assessment_id, organization_id__in=organization_set
        )._raw_delete(StudentResult.objects.db)

    if len(keep) == len(rows):

        def pick(column):
            return column

    else:

        def pick(column):
            return [column[i] for i in keep]

    columns = (
        pick(rows.class_name),
        pick(rows.participant_code),
        pick(rows.variant),
        [_task_scores_text(value) for value in pick(rows.task_scores)],
        pick(rows.primary_score),
        pick(rows.test_score),
        pick(rows.mark),
        pick(rows.level),
        pick(rows.journal_mark),
        [bool(value) for value in pick(rows.control_group)],
        [bool(value) for value in pick(rows.ovz)],
    )
    columns = ([years[a] for a in assessment_ids], *columns)
    if connection.vendor == "postgresql":
        _copy_results(result_import.pk, assessment_ids, organization_ids, columns, progress)
    else:
        _bulk_create_results(result_import.pk, assessment_ids, organization_ids, columns, progress)
    statistics_rebuild(assessment_ids=set(pairs), organization_ids={o for s in pairs.values() for o in s})
    return len(keep)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_column(values: list) -> list[str]:
    """One column as COPY text: NULL as \\N, booleans as t/f, text escaped only where needed."""
    sample = next((value for value in values if value is not None), None)
    if isinstance(sample, bool):
        return ["t" if value else "f" for value in values]
    if isinstance(sample, int):
        return ["\\N" if value is None else str(value) for value in values]
    if sample is None:
        return ["\\N"] * len(values)
    return [
        "\\N"
        if value is None
        else value.translate(_TSV_ESCAPES)
        if ("\\" in value or "\t" in value or "\n" in value or "\r" in value)
        else value
        for value in values
    ]


def _copy_results(import_id, assessment_ids, organization_ids, columns, progress) -> None:
    """PostgreSQL COPY from in-memory text buffers built column by column from the reader's lists
    (string conversion per column, one join per chunk: no Python call per cell).

    The next chunk's text is built in a second thread while PostgreSQL ingests the current one
    (psycopg2 releases the GIL while it sends), so the two cores work at the same time.
    """
    table = StudentResult._meta.db_table
    total = len(assessment_ids)
    chunk = 100_000
    sql = f"COPY {table} ({', '.join(RESULT_COLUMNS)}) FROM STDIN"
    import_text = str(import_id)

    def build(start: int) -> io.StringIO:
        stop = min(start + chunk, total)
        text_columns = [
            _tsv_column(assessment_ids[start:stop]),
            _tsv_column(organization_ids[start:stop]),
            [import_text] * (stop - start),
            *(_tsv_column(column[start:stop]) for column in columns),
        ]
        return io.StringIO("\n".join(map("\t".join, zip(*text_columns, strict=True))) + "\n")

    starts = list(range(0, total, chunk))
    with connection.cursor() as cursor, ThreadPoolExecutor(max_workers=1) as pool:
        raw = cursor.cursor  # psycopg2 cursor under Django's wrapper
        pending = pool.submit(build, starts[0]) if starts else None
        for position, start in enumerate(starts):
            buffer = pending.result()
            pending = pool.submit(build, starts[position + 1]) if position + 1 < len(starts) else None
            raw.copy_expert(sql, buffer, size=1 << 20)
            if progress:
                progress(min(start + chunk, total), total, "Запись результатов")


def _bulk_create_results(import_id, assessment_ids, organization_ids, columns, progress) -> None:
    total = len(assessment_ids)
    for start in range(0, total, COPY_BATCH * 4):
        stop = min(start + COPY_BATCH * 4, total)
        objects = [
            StudentResult(
                assessment_id=a,
                organization_id=o,
                result_import_id=import_id,
                year=year,
                class_name=class_name,
                participant_code=participant_code,
                variant=variant,
                task_scores=task_scores,
                primary_score=primary_score,
                test_score=test_score,
                mark=mark,
                level=level,
                journal_mark=journal_mark,
                control_group=control_group,
                ovz=ovz,
            )
            for a, o, year, class_name, participant_code, variant, task_scores, primary_score, test_score, mark, level, journal_mark, control_group, ovz in zip(
                assessment_ids[start:stop],
                organization_ids[start:stop],
                *(column[start:stop] for column in columns),
                strict=True,
            )
        ]
        StudentResult.objects.bulk_create(objects, batch_size=COPY_BATCH)
        if progress:
            progress(stop, total, "Запись результатов")


def statistics_rebuild(*, assessment_ids: set[int], organization_ids: set[int] | None = None) -> int:
    """Rebuild SchoolStat (source=computed) for the given assessments from student results.

    One GROUP BY query computes every number; the ЕГЭ minimum comes from the minimum-score table
    through a correlated subquery, so no Python loop runs over results.
    """
    results = StudentResult.objects.filter(assessment_id__in=assessment_ids)
    if organization_ids is not None:
        results = results.filter(organization_id__in=organization_ids)
    # The ЕГЭ minimum of each assessment (a handful per file) becomes a condition of the one
    # aggregate query, instead of a subquery evaluated for every result row.
    minimums = {
        assessment_id: score
        for assessment_id, score in Assessment.objects.filter(pk__in=assessment_ids, kind=Assessment.Kind.EGE)
        .annotate(
            minimum=Subquery(
                EgeMinScore.objects.filter(year=OuterRef("year"), subject=OuterRef("subject")).values("min_score")[:1],
                output_field=IntegerField(),
            )
        )
        .values_list("pk", "minimum")
        if score is not None
    }
    below_minimum = Q(pk__in=[])
    for assessment_id, score in sorted(minimums.items()):
        below_minimum |= Q(assessment_id=assessment_id, test_score__lt=score)
    has_journal = Q(mark__isnull=False, journal_mark__isnull=False)
    rows = (
        results.values("assessment_id", "organization_id")
        .annotate(
            participants=Count("pk"),
            mark_2=Count("pk", filter=Q(mark=2)),
            mark_3=Count("pk", filter=Q(mark=3)),
            mark_4=Count("pk", filter=Q(mark=4)),
            mark_5=Count("pk", filter=Q(mark=5)),
            level_insufficient=Count("pk", filter=Q(level=StudentResult.Level.INSUFFICIENT)),
            level_low=Count("pk", filter=Q(level=StudentResult.Level.LOW)),
            level_base=Count("pk", filter=Q(level=StudentResult.Level.BASE)),
            level_high=Count("pk", filter=Q(level=StudentResult.Level.HIGH)),
            with_journal=Count("pk", filter=has_journal),
            lowered=Count("pk", filter=has_journal & Q(mark__lt=F("journal_mark"))),
            confirmed=Count("pk", filter=has_journal & Q(mark=F("journal_mark"))),
            raised=Count("pk", filter=has_journal & Q(mark__gt=F("journal_mark"))),
            significant_mismatch=Count(
                "pk",
                filter=has_journal & (Q(mark__lte=F("journal_mark") - 2) | Q(mark__gte=F("journal_mark") + 2)),
            ),
            mean_primary=Avg("primary_score"),
            mean_test=Avg("test_score"),
            below_min=Count("pk", filter=below_minimum),
            over_60=Count("pk", filter=Q(test_score__gt=60)),
        )
        .order_by()
    )
    existing = SchoolStat.objects.filter(assessment_id__in=assessment_ids)
    if organization_ids is not None:
        existing = existing.filter(organization_id__in=organization_ids)
    existing.delete()
    # INSERT … SELECT: the aggregate rows go straight from the GROUP BY into the table.
    select_sql, select_params = rows.query.sql_with_params()
    names = ["assessment_id", "organization_id", *STAT_AGGREGATES]
    table = connection.ops.quote_name(SchoolStat._meta.db_table)
    sql = (
        f"INSERT INTO {table} (source, updated_at, {', '.join(names)}) "
        f"SELECT %s, %s, {', '.join('grouped.' + name for name in names)} FROM ({select_sql}) grouped"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [SchoolStat.Source.COMPUTED, now, *select_params])
        return cursor.rowcount


STAT_AGGREGATES = [
    "participants",
    "mark_2",
    "mark_3",
    "mark_4",
    "mark_5",
    "level_insufficient",
    "level_low",
    "level_base",
    "level_high",
    "with_journal",
    "lowered",
    "confirmed",
    "raised",
    "significant_mismatch",
    "mean_primary",
    "mean_test",
    "below_min",
    "over_60",
]


JOURNAL_WITHOUT_MARKS = (
    "Нет статистики отметок этой ОО за {work}: сравнение с журналом дополняет её — загрузите сначала "
    "«Статистику по отметкам»"
)


def _journal_rows_with_marks(result_import, rows, keep, organization_ids, problems, rejected_rows) -> list[int]:
    """A row of a comparison with the journal alone completes the statistics of marks already
    imported for its school and work; without them it is refused (nothing to complete)."""
    journal_only = [i for i in keep if rows[i].marks is None]
    if not journal_only:
        return keep
    existing = set(
        SchoolStat.objects.filter(
            assessment__kind=result_import.kind,
            assessment__year=result_import.year,
            organization_id__in={organization_ids[i] for i in journal_only},
        ).values_list("assessment__subject", "assessment__grade", "organization_id")
    )
    refused = set()
    for i in journal_only:
        row = rows[i]
        if (row.subject, row.grade, organization_ids[i]) not in existing:
            work = f"«{row.subject}», {row.grade} класс"
            problems.append(
                _problem(row.sheet, row.source_row, "Код ОО", row.school_code, JOURNAL_WITHOUT_MARKS.format(work=work))
            )
            rejected_rows.add((row.sheet or "", row.source_row))
            refused.add(i)
    return [i for i in keep if i not in refused]


def _write_school_stats(result_import: ResultImport, checked: _Checked) -> int:
    rows = checked.result.rows
    keep = checked.keep
    assessments = _assessments(result_import, {(rows[i].subject, rows[i].grade) for i in keep})
    stats = []
    completed = 0
    for index in keep:
        row = rows[index]
        if row.marks is None:
            # Only the comparison with the journal: it completes the school's imported marks.
            lowered, confirmed, raised = (row.lowered or 0), (row.confirmed or 0), (row.raised or 0)
            completed += SchoolStat.objects.filter(
                assessment=assessments[(row.subject, row.grade)], organization_id=checked.organization_ids[index]
            ).update(lowered=lowered, confirmed=confirmed, raised=raised, with_journal=lowered + confirmed + raised)
            continue
        marks = row.marks or {}
        with_journal = sum(value or 0 for value in (row.lowered, row.confirmed, row.raised))
        stats.append(
            SchoolStat(
                assessment=assessments[(row.subject, row.grade)],
                organization_id=checked.organization_ids[index],
                source=SchoolStat.Source.IMPORTED,
                participants=row.participants,
                mark_2=marks.get(2, 0),
                mark_3=marks.get(3, 0),
                mark_4=marks.get(4, 0),
                mark_5=marks.get(5, 0),
                with_journal=with_journal,
                lowered=row.lowered or 0,
                confirmed=row.confirmed or 0,
                raised=row.raised or 0,
            )
        )
    covered: dict[int, set[int]] = defaultdict(set)
    for stat in stats:
        covered[stat.assessment.pk].add(stat.organization_id)
    for assessment_id, organization_set in covered.items():
        SchoolStat.objects.filter(assessment_id=assessment_id, organization_id__in=organization_set).delete()
    SchoolStat.objects.bulk_create(stats)
    return len(stats) + completed


# --------------------------------------------------------------------------- rejected rows workbook


@contextmanager
def _raw_rows(result_import: ResultImport) -> Iterator[Iterator[tuple[str, Iterator[list]]]]:
    """The kept file's sheets, each as (name, rows from row 1 as Excel numbers them), streamed
    through the guarded opener."""
    with local_copy(result_import.file) as path, open_table(path, filename=result_import.original_name) as table:
        yield table.sheets


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        # A CSV can carry any byte; the control characters XML cannot hold (openpyxl refuses them)
        # are dropped from the rejected row copied into the workbook.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _store_rejected_rows(result_import: ResultImport, checked: _Checked, progress: Progress | None = None) -> None:
    """Save the rejected rows as a workbook: the original cells plus «Строка» and «Причина»."""
    reasons: dict[tuple[str, int], list[str]] = defaultdict(list)
    for problem in checked.outcome.problems:
        if problem["row"] is not None:
            reasons[(problem["sheet"], problem["row"])].append(
                f"{problem['column']}: {problem['reason']}" if problem["column"] else problem["reason"]
            )
    if not reasons:
        if result_import.rejected_file:
            result_import.rejected_file.delete(save=False)
        return
    from openpyxl import Workbook

    if progress:
        progress(checked.outcome.read, checked.outcome.read, "Книга отклонённых строк")
    header_row = getattr(checked.result, "header_row", None) if checked.result is not None else None
    # Only the rows that are shown are kept in memory: the header and the rejected ones.
    sheets: dict[str, dict[int, list]] = {}
    try:
        with _raw_rows(result_import) as opened:
            for sheet_name, rows in opened:
                wanted = {row for sheet, row in reasons if sheet == sheet_name or sheet == ""}
                kept: dict[int, list] = {}
                for number, row in enumerate(rows, start=1):
                    if number <= readers.HEADER_SCAN_ROWS or number in wanted:
                        kept[number] = row
                sheets[sheet_name] = kept
    except FileRefused:  # an unreadable file: the problems are still listed on the page
        sheets = {}
    workbook = Workbook(write_only=True)
    out = workbook.create_sheet("Отклонённые строки")
    width = max((len(row) for rows in sheets.values() for row in rows.values()), default=0)
    header = []
    if header_row and sheets:
        first = next(iter(sheets.values()))
        if header_row in first:
            header = [_cell(value) for value in first[header_row]]
    # The cells are the uploaded file's own text: written back, they must never run as formulas.
    out.append(safe_row(out, ["Лист", "Строка", *header, *[""] * (width - len(header)), "Причина"]))
    hidden = {
        name: _name_column_indexes(
            [rows.get(n, []) for n in range(1, readers.HEADER_SCAN_ROWS + 1)], checked.outcome.name_columns
        )[1]
        for name, rows in sheets.items()
    }
    for (sheet, row), texts in sorted(reasons.items()):
        cells = sheets.get(sheet) or (next(iter(sheets.values())) if len(sheets) == 1 else {})
        names = hidden.get(sheet) or (next(iter(hidden.values())) if len(hidden) == 1 else set())
        values = [_cell(value) for value in cells.get(row, [])]
        values = ["" if index in names else value for index, value in enumerate(values)]  # never a child's name
        values += [""] * (width - len(values))
        out.append(
            safe_row(
                out,
                [_cell(sheet), row, *[("" if value is None else value) for value in values], _cell("; ".join(texts))],
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    if result_import.rejected_file:
        result_import.rejected_file.delete(save=False)
    stem = Path(result_import.original_name).stem
    result_import.rejected_file.save(f"{stem}-отклонённые.xlsx", ContentFile(buffer.getvalue()), save=False)


# --------------------------------------------------------------------------- ЕГЭ minimum scores

# Minimum test scores of ЕГЭ ("минимальное количество баллов, подтверждающее освоение
# образовательной программы"), set by Рособрнадзор and published each year; they have been the
# same for the years filled here (2022–2026). A later change is made by an administrator in the
# table; the loader never overwrites an existing row. "Математика (базовая)" is marked 2–5 and
# has no test score, so it has no minimum here.
EGE_MIN_SCORES = {
    "Русский язык": 24,
    "Математика профильная": 27,
    "Физика": 36,
    "Химия": 36,
    "Информатика": 40,
    "Биология": 36,
    "История": 32,
    "География": 37,
    "Обществознание": 42,
    "Литература": 32,
    "Иностранный язык": 22,
    "Английский язык": 22,
    "Немецкий язык": 22,
    "Французский язык": 22,
    "Испанский язык": 22,
    "Китайский язык": 17,
}
EGE_MIN_SCORE_YEARS = (2022, 2023, 2024, 2025, 2026)


def ege_min_scores_load() -> int:
    """Fill the ЕГЭ minimums for recent years; existing rows (maybe corrected by an administrator) stay."""
    created = 0
    for year in EGE_MIN_SCORE_YEARS:
        for subject, score in EGE_MIN_SCORES.items():
            subject_name = readers.normalize_subject(subject) or subject
            _, was_created = EgeMinScore.objects.get_or_create(
                year=year, subject=subject_name, defaults={"min_score": score}
            )
            created += was_created
    return created
