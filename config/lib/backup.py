"""Backup and restore of the database and the media folder: `make backup` / `make restore`.

    python -m config.lib.backup backup [DIR]     → DIR (default backups/<timestamp>/) with
                                                   db.dump (PostgreSQL, pg_dump custom format)
                                                   or db.sqlite3, and media.tar.gz
    python -m config.lib.backup restore DIR      ← replaces the database and the media folder

PostgreSQL needs pg_dump / pg_restore of the server's major version on the PATH.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path


def _settings():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings


def _pg_url(database: dict) -> str:
    from urllib.parse import quote

    auth = quote(database.get("USER") or "")
    if database.get("PASSWORD"):
        auth += ":" + quote(database["PASSWORD"])
    host = database.get("HOST") or "localhost"
    port = database.get("PORT") or 5432
    return f"postgresql://{auth}@{host}:{port}/{database['NAME']}"


def backup(target: Path) -> Path:
    settings = _settings()
    database = settings.DATABASES["default"]
    target.mkdir(parents=True, exist_ok=True)
    if database["ENGINE"].endswith("postgresql"):
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target / "db.dump"), _pg_url(database)],
            check=True,
        )
    else:
        with sqlite3.connect(database["NAME"]) as source, sqlite3.connect(target / "db.sqlite3") as copy:
            source.backup(copy)
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname=".")
    return target


def restore(source: Path) -> None:
    settings = _settings()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        dump = source / "db.dump"
        if not dump.exists():
            raise SystemExit(f"В {source} нет db.dump: это не резервная копия PostgreSQL")
        # One transaction: the schema emptied and the copy loaded, or nothing changed. (pg_restore's
        # own --clean cannot drop the primary keys of a partitioned table's partitions.)
        script = subprocess.run(["pg_restore", "--no-owner", "--file", "-", str(dump)], check=True, capture_output=True)
        subprocess.run(
            ["psql", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1", "--dbname", _pg_url(database)],
            input=b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n" + script.stdout,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    else:
        copy = source / "db.sqlite3"
        if not copy.exists():
            raise SystemExit(f"В {source} нет db.sqlite3: это не резервная копия SQLite")
        with sqlite3.connect(copy) as backup_db, sqlite3.connect(database["NAME"]) as live:
            backup_db.backup(live)
    media = Path(settings.MEDIA_ROOT)
    archive_path = source / "media.tar.gz"
    if archive_path.exists():
        if media.exists():
            shutil.rmtree(media)
        media.mkdir(parents=True)
        with tarfile.open(archive_path) as archive:
            archive.extractall(media, filter="data")


def main(argv: list[str]) -> None:
    if len(argv) < 1 or argv[0] not in {"backup", "restore"} or (argv[0] == "restore" and len(argv) < 2):
        raise SystemExit("Использование: backup [КАТАЛОГ] | restore КАТАЛОГ")
    if argv[0] == "backup":
        target = Path(argv[1]) if len(argv) > 1 else Path("backups") / datetime.now().strftime("%Y%m%d-%H%M%S")
        print(f"Резервная копия: {backup(target)}")
    else:
        restore(Path(argv[1]))
        print(f"Восстановлено из {argv[1]}")


if __name__ == "__main__":
    main(sys.argv[1:])
