"""A real S3 API server for the tests of the object store: moto's server (the `moto_server` of the
moto[server] package) in its own process on a free loopback port, spoken to over HTTP by boto3 in
the product (django-storages) and in the tests alike. Nothing of boto3 is mocked in-process.

`s3_server` starts one per test process (pytest-xdist worker); `s3` gives a test a bucket of its
own and points the product's file storage at it, with MEDIA_ROOT moved to an empty folder that
must stay empty."""

import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from config.lib.env import env_storage

ACCESS_KEY = "muko-test-access"
SECRET_KEY = "muko-test-secret"
REGION = "us-east-1"
START_WITHIN = 60  # seconds for the server to answer at all: a limit for a broken start, not a timing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class S3Server:
    endpoint: str
    host_port: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )


@dataclass
class Bucket:
    server: S3Server
    name: str
    storage_url: str
    media_root: Path

    def keys(self) -> set[str]:
        listing = self.server.client().list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.server.client().get_object(Bucket=self.name, Key=key)["Body"].read()

    def media_files(self) -> list[Path]:
        return [path for path in self.media_root.rglob("*") if path.is_file()]


def _wait_until_listening(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server не запустился:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"moto_server не ответил за {START_WITHIN} с:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto_server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(process, port, log)
        yield S3Server(endpoint=f"http://127.0.0.1:{port}", host_port=f"127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def s3(s3_server, settings, tmp_path) -> Bucket:
    """A fresh private bucket as the product's file storage for one test, set the way production
    sets it: through STORAGE_URL and the settings' own reader of it."""
    name = f"muko-{uuid.uuid4().hex[:16]}"
    s3_server.client().create_bucket(Bucket=name)
    url = f"s3://{ACCESS_KEY}:{SECRET_KEY}@{s3_server.host_port}/{name}?region={REGION}&secure=false"
    media_root = tmp_path / "media"
    media_root.mkdir()
    # Each assignment sends Django's setting_changed: the storages and default_storage are built anew.
    settings.MEDIA_ROOT = media_root
    settings.STORAGES = {**settings.STORAGES, "default": env_storage(environ={"STORAGE_URL": url})}
    return Bucket(server=s3_server, name=name, storage_url=url, media_root=media_root)
