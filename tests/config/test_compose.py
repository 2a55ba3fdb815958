import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])
    assert {"pgdata", "media"} <= set(compose["volumes"])
    for name in ("web", "db", "redis"):
        assert "healthcheck" in compose["services"][name]
    assert "gunicorn" in compose["services"]["web"]["command"]


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="нет docker-compose")
def test_compose_file_is_valid():
    env = {**os.environ, "SECRET_KEY": "x" * 50, "PSEUDONYM_KEY": "k"}
    result = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
