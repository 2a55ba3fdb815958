"""`make backup` / `make restore`: a restored database is complete (migrate --check passes)
and the media folder comes back."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run(*args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def environment_for(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true", "MEDIA_ROOT": str(tmp_path / "media")})
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        name = f"muko_backup_{uuid.uuid4().hex[:8]}"
        base["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
        return base, name
    base["DATABASE_URL"] = f"sqlite:///{tmp_path / 'live.db'}"
    return base, None


@pytest.fixture
def database(tmp_path):
    env, pg_name = environment_for(tmp_path)
    if pg_name:
        admin = settings.DATABASES["default"]
        createdb = ["createdb", "-h", admin["HOST"] or "127.0.0.1", "-U", admin["USER"] or "postgres", pg_name]
        subprocess.run(createdb, check=True)
    yield env
    if pg_name:
        subprocess.run(
            ["dropdb", "--if-exists", "-h", admin["HOST"] or "127.0.0.1", "-U", admin["USER"] or "postgres", pg_name],
            check=False,
        )


def test_backup_and_restore_bring_back_database_and_media(database, tmp_path):
    env = database
    assert run("manage.py", "migrate", "--noinput", env=env).returncode == 0
    assert run("manage.py", "load_demo", env=env).returncode == 0
    media = Path(env["MEDIA_ROOT"])
    (media / "evidence").mkdir(parents=True, exist_ok=True)
    (media / "evidence" / "protocol.pdf").write_bytes(b"%PDF-1.4 test")

    copy = tmp_path / "copy"
    result = run("-m", "config.lib.backup", "backup", str(copy), env=env)
    assert result.returncode == 0, result.stderr

    # Lose data and files, then restore.
    flush = run("manage.py", "flush", "--noinput", env=env)
    assert flush.returncode == 0, flush.stderr
    (media / "evidence" / "protocol.pdf").unlink()
    result = run("-m", "config.lib.backup", "restore", str(copy), env=env)
    assert result.returncode == 0, result.stderr

    check = run("manage.py", "migrate", "--check", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    count = run(
        "manage.py",
        "shell",
        "--no-imports",
        "-c",
        "from schools.models import Organization; print(Organization.objects.count())",
        env=env,
    )
    assert int(count.stdout.strip()) > 30
    assert (media / "evidence" / "protocol.pdf").read_bytes() == b"%PDF-1.4 test"
