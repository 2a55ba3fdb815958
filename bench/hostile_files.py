"""Hostile files against the readers, before and after: the answer, the peak memory and the time.

    .venv/bin/python bench/hostile_files.py [--baseline-ref a6e238b] [--only sparse-corner,zip-bomb]

Builds the files of tests/hardening/hostile_files.py and hands each to each reader of uploaded
tables in a process of its own (so the peak resident memory is that reader's alone), in this
checkout and, as the named baseline, in a worktree of ``--baseline-ref`` made for the run (the
commit before the guarded opener). A process that the kernel or the allocator kills is reported
as such: that is what a request would have done to the web process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hardening.hostile_files import HOSTILE  # noqa: E402

READERS = {
    "results": (
        "from monitoring.readers import read_student_results as r\n"
        "r(PATH, filename=NAME, kind='vpr', pseudonym_key=b'k')"
    ),
    "registry": "from schools.resources import dataset_from_file as r\nr(open(PATH, 'rb').read(), NAME)",
    "evidence": (
        "from django.core.files.uploadedfile import SimpleUploadedFile\n"
        "from roadmaps.uploads import detect_kind\n"
        "detect_kind(SimpleUploadedFile(NAME, open(PATH, 'rb').read()), NAME)"
    ),
    "roadmap import": (
        "try:\n"
        "    from roadmaps.xlsx import _read_sheets as r\n"
        "    r(open(PATH, 'rb').read())\n"
        "except ImportError:\n"  # the baseline read the workbook with openpyxl
        "    import io, openpyxl\n"
        "    openpyxl.load_workbook(io.BytesIO(open(PATH, 'rb').read()), data_only=False)"
    ),
}

SCRIPT = """
import json, re, sys, time
import django

def peak_mb():
    # VmHWM: the peak of this program's own memory (ru_maxrss carries the parent's over exec).
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1)) / 1024

django.setup()
PATH, NAME = sys.argv[1], sys.argv[2]
started = time.perf_counter()
try:
{body}
    outcome = "прочитан"
except BaseException as error:
    outcome = "отказ: " + str(error).splitlines()[0][:160] if str(error) else type(error).__name__
print(json.dumps({{"outcome": outcome, "seconds": time.perf_counter() - started,
                  "peak_mb": peak_mb()}}, ensure_ascii=False))
"""


def run(tree: Path, reader: str, path: Path, name: str, timeout: int) -> dict:
    body = "\n".join("    " + line for line in READERS[reader].splitlines())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "PYTHONPATH": str(tree)}
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT.format(body=body), str(path), name],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"outcome": f"не закончил за {timeout} с", "seconds": timeout, "peak_mb": None}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        last = (done.stderr.strip().splitlines() or ["?"])[-1][:120]
        return {
            "outcome": f"процесс убит (код {done.returncode}): {last}",
            "seconds": time.perf_counter() - started,
            "peak_mb": None,
        }
    return json.loads(lines[-1])


def cell(result: dict) -> str:
    peak = f"{result['peak_mb']:.0f} МБ" if result["peak_mb"] else "—"
    return f"{result['outcome'][:90]} | {peak} | {result['seconds']:.2f} с"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline-ref", default="a6e238b", help="commit of the baseline (before the guard)")
    parser.add_argument("--only", default="", help="comma-separated names of files")
    parser.add_argument("--timeout", type=int, default=120)
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(HOSTILE)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        baseline = folder / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(baseline), args.baseline_ref], check=True
        )
        try:
            print("| файл | читатель | базовая линия: ответ, пик памяти, время | продукт: ответ, пик памяти, время |")
            print("|---|---|---|---|")
            for key in names:
                name, build, _ = HOSTILE[key]
                path = folder / name
                path.write_bytes(build())
                for reader in READERS:
                    before = run(baseline, reader, path, name, args.timeout)
                    after = run(ROOT, reader, path, name, args.timeout)
                    print(
                        f"| {key} ({path.stat().st_size:,} Б) | {reader} | {cell(before)} | {cell(after)} |", flush=True
                    )
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False)


if __name__ == "__main__":
    main()
