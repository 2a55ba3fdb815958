"""Benchmark of the format A reader (monitoring/readers/) on a generated ВПР workbook.

    .venv/bin/python bench/read_results.py [--rows 200000] [--kind vpr]

The workbook (N rows over 1000 school codes, written with openpyxl in write-only mode) is cached
in the temp folder by its row count, since writing it takes longer than reading it. The script
prints the whole read (the guarded opener streams the sheet, then the reader checks the rows),
calamine alone (load and row iteration) as the baseline of reading the same cells, the
difference as "Python processing", and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHOOLS = 1000
TASKS = [str(n) for n in range(1, 11)] + ["11(1)", "11(2)", "12", "13(1)", "13(2)"]
SUBJECTS = ["Математика", "Русский язык", "Окружающий мир"]


def workbook_path(rows: int) -> Path:
    return Path(tempfile.gettempdir()) / f"muko_bench_results_{rows}.xlsx"


def generate(path: Path, rows: int) -> None:
    import openpyxl

    rnd = random.Random(rows)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Результаты")
    sheet.append(["Результаты ВПР, весна 2025 года"])
    sheet.append(["Муниципальный район"])
    sheet.append([])
    sheet.append(
        ["Код ОО", "Класс", "Предмет", "Код участника", "Вариант", *TASKS]
        + ["Первичный балл", "Отметка", "Отметка по журналу", "Отсутствовал"]
    )
    for i in range(rows):
        # Rows come grouped by school and class, as the federal system exports them.
        school = i * SCHOOLS // rows
        grade = 4 + (i * SCHOOLS * 5 // rows) % 5
        letter = "АБВ"[(i // 25) % 3]
        scores = [rnd.choice((0, 0, 1, 1, 2)) for _ in TASKS]
        if rnd.random() < 0.02:
            sheet.append(
                [f"sch{school:06d}", f"{grade}{letter}", SUBJECTS[grade % 3], f"{i:07d}"] + [None] * 19 + ["да"]
            )
            continue
        sheet.append(
            [f"sch{school:06d}", f"{grade}{letter}", SUBJECTS[grade % 3], f"{i:07d}", rnd.randint(1, 2), *scores]
            + [sum(scores), rnd.choice((2, 3, 3, 4, 4, 4, 5, 5)), rnd.choice((None, 3, 4, 5)), None]
        )
    workbook.save(path)


def calamine_only(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of calamine alone: open, load the sheet, iterate its rows."""
    import python_calamine

    started, cpu = time.perf_counter(), time.process_time()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    for row in workbook.get_sheet_by_index(0).iter_rows():
        del row
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--kind", default="vpr", choices=["vpr", "oge"])
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from monitoring.readers import read_student_results

    path = workbook_path(options.rows)
    if not path.exists():
        print(f"writing {path} ({options.rows:,} rows)…", flush=True)
        started = time.perf_counter()
        generate(path, options.rows)
        print(f"  written in {time.perf_counter() - started:.1f} s")
    print(f"file: {path} ({path.stat().st_size / 2**20:.1f} MB)")

    started, cpu = time.perf_counter(), time.process_time()
    result = read_student_results(
        path,
        filename=path.name,
        kind=options.kind,
        pseudonym_key=b"bench",
        max_rows=max(2_000_000, options.rows + 10),
        subject=None,
    )
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    rows = result.read

    calamine, calamine_cpu = min(calamine_only(path) for _ in range(2))
    python, python_cpu = max(total - calamine, 1e-9), max(total_cpu - calamine_cpu, 1e-9)
    # CPU time is shown next to wall time: on a busy machine the wall clock mostly measures
    # the other processes.
    print(
        f"rows read: {rows:,} (accepted {len(result.rows):,}, absent {result.absent:,}, problems {len(result.problems)})"
    )
    print(
        f"whole read:  {total:6.2f} s wall {rows / total:10,.0f} rows/s | {total_cpu:6.2f} s CPU {rows / total_cpu:10,.0f} rows/s"
    )
    print(f"calamine:    {calamine:6.2f} s wall {rows / calamine:10,.0f} rows/s | {calamine_cpu:6.2f} s CPU")
    print(
        f"Python part: {python:6.2f} s wall {rows / python:10,.0f} rows/s | {python_cpu:6.2f} s CPU {rows / python_cpu:10,.0f} rows/s"
    )
    print("             (Python part = whole read - calamine: streamed XML parsing and row checks)")
    print(f"peak memory: {peak:6.0f} MB resident (whole process, calamine included)")


if __name__ == "__main__":
    main()
