"""The real S3 API server and a bucket per test, for the tests of the object store."""

from tests.object_storage import s3, s3_server  # noqa: F401 (fixtures)
