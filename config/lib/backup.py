"""Backup and restore of the database and the kept files: `make backup` / `make restore`.

    python -m config.lib.backup backup [DIR]     → DIR (default backups/<timestamp>/) with
                                                   db.dump (PostgreSQL, pg_dump custom format)
                                                   or db.sqlite3, and media.tar.gz
    python -m config.lib.backup restore DIR      ← replaces the database and the kept files

The kept files are the media folder on disk or, with an object store (STORAGE_URL), every object
of the bucket, read and written through the storage API: one archive format for both, so that a
copy of a one-host installation restores into an object store and back. (An object store of a
region is better kept by the store itself as well: bucket versioning and a mirror, see README.)

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
    files_backup(target / "media.tar.gz")
    return target


def _object_store():
    """The object store of the kept files, or None for the media folder on disk."""
    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["default"]
    return None if isinstance(storage, FileSystemStorage) else storage


def files_backup(archive_path: Path) -> None:
    """Every kept file into one archive: the media folder, or every object of the bucket."""
    from django.conf import settings

    from config.lib.storage import stored_names

    storage = _object_store()
    with tarfile.open(archive_path, "w:gz") as archive:
        if storage is None:
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, arcname=".")
            return
        taken = int(datetime.now().timestamp())
        for name in stored_names(storage):
            with storage.open(name, "rb") as stored:
                info = tarfile.TarInfo(f"./{name}")
                info.size, info.mtime, info.mode = stored.size, taken, 0o640
                archive.addfile(info, stored)


def files_restore(archive_path: Path) -> None:
    """The kept files exactly as in the archive. Into a bucket: each object written again under
    its own name, then the objects the archive does not have deleted, so that a failure halfway
    leaves every file of the copy that was already written, not an empty bucket."""
    from django.conf import settings

    from config.lib.storage import stored_names

    storage = _object_store()
    if storage is None:
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        media.mkdir(parents=True)
        with tarfile.open(archive_path) as archive:
            archive.extractall(media, filter="data")
        return
    restored = set()
    with tarfile.open(archive_path) as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = member.name.removeprefix("./")
            if name.startswith("/") or ".." in Path(name).parts:
                raise SystemExit(f"В архиве файл вне каталога: {member.name}")
            storage.delete(name)
            saved = storage.save(name, archive.extractfile(member))
            if saved != name:
                raise SystemExit(f"Файл {name} записан в хранилище под другим именем ({saved})")
            restored.add(name)
    for name in list(stored_names(storage)):
        if name not in restored:
            storage.delete(name)


def restore(source: Path) -> None:
    settings = _settings()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        dump = source / "db.dump"
        if not dump.exists():
            raise SystemExit(f"В {source} нет db.dump: это не резервная копия PostgreSQL")
        # One transaction: the schema emptied and the copy loaded, or nothing changed. (pg_restore's
        # own --clean cannot drop the primary keys of a partitioned table's partitions.)
        # The dump's SQL is streamed from pg_restore into psql, never held whole in memory.
        load = ["psql", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1", "--dbname", _pg_url(database)]
        with (
            subprocess.Popen(["pg_restore", "--no-owner", "--file", "-", str(dump)], stdout=subprocess.PIPE) as sql,
            subprocess.Popen(load, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL) as psql,
        ):
            try:
                psql.stdin.write(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
                shutil.copyfileobj(sql.stdout, psql.stdin, 1 << 20)
                psql.stdin.close()
            except BrokenPipeError:  # psql stopped at an error: its transaction is rolled back
                sql.kill()
        if sql.returncode or psql.returncode:
            raise subprocess.CalledProcessError(sql.returncode or psql.returncode, "pg_restore | psql")
    else:
        copy = source / "db.sqlite3"
        if not copy.exists():
            raise SystemExit(f"В {source} нет db.sqlite3: это не резервная копия SQLite")
        with sqlite3.connect(copy) as backup_db, sqlite3.connect(database["NAME"]) as live:
            backup_db.backup(live)
    archive_path = source / "media.tar.gz"
    if archive_path.exists():
        files_restore(archive_path)


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
