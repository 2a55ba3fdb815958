"""Kept files through Django's storage API only, so that they live on local disk (the embedded
default) or in an S3-compatible object store (STORAGE_URL) alike: nothing outside this module
asks a kept file for a path on disk."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import Storage

from config.lib.uploads import upload_temp_dir


def _local_path(stored) -> Path | None:
    try:
        return Path(stored.path)
    except NotImplementedError:  # an object store has no paths
        return None


@contextmanager
def local_copy(stored) -> Iterator[Path]:
    """A kept file (a FieldFile) as a path on this machine, for readers that need one (calamine
    opens workbooks by path): the file itself on disk, or a temporary copy of the object that
    is deleted when the block ends."""
    path = _local_path(stored)
    if path is not None:
        yield path
        return
    suffix = Path(stored.name).suffix[:10]
    with tempfile.NamedTemporaryFile(prefix="stored-", suffix=suffix, dir=upload_temp_dir()) as copy:
        with stored.storage.open(stored.name, "rb") as source:
            shutil.copyfileobj(source, copy, length=1024 * 1024)
        copy.flush()
        yield Path(copy.name)


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name kept in ``storage`` (under ``folder``), walking its folders: the same walk
    on disk and in a bucket, used by the backup."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)
