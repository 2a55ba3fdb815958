"""Uploads in progress go to a folder of the product's own (FILE_UPLOAD_TEMP_DIR), and what a process
killed mid-upload leaves there is deleted once an hour old: by housekeeping and at the web's start."""

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.jobs.tasks import jobs_housekeeping

ROOT = Path(__file__).resolve().parents[2]
TWO_HOURS_AGO = time.time() - 2 * 3600


def test_uploads_go_to_a_folder_inside_the_project_unless_told_otherwise(monkeypatch):
    with monkeypatch.context() as patched:
        patched.delenv("FILE_UPLOAD_TEMP_DIR", raising=False)
        assert runpy.run_path(str(ROOT / "config" / "settings.py"))["FILE_UPLOAD_TEMP_DIR"] == str(
            ROOT / "tmp" / "uploads"
        )
        patched.setenv("FILE_UPLOAD_TEMP_DIR", "/var/tmp/muko-uploads")
        assert runpy.run_path(str(ROOT / "config" / "settings.py"))["FILE_UPLOAD_TEMP_DIR"] == "/var/tmp/muko-uploads"


def test_housekeeping_deletes_upload_leftovers_older_than_an_hour(db, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")  # not there yet: made on the way
    folder = tmp_path / "uploads"
    folder.mkdir()
    old = folder / "tmpa1b2c3.upload.xlsx"
    fresh = folder / "tmpd4e5f6.upload.pdf"
    foreign = folder / "notes.txt"  # not an upload of Django's: never touched
    for path in (old, fresh, foreign):
        path.write_bytes(b"partial")
    for path in (old, foreign):
        os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))

    assert jobs_housekeeping()["upload_leftovers"] == 1

    assert sorted(path.name for path in folder.iterdir()) == sorted([fresh.name, foreign.name])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """The product's web process as the Dockerfile runs it, on a folder of uploads of this test's."""

    def __init__(self, tmp_path: Path, uploads: Path):
        self.port = free_port()
        self.log = tmp_path / "gunicorn.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "FILE_UPLOAD_TEMP_DIR": str(uploads),
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("REDIS_URL", None)
        self.env.pop("DATABASE_REPLICA_URL", None)  # a replica of PostgreSQL, not of this SQLite
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1"]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        with self.log.open("ab") as output:
            # A session of its own, so that the kill takes the master and its worker together.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while not self.answers():  # the worker has loaded the application, not just the master bound
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()[-3000:]
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as probe:
                probe.sendall(f"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode())
                return probe.recv(12).startswith(b"HTTP/1.1 200")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)


def start_upload(port: int, *, declared: int, sent: int) -> socket.socket:
    """A POST of a multipart form with a file of `declared` bytes, of which only `sent` arrive.
    CSRF protection reads the form before anything else (a well-formed token cookie is enough to
    get that far), so the upload handler is at work whatever the page."""
    boundary = "muko-test-boundary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="результаты.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    request = (
        "POST /results/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Cookie: csrftoken={'a' * 32}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(head) + declared}\r\n\r\n"
    ).encode()
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    client.sendall(request + head + b"\0" * sent)
    return client


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")
def test_a_web_process_killed_mid_upload_leaves_its_part_in_the_upload_folder_until_the_next_start(tmp_path):
    uploads = tmp_path / "uploads"
    web = Gunicorn(tmp_path, uploads)
    try:
        web.start()
        assert uploads.is_dir()  # made at start-up
        client = start_upload(web.port, declared=30 * 1024 * 1024, sent=1024 * 1024)
        deadline = time.monotonic() + 30
        while not [path for path in uploads.iterdir() if path.stat().st_size > 0]:
            assert time.monotonic() < deadline, web.log.read_text()[-3000:]
            time.sleep(0.02)
        web.kill()
        client.close()

        (leftover,) = uploads.iterdir()
        assert leftover.name.startswith("tmp") and ".upload" in leftover.name and leftover.stat().st_size > 0

        web.start()  # a restart right away keeps it: it could belong to an upload still arriving
        assert list(uploads.iterdir()) == [leftover]
        web.stop()

        os.utime(leftover, (TWO_HOURS_AGO, TWO_HOURS_AGO))
        web.start()
        assert list(uploads.iterdir()) == []
    finally:
        web.kill()
