from django.urls import reverse


def test_health_reports_ok_as_json(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"]["ok"] and data["cache"]["ok"] and data["migrations"]["ok"]


def test_health_reports_503_when_a_part_fails(client, db, monkeypatch):
    from config.lib import health

    def broken():
        raise ConnectionError("нет связи")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["cache"] == {"ok": False, "error": "нет связи"}
