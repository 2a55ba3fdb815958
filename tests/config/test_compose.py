import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"web", "worker", "beat", "db", "redis", "objects", "objects-setup"} <= set(compose["services"])
    assert {"pgdata", "objects"} <= set(compose["volumes"])
    for name in ("web", "db", "redis", "objects"):
        assert "healthcheck" in compose["services"][name]
    assert "gunicorn" in compose["services"]["web"]["command"]


def test_web_and_worker_share_nothing_on_disk_and_keep_files_in_the_object_store():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("web", "worker", "beat"):
        assert not services[name].get("volumes"), name
        assert services[name]["environment"]["STORAGE_URL"].startswith("s3://"), name
        assert "MEDIA_ROOT" not in services[name]["environment"], name
        assert services[name]["depends_on"]["objects-setup"]["condition"] == "service_completed_successfully"
    assert "ports" not in services["objects"]  # private: files reach people only through the application


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="нет docker-compose")
def test_compose_file_is_valid():
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "PSEUDONYM_KEY": "k",
        "MINIO_ROOT_PASSWORD": "minio-root-password",
        "STORAGE_SECRET_KEY": "storage-secret-key",
    }
    result = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
