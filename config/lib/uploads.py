"""Uploads in progress. Django writes an upload bigger than FILE_UPLOAD_MAX_MEMORY_SIZE to a file in
FILE_UPLOAD_TEMP_DIR while it arrives and deletes it when the request ends; a process killed
mid-upload (a worker past gunicorn's timeout, out of memory, a restart) never does. Those
leftovers go to a folder of the product's own, not the system's /tmp, and are deleted once
nobody has written to them for an hour: by the housekeeping task and at the web process's start.
"""

import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# A live upload writes to its file as the data arrives; an hour of silence means its process is gone.
LEFTOVER_AFTER = timedelta(hours=1)


def upload_temp_dir() -> Path:
    """FILE_UPLOAD_TEMP_DIR, made if missing: Django does not make it, its checks refuse to start
    without it (files.E001), and an upload into a missing folder is a server error."""
    path = Path(settings.FILE_UPLOAD_TEMP_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _is_django_upload(name: str) -> bool:
    # TemporaryUploadedFile: tempfile's default prefix, suffix ".upload" + the file's extension.
    # Only those are deleted, should the folder be shared with anything else.
    return name.startswith("tmp") and ".upload" in name


def upload_leftovers_delete(*, older_than: timedelta = LEFTOVER_AFTER) -> int:
    """Delete the upload files nobody has written to for `older_than`; return how many."""
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    with os.scandir(upload_temp_dir()) as entries:
        for entry in entries:
            if not _is_django_upload(entry.name):
                continue
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:
                continue  # its request ended and deleted it meanwhile
            except OSError:
                logger.warning("Не удалось удалить %s", entry.path, exc_info=True)
    if removed:
        logger.info("Удалено оставшихся от прерванных загрузок файлов: %s", removed)
    return removed
