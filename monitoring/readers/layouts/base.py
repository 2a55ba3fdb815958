"""What a layout is: a reader of one kind of file as authorities receive it (ФИС ОКО, РЦОИ, …).

A layout does not read values. It recognises its files by their content (sheet name, title,
meta rows, header words) and turns each sheet into one or more :class:`Block`: a table whose
header and rows the generic readers (format A, format B) understand, plus what the file says
about itself (subject, grade, date, kind, each task's maximum and difficulty).

The rows of a block keep the numbers Excel shows: a row the layout leaves out (a group line, a
footer, another block's rows, a title) comes as an empty list, which the generic readers skip,
and what it was goes to ``skipped`` so that the preview names it. A layout may rewrite header
cells (``«1 (2б)»`` → ``«1»``, ``«ОО»`` → ``«Код ОО»``) and values (``«НЕТ ОТМЕТКИ»`` → ``""``),
never invent a row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

Format = Literal["students", "school_stats"]


@dataclass(frozen=True)
class TaskInfo:
    """A task of the work as the file describes it: the most it scores, its difficulty (Б/П/В)."""

    max_score: int | None = None
    difficulty: str = ""


@dataclass
class Block:
    """One table of a sheet, with what the file says about it.

    ``tasks`` and ``skipped`` are filled while ``rows`` is read (a layout learns the tasks from
    the header row, the skipped rows as it meets them): read them after the rows.
    """

    sheet: str
    rows: Iterator[list]
    layout: str = ""
    #: The layout's title for the preview (set by the registry from the layout).
    title: str = ""
    subject: str = ""
    grade: int | None = None
    date: dt.date | None = None
    kind: str = ""
    tasks: dict[str, TaskInfo] = field(default_factory=dict)
    skipped: list[tuple[int, str]] = field(default_factory=list)


class Layout(Protocol):
    #: Shown in the preview: «ФИС ОКО, «Ф1 Индивидуальные результаты»».
    title: str
    #: Which generic reader its blocks go to.
    formats: tuple[Format, ...]

    def recognises(self, sheet: str, head: list[list]) -> bool:
        """Whether this sheet is of the layout, from its name and first rows (``HEAD_ROWS``)."""

    def blocks(self, sheet: str, rows: Iterator[list]) -> Iterator[Block]:
        """The sheet's blocks, in order; each block's rows are read before the next is asked for."""
