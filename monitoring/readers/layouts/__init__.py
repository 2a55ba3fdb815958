"""Layouts of result files as authorities receive them, one module each, and the registry that
recognises them. A sheet that no layout recognises is one block read as it stands (the product's
own formats A and B)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, islice

from config.lib.untrusted import Table
from monitoring.readers.layouts import fisoko, rcoi
from monitoring.readers.layouts.base import Block, Format, Layout, TaskInfo
from monitoring.readers.types import Problem, ReadResult
from monitoring.readers.values import normalize_subject

#: Rows of a sheet a layout sees to recognise it.
HEAD_ROWS = 40

#: The registry, most specific first. Each layout module adds itself here.
LAYOUTS: list[Layout] = [fisoko.FIS_OKO_F1, fisoko.FIS_OKO_STATISTICS, rcoi.RCOI]

__all__ = ["HEAD_ROWS", "LAYOUTS", "Block", "Layout", "TaskInfo", "blocks", "note_block"]


def blocks(table: Table, *, format: Format) -> Iterator[Block]:
    """The blocks of every sheet of an opened table, each by the layout that recognises it."""
    for sheet, rows in table.sheets:
        rows = iter(rows)
        head = list(islice(rows, HEAD_ROWS))
        layout = next((lay for lay in LAYOUTS if format in lay.formats and lay.recognises(sheet, head)), None)
        rows = chain(head, rows)
        if layout is None:
            yield Block(sheet=sheet, rows=rows)
        else:
            for block in layout.blocks(sheet, rows):
                block.title = block.title or layout.title
                yield block


def note_block(result: ReadResult, block: Block) -> None:
    """What a layout found in a block, once its rows are read (tasks and skipped rows fill then)."""
    if block.layout:
        result.found.append(
            {
                "sheet": block.sheet,
                "layout": block.layout,
                "title": block.title,
                "subject": normalize_subject(block.subject) if block.subject else "",
                "grade": block.grade,
                "date": block.date.isoformat() if block.date else "",
                "kind": block.kind,
                # The block's own tasks: two subjects of one file share the labels «1», «2», …
                "tasks": {label: {"max": i.max_score, "difficulty": i.difficulty} for label, i in block.tasks.items()},
            }
        )
    result.skipped.extend(Problem(block.sheet, row, "", "", reason) for row, reason in block.skipped)
    for label, info in block.tasks.items():
        result.task_info[label] = {"max": info.max_score, "difficulty": info.difficulty}
