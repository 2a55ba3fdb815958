import subprocess
import sys
from pathlib import Path

import pytest

from config.lib.env import EnvError, env_bool, env_database, env_int, env_list, env_redis_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw, expected", [("true", True), ("FALSE", False), ("1", True), ("off", False), ("", True)])
def test_env_bool_accepts_usual_words(raw, expected):
    assert env_bool("DEBUG", True, environ={"DEBUG": raw}) is expected


def test_env_bool_rejects_other_words_naming_the_variable():
    with pytest.raises(EnvError, match="DEBUG='da'.*true или false"):
        env_bool("DEBUG", False, environ={"DEBUG": "da"})


def test_env_int_rejects_text_and_too_small_values():
    with pytest.raises(EnvError, match="EMAIL_PORT='abc'.*целое число"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "abc"})
    with pytest.raises(EnvError, match="UPLOAD_MAX_MB='0'.*не меньше 1"):
        env_int("UPLOAD_MAX_MB", 25, minimum=1, environ={"UPLOAD_MAX_MB": "0"})
    assert env_int("EMAIL_PORT", 25, environ={}) == 25


def test_env_list_splits_by_commas():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.ru, b.ru,,"}) == ["a.ru", "b.ru"]


def test_database_url_forms(tmp_path):
    assert env_database("DATABASE_URL", tmp_path / "x.db", environ={})["ENGINE"].endswith("sqlite3")
    pg = env_database("DATABASE_URL", tmp_path, environ={"DATABASE_URL": "postgres://u:p@db:5432/muko"})
    assert (pg["ENGINE"], pg["NAME"], pg["HOST"], pg["PORT"]) == ("django.db.backends.postgresql", "muko", "db", 5432)
    sqlite = env_database("DATABASE_URL", tmp_path, environ={"DATABASE_URL": "sqlite:////tmp/muko.db"})
    assert sqlite["NAME"] == "/tmp/muko.db"


@pytest.mark.parametrize("raw", ["mysql://u@h/db", "localhost:5432", "postgres://u@h:5432/"])
def test_database_url_rejects_unknown_forms(raw, tmp_path):
    with pytest.raises(EnvError, match="DATABASE_URL"):
        env_database("DATABASE_URL", tmp_path, environ={"DATABASE_URL": raw})


def test_redis_url_must_be_redis():
    with pytest.raises(EnvError, match="REDIS_URL='http://x'"):
        env_redis_url("REDIS_URL", environ={"REDIS_URL": "http://x"})


def _manage(*args, env):
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_malformed_variable_stops_start_up_naming_it():
    result = _manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe'" in result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", env={"DEBUG": "false", "ALLOWED_HOSTS": "muko.example", "PSEUDONYM_KEY": "k"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_passes_in_production_configuration():
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "s" * 20 + "-production-secret-key-for-the-test-only-0123456789",
        "ALLOWED_HOSTS": "muko.example",
        "PSEUDONYM_KEY": "pseudonym-key",
        "DATABASE_URL": "postgres://muko:muko@127.0.0.1:5432/muko",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def _settings(monkeypatch, **environ) -> dict:
    """config/settings.py evaluated for the given environment."""
    import runpy

    with monkeypatch.context() as patched:
        for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "SQLITE_BUSY_TIMEOUT_SECONDS"):
            patched.delenv(name, raising=False)
        for name, value in environ.items():
            patched.setenv(name, value)
        return runpy.run_path(str(ROOT / "config" / "settings.py"))


@pytest.mark.parametrize("url", ["", "sqlite:////tmp/muko.db"])
def test_sqlite_waits_for_the_write_lock_in_wal_mode(monkeypatch, url):
    options = _settings(monkeypatch, DATABASE_URL=url, SQLITE_BUSY_TIMEOUT_SECONDS="30")["DATABASES"]["default"][
        "OPTIONS"
    ]
    assert options == {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    assert _settings(monkeypatch, DATABASE_URL=url)["DATABASES"]["default"]["OPTIONS"]["timeout"] == 10


def test_postgresql_gets_no_sqlite_options(monkeypatch):
    database = _settings(monkeypatch, DATABASE_URL="postgres://u:p@db:5432/muko")["DATABASES"]["default"]
    assert "transaction_mode" not in database.get("OPTIONS", {})


def test_replica_url_adds_a_replica_the_router_reads_on_heavy_pages(monkeypatch):
    primary = "postgres://u:p@db:5432/muko"
    found = _settings(
        monkeypatch,
        DATABASE_URL=primary,
        DATABASE_REPLICA_URL="postgres://u:p@replica:5432/muko",
        DATABASE_REPLICA_PIN_SECONDS="5",
    )
    assert found["DATABASES"]["replica"]["HOST"] == "replica"
    assert (found["REPLICA_READS"], found["REPLICA_PIN_SECONDS"]) == (True, 5)
    assert found["DATABASE_ROUTERS"] == ["config.lib.replica.ReplicaRouter"]
    alone = _settings(monkeypatch, DATABASE_URL=primary)
    assert "replica" not in alone["DATABASES"] and alone["REPLICA_READS"] is False
