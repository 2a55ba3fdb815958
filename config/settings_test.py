"""Fast settings for the test suite: same as production code paths, cheaper hashing, inline jobs."""

import os
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="muko-test-media-"))
FILE_UPLOAD_TEMP_DIR = tempfile.mkdtemp(prefix="muko-test-uploads-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="muko-test-static-"))
# Each pytest-xdist worker has its own test database, whose primary keys repeat the other's:
# keep their cached fragments apart (the Redis of CI is shared by both workers).
for _cache in CACHES.values():  # noqa: F405
    _cache["KEY_PREFIX"] = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
# A test's data stays in its own uncommitted transaction, which a replica never receives: pages
# read the primary unless a test turns the replica on (tests/config/test_replicas.py).
REPLICA_READS = False
