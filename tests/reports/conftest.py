import pytest

from reports.testing import build_roadmap


@pytest.fixture
def roadmap(authority):
    return build_roadmap(authority)
