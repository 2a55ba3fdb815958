"""Read replicas (config.lib.replica): the heavy read pages read a real streaming replica of
PostgreSQL, a person who just wrote reads the primary for a few seconds, writes never go to the
replica, and without DATABASE_REPLICA_URL everything reads the primary.

The replica tests need PostgreSQL and a streaming replica of it: `.ci/run` starts one with
`bash .ci/replica <база>` (a second cluster on port 5433, pg_basebackup -R) and exports
DATABASE_REPLICA_URL. Their data is committed (transactional tests), since a replica only ever
receives what the primary committed.
"""

import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.lib import replica
from config.lib.env import EnvError, env_replica_database
from config.lib.replica import REPLICA, ReplicaPinMiddleware, ReplicaRouter, heavy_read
from schools.models import Municipality

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
_replica_marks = [
    pytest.mark.skipif(
        not POSTGRES,
        reason="Реплика для чтения бывает только у PostgreSQL: запустите тесты с DATABASE_URL=postgres://… "
        "и DATABASE_REPLICA_URL (реплику поднимает bash .ci/replica <база>)",
    ),
    pytest.mark.skipif(
        POSTGRES and REPLICA not in settings.DATABASES,
        reason="DATABASE_REPLICA_URL не задан: реплику поднимает bash .ci/replica <база>, "
        "её адрес передайте в DATABASE_REPLICA_URL",
    ),
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
]


def needs_replica(test):
    for mark in _replica_marks:
        test = mark(test)
    return test


REPLAY_WAIT_SECONDS = 30  # a bound for a broken replica, not a speed requirement
DOMAIN_TABLES = ("schools_", "roadmaps_", "monitoring_")


def replayed() -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    assert replica.replica_caught_up(wait_seconds=REPLAY_WAIT_SECONDS), "реплика не догнала основной сервер"


@pytest.fixture
def replica_reads(settings):
    settings.REPLICA_READS = True
    yield
    cache.delete_many([replica.pin_key(user) for user in get_user_model().objects.all()])


def domain_queries(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if any(t in query["sql"] for t in DOMAIN_TABLES)]


def heavy_pages(municipality) -> dict[str, str]:
    return {
        "overview": reverse("monitoring:overview") + f"?municipality={municipality.pk}",
        "dashboard": reverse("execution:dashboard"),
        "dashboard_municipality": reverse("execution:dashboard_municipality", args=[municipality.pk]),
        "values_csv": reverse("monitoring:values_export", args=["csv"]) + f"?municipality={municipality.pk}",
    }


def get(client, url):
    """The page's status and the queries it sent to the primary's and the replica's tables."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as copy,
    ):
        status = client.get(url).status_code
    return status, domain_queries(primary), domain_queries(copy)


def serve(view, user, method="GET"):
    """Run `view` as the product does: through the pin middleware, as a heavy read page."""
    request = getattr(RequestFactory(), method.lower())("/")
    request.user = user
    return ReplicaPinMiddleware(heavy_read(view))(request)


# --- the replica itself ---------------------------------------------------------------------------


@needs_replica
def test_replica_is_a_streaming_copy_of_the_test_database():
    primary, copy = connections[DEFAULT_DB_ALIAS].settings_dict, connections[REPLICA].settings_dict
    assert copy["NAME"] == primary["NAME"]  # the test database, replicated (TEST MIRROR)
    assert (copy["HOST"], copy["PORT"]) != (primary["HOST"], primary["PORT"])
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver)")
        assert cursor.fetchone() == (True, "streaming")


@needs_replica
def test_a_write_on_the_primary_appears_on_the_replica():
    municipality = Municipality.objects.create(name="Балаковский муниципальный район", region="Саратовская область")
    replayed()
    assert Municipality.objects.using(REPLICA).get(pk=municipality.pk).name == "Балаковский муниципальный район"
    Municipality.objects.filter(pk=municipality.pk).update(name="Балашовский муниципальный район")
    replayed()
    assert Municipality.objects.using(REPLICA).get(pk=municipality.pk).name == "Балашовский муниципальный район"


@needs_replica
def test_the_replica_refuses_writes():
    with pytest.raises(DatabaseError, match="read-only"), transaction.atomic(using=REPLICA):
        Municipality.objects.using(REPLICA).create(name="Лишний район", region="Саратовская область")
    assert not Municipality.objects.filter(name="Лишний район").exists()


# --- pages ------------------------------------------------------------------------------------------


@needs_replica
@pytest.mark.parametrize("page", ["overview", "dashboard", "dashboard_municipality", "values_csv"])
def test_heavy_pages_read_the_replica(page, replica_reads, municipality, methodist, client_for):
    client = client_for(methodist)
    url = heavy_pages(municipality)[page]
    replayed()
    status, on_primary, on_replica = get(client, url)
    assert status == 200
    assert on_replica, "страница не читала реплику"
    assert on_primary == []


@needs_replica
def test_other_pages_read_the_primary(replica_reads, municipality, methodist, client_for):
    client = client_for(methodist)
    replayed()
    status, on_primary, on_replica = get(client, reverse("roadmaps:list"))
    assert status == 200
    assert on_primary and on_replica == []


@needs_replica
def test_a_person_who_just_wrote_reads_the_primary_for_the_pin_window(
    replica_reads, municipality, methodist, official, client_for
):
    client = client_for(methodist)
    url = heavy_pages(municipality)["dashboard"]
    response = client.post(reverse("execution:notifications_read_all"))
    assert response.status_code == 302
    replayed()

    _, on_primary, on_replica = get(client, url)
    assert on_primary and on_replica == [], "после записи страница должна читать основной сервер"
    until = cache.get(replica.pin_key(methodist))
    assert until - time.time() <= settings.REPLICA_PIN_SECONDS

    # Somebody else, who has written nothing, reads the replica meanwhile.
    _, on_primary, on_replica = get(client_for(official), url)
    assert on_replica and on_primary == []

    # The window passes: the methodist's pin ends, the replica serves them again.
    client = client_for(methodist)
    cache.set(replica.pin_key(methodist), time.time() - 1)
    _, on_primary, on_replica = get(client, url)
    assert on_replica and on_primary == []


@needs_replica
def test_a_heavy_page_is_served_from_the_primary_when_the_replica_is_down(
    replica_reads, municipality, methodist, client_for, monkeypatch
):
    client = client_for(methodist)
    connections[REPLICA].close()
    monkeypatch.setitem(connections[REPLICA].settings_dict, "PORT", "1")  # nothing listens there
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
        response = client.get(heavy_pages(municipality)["dashboard"])
    assert response.status_code == 200
    assert domain_queries(primary)


@needs_replica
def test_a_login_pins_the_person_who_logged_in(replica_reads, methodist, client):
    from tests.conftest import PASSWORD

    client.post(reverse("login"), {"username": "methodist", "password": PASSWORD})
    assert replica.is_pinned(methodist)


# --- the router ---------------------------------------------------------------------------------


@needs_replica
def test_a_heavy_page_reads_the_primary_after_it_writes_and_inside_a_transaction(replica_reads, methodist):
    router = ReplicaRouter()
    seen = []

    def view(request):
        seen.append(router.db_for_read(Municipality))
        with transaction.atomic():
            seen.append(router.db_for_read(Municipality))
        municipality = Municipality.objects.create(name="Вольский муниципальный район", region="Саратовская область")
        seen.append(municipality._state.db)
        seen.append(router.db_for_read(Municipality))
        return HttpResponse()

    serve(view, methodist)
    assert seen == [REPLICA, DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS]
    assert replica.is_pinned(methodist)  # a GET that wrote pins as a POST does


@needs_replica
def test_writes_never_go_to_the_replica(replica_reads, methodist):
    def view(request):
        with CaptureQueriesContext(connections[REPLICA]) as copy:
            municipality = Municipality.objects.get(pk=Municipality.objects.create(name="Р", region="С").pk)
            municipality.name = "Ртищевский муниципальный район"
            municipality.save()
            Municipality.objects.filter(pk=municipality.pk).update(region="Саратовская область")
            municipality.delete()
        assert ReplicaRouter().db_for_write(Municipality) == DEFAULT_DB_ALIAS
        assert copy.captured_queries == []
        return HttpResponse()

    serve(view, methodist)


@needs_replica
def test_a_cached_fragment_is_computed_from_the_primary_while_the_replica_lags(replica_reads, methodist, monkeypatch):
    router = ReplicaRouter()
    seen = []

    def view(request):
        with replica.fresh_reads():
            seen.append(router.db_for_read(Municipality))
        monkeypatch.setattr(replica, "replica_lsn", lambda: 0)  # the replica stopped replaying
        with replica.fresh_reads():
            seen.append(router.db_for_read(Municipality))
        seen.append(router.db_for_read(Municipality))
        return HttpResponse()

    replayed()
    serve(view, methodist)
    assert seen == [REPLICA, DEFAULT_DB_ALIAS, REPLICA]


@needs_replica
def test_a_person_is_read_from_the_primary_when_the_cache_cannot_say(replica_reads, methodist, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis недоступен")

    monkeypatch.setattr(replica.cache, "get", broken)
    assert replica.is_pinned(methodist)


@needs_replica
def test_health_reports_the_replica_to_staff_and_stays_up_without_it(municipality, client, monkeypatch):
    from tests.conftest import make_user

    staff = make_user("staff", municipality.organizations.create(code="uo-h", short_name="УО", full_name="УО",
                                                                  kind="authority"), "admin", is_staff=True)  # fmt: skip
    client.force_login(staff)
    body = client.get(reverse("health")).json()
    assert body["status"] == "ok"
    assert body["replica"]["ok"] and body["replica"]["configured"] and body["replica"]["lag_bytes"] >= 0
    connections[REPLICA].close()
    monkeypatch.setitem(connections[REPLICA].settings_dict, "PORT", "1")  # nothing listens there
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response.json()["replica"]["ok"] is False and response.json()["replica"]["error"]
    connections[REPLICA].close()


# --- without a replica (every database) -----------------------------------------------------------


@pytest.mark.django_db
def test_without_a_replica_everything_reads_the_primary(methodist, settings):
    settings.REPLICA_READS = False  # as when DATABASE_REPLICA_URL is unset
    seen = []

    def view(request):
        seen.append(ReplicaRouter().db_for_read(Municipality))
        Municipality.objects.create(name="Красноармейский муниципальный район", region="Саратовская область")
        return HttpResponse()

    serve(view, methodist)
    assert seen == [DEFAULT_DB_ALIAS]
    assert cache.get(replica.pin_key(methodist)) is None  # no pins kept for nothing


@pytest.mark.skipif(REPLICA in settings.DATABASES, reason="в этом прогоне реплика задана (DATABASE_REPLICA_URL)")
@pytest.mark.django_db
def test_health_says_there_is_no_replica_when_none_is_set(municipality, client):
    from tests.conftest import make_user

    staff = make_user("staff", municipality.organizations.create(code="uo-h", short_name="УО", full_name="УО",
                                                                  kind="authority"), "admin", is_staff=True)  # fmt: skip
    client.force_login(staff)
    body = client.get(reverse("health")).json()
    assert body["status"] == "ok" and body["replica"] == {"ok": True, "configured": False}
    client.logout()
    assert "replica" not in client.get(reverse("health")).json()  # nobody else learns what runs behind


@pytest.mark.django_db
def test_pages_of_the_suite_read_the_primary(municipality, methodist, client_for):
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
        assert client_for(methodist).get(heavy_pages(municipality)["overview"]).status_code == 200
    assert domain_queries(primary)


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "schools") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "schools") is None


def test_the_heavy_pages_are_marked():
    from monitoring.analysis import views as analysis
    from roadmaps.cascade import views as cascade
    from roadmaps.execution import views as execution

    heavy = [analysis.overview, analysis.zones_export, analysis.values_export, execution.dashboard_index,
             execution.dashboard_roadmap, execution.dashboard_municipality, cascade.dashboard]  # fmt: skip
    assert all(getattr(view, "heavy_read", False) for view in heavy)
    assert not getattr(analysis.method_compute, "heavy_read", False)


def test_replica_url_is_read_with_the_test_mirror():
    primary = {"ENGINE": "django.db.backends.postgresql", "NAME": "muko"}
    environ = {"DATABASE_REPLICA_URL": "postgres://muko@replica.local:5432/muko"}
    config = env_replica_database("DATABASE_REPLICA_URL", primary, environ=environ)
    assert (config["HOST"], config["NAME"], config["TEST"]) == ("replica.local", "muko", {"MIRROR": "default"})
    assert env_replica_database("DATABASE_REPLICA_URL", primary, environ={}) is None


def test_replica_of_sqlite_is_refused():
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
    with pytest.raises(EnvError, match="только у PostgreSQL"):
        env_replica_database("DATABASE_REPLICA_URL", sqlite, environ={"DATABASE_REPLICA_URL": "postgres://h/muko"})
    with pytest.raises(EnvError, match="только у PostgreSQL"):
        env_replica_database(
            "DATABASE_REPLICA_URL",
            {"ENGINE": "django.db.backends.postgresql"},
            environ={"DATABASE_REPLICA_URL": "sqlite:////tmp/replica.db"},
        )
