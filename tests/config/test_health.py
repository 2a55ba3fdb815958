"""/health/: 200 or 503 for anyone, with the details (database vendor, backends, migrations,
errors) for staff only."""

import pytest
from django.urls import reverse


@pytest.fixture
def broken_cache(monkeypatch):
    from config.lib import health

    def broken():
        raise ConnectionError("нет связи с redis://10.0.0.5:6379")

    monkeypatch.setitem(health.CHECKS, "cache", broken)


def test_staff_see_the_details(client_for, admin_user):
    response = client_for(admin_user).get(reverse("health"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"]["ok"] and data["cache"]["ok"] and data["migrations"]["ok"]
    assert data["database"]["vendor"] and "pending" in data["migrations"]


def test_staff_see_which_part_failed(client_for, admin_user, broken_cache):
    response = client_for(admin_user).get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["cache"] == {"ok": False, "error": "нет связи с redis://10.0.0.5:6379"}


@pytest.mark.parametrize("who", [None, "methodist", "director_a", "viewer"])
def test_others_get_the_status_only(request, client_for, who, db):
    client = client_for(request.getfixturevalue(who) if who else None)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("who", [None, "methodist"])
def test_others_learn_of_a_failure_but_not_its_cause(request, client_for, who, db, broken_cache):
    client = client_for(request.getfixturevalue(who) if who else None)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "fail"}
    assert b"redis" not in response.content and b"sqlite" not in response.content
