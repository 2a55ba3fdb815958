"""Limits and the types the readers return."""

from __future__ import annotations

from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------

#: Header search stops after this many consecutive empty rows.
EMPTY_RUN_LIMIT = 10_000
#: The header row is searched for among this many non-empty rows at the top of a sheet.
HEADER_SCAN_ROWS = 30
PROGRESS_EVERY = 10_000


# --------------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that stops a row (or the file) from being imported.

    ``row`` is the row number as Excel shows it (1-based; the record number for a CSV),
    ``column`` is the header as written in the file, or the expected column name when the
    column is missing; ``reason`` is Russian and names what is wrong.
    """

    sheet: str
    row: int | None
    column: str
    value: str
    reason: str


class ReaderError(Exception):
    """The file as a whole cannot be read; the message is Russian and ``problems`` says why;
    ``unknown_columns``: header cells of the nearest header that nothing answers to."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.unknown_columns: list[str] = []
        self.problems: list[Problem] = (
            problems if problems is not None else [Problem(sheet="", row=None, column="", value="", reason=message)]
        )


#: Canonical КДР levels, lowest first (kdr_cohort_kept compares them in this order).
LEVELS = ("insufficient", "low", "base", "high")


@dataclass
class StudentRows:
    """Accepted format A rows, column by column: entry ``i`` of every list is one participant.

    ``task_scores[i]`` holds the task scores of the row joined with "," in the order of
    :attr:`ReadResult.tasks` (e.g. "1,0,2,,1"): an empty entry means no score (empty cell or
    "Х"/"-" for a task not attempted), and missing trailing entries mean no score too, so a row
    without any task score is "".
    """

    school_code: list[str] = field(default_factory=list)
    class_name: list[str] = field(default_factory=list)
    grade: list[int | None] = field(default_factory=list)
    class_letter: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    participant_code: list[str] = field(default_factory=list)
    variant: list[int | None] = field(default_factory=list)
    task_scores: list[str] = field(default_factory=list)
    primary_score: list[int | None] = field(default_factory=list)
    test_score: list[int | None] = field(default_factory=list)
    mark: list[int | None] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    journal_mark: list[int | None] = field(default_factory=list)
    control_group: list[bool] = field(default_factory=list)
    ovz: list[bool] = field(default_factory=list)
    source_row: list[int] = field(default_factory=list)
    sheet: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.source_row)


@dataclass(frozen=True, slots=True)
class SchoolStatRow:
    """One format B row: the mark distribution of one school, subject and grade (counts);
    ``marks`` is None for a row of a comparison with the journal alone."""

    school_code: str
    school_name: str
    subject: str
    grade: int
    participants: int
    marks: dict[int, int] | None
    lowered: int | None
    confirmed: int | None
    raised: int | None
    source_row: int
    sheet: str


@dataclass
class ReadResult:
    """What a file holds. ``read`` counts the non-empty data rows seen (accepted, absent and
    rejected); ``columns`` maps canonical fields (and ``task:<label>``) to headers as written in
    the first sheet read; ``tasks`` lists the task labels that ``task_scores`` follow."""

    kind: str
    read: int
    absent: int
    rows: StudentRows | list[SchoolStatRow]
    problems: list[Problem]
    school_codes: set[str]
    subjects: set[str]
    grades: set[int]
    header_row: int
    columns: dict[str, str]
    tasks: list[str] = field(default_factory=list)
    #: What the file says about itself, a dict per block read: sheet, layout, subject, grade,
    #: date, kind (layouts fill them; the product's own format leaves them empty).
    found: list[dict] = field(default_factory=list)
    #: Rows a layout left out (group lines, footers), named for the preview: not rejected.
    skipped: list[Problem] = field(default_factory=list)
    #: Header cells of the tables read that no field answers to, as written (a methodist maps them).
    unknown_columns: list[str] = field(default_factory=list)
    #: Task label → {"max": most it scores or None, "difficulty": "Б"/"П"/"В" or ""}.
    task_info: dict[str, dict] = field(default_factory=dict)
