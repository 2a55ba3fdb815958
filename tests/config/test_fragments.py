"""Cached page fragments: served until the data they show changes through a service, shared only
within one scope of access, and never a reason for a page to fail when the cache is down."""

import inspect
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from config.lib import fragments
from config.lib.fragments import ROADMAPS, fragment, versions_bump, writes
from monitoring import zoning
from monitoring.analysis import services as services_analysis
from monitoring.models import IndicatorValue
from reports import services as report_services
from roadmaps import services
from roadmaps import xlsx as roadmap_xlsx
from roadmaps.execution import services as services_execution
from roadmaps.models import Assignment, Measure
from tests.roadmaps.execution_factories import make_plan

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_fragment_is_computed_once_per_version(db):
    calls = []

    def compute():
        calls.append(1)
        return f"значение {len(calls)}"

    assert fragment("test", (1,), [ROADMAPS], compute) == "значение 1"
    assert fragment("test", (1,), [ROADMAPS], compute) == "значение 1"
    assert fragment("test", (2,), [ROADMAPS], compute) == "значение 2"  # another key
    versions_bump(ROADMAPS)
    assert fragment("test", (1,), [ROADMAPS], compute) == "значение 3"
    assert len(calls) == 3


def test_fragments_can_be_switched_off(db, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    calls = []
    for _ in range(2):
        fragment("test", (1,), [ROADMAPS], lambda: calls.append(1))
    assert len(calls) == 2


def test_writes_bumps_at_once_and_again_after_commit(db, django_capture_on_commit_callbacks):
    @writes(ROADMAPS)
    def change():
        return "изменено"

    before = fragments._versions([ROADMAPS])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert change() == "изменено"
        during = fragments._versions([ROADMAPS])  # the writer's own transaction reads a new version
    after = fragments._versions([ROADMAPS])  # and the commit moved it once more
    assert len(callbacks) == 1
    assert before != during != after


def test_writes_that_fail_change_nothing_and_bump_nothing_after(db, django_capture_on_commit_callbacks):
    @writes(ROADMAPS)
    def fail():
        raise ValueError("отказ")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValueError):
        fail()
    assert callbacks == []


def test_version_lost_by_the_cache_restarts_from_the_clock(db):
    from django.core.cache import cache

    versions_bump(ROADMAPS)
    old = fragments._versions([ROADMAPS])
    cache.delete(fragments._VERSION_KEY.format(ROADMAPS))
    assert fragments._versions([ROADMAPS]) > old  # never a number whose fragments may be stored


def _publish(authority, school_a):
    roadmap, measure, _ = make_plan(authority, school_a)
    return roadmap, measure


def test_read_only_roadmap_table_is_cached_until_a_service_writes(
    authority, school_a, school_b, methodist, director_a, client_for
):
    roadmap, measure = _publish(authority, school_a)
    url = reverse("roadmaps:detail", args=[roadmap.pk])
    client = client_for(director_a)
    assert "Проведение педагогического совета" in client.get(url).content.decode()

    # A change behind the services' back (the shell) is not seen: the page is served from the cache.
    Measure.objects.filter(pk=measure.pk).update(description="Изменено в обход сервисов")
    assert "Изменено в обход сервисов" not in client.get(url).content.decode()

    # Assigning through the service (allowed on an approved plan) changes the page at once.
    services.measure_assign(measure=measure, organizations=[school_b], by=methodist)
    page = client.get(url).content.decode()
    assert "Изменено в обход сервисов" in page
    assert "Назначено организациям: 2" in page


def test_execution_dashboard_follows_a_decision_at_once(
    authority, school_a, methodist, director_a, client_for, django_capture_on_commit_callbacks
):
    roadmap, _measure, [assignment] = make_plan(authority, school_a)
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.SUBMITTED, submitted_by=director_a)
    url = reverse("execution:dashboard_roadmap", args=[roadmap.pk])
    client = client_for(methodist)
    assert '<div class="h4 mb-0 count" id="total-accepted">0</div>' in client.get(url).content.decode()
    assignment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services_execution.assignment_accept(assignment=assignment, by=methodist)
    assert '<div class="h4 mb-0 count" id="total-accepted">1</div>' in client.get(url).content.decode()


def test_dashboard_cells_are_not_shared_between_scopes(
    authority, school_a, school_b, methodist, director_a, client_for
):
    """A methodist sees every school's row; the same cached aggregate must not reach a director."""
    roadmap, *_ = make_plan(authority, school_a, school_b)
    url = reverse("execution:dashboard_roadmap", args=[roadmap.pk])
    assert school_b.short_name in client_for(methodist).get(url).content.decode()
    page = client_for(director_a).get(url)
    if page.status_code == 200:  # directors may see the dashboard of a plan assigned to them
        assert school_b.short_name not in page.content.decode()


def test_renamed_organization_shows_on_the_cached_overview(world_for_overview, methodist, client_for):
    organization, url = world_for_overview
    client = client_for(methodist)
    assert organization.short_name in client.get(url).content.decode()
    organization.short_name = "МОУ «Переименованная СОШ»"
    organization.save()
    assert "МОУ «Переименованная СОШ»" in client.get(url).content.decode()


@pytest.fixture
def world_for_overview(municipality, school_a, methodist):
    services_analysis.indicators_load()
    method = services_analysis.example_method_load(municipality=municipality, year=2026, by=methodist)
    # zones are computed from the year's indicators: one value stands for a computed year
    rule = method.rules.first()
    IndicatorValue.objects.create(
        indicator=rule.indicator, year=2026, municipality=municipality, organization=school_a, value=1, denominator=10
    )
    zoning.zones_compute(method=method)
    return school_a, reverse("monitoring:overview") + f"?method={method.pk}"


@pytest.mark.parametrize("page", ["roadmap", "dashboard", "overview"])
def test_pages_work_when_the_cache_is_down(page, authority, school_a, methodist, client_for, world_for_overview):
    roadmap, *_ = make_plan(authority, school_a)
    url = {
        "roadmap": reverse("roadmaps:detail", args=[roadmap.pk]),
        "dashboard": reverse("execution:dashboard_roadmap", args=[roadmap.pk]),
        "overview": world_for_overview[1],
    }[page]
    client = client_for(methodist)
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get(url)
        assert response.status_code == 200
        expected = "Проведение педагогического совета" if page == "roadmap" else school_a.short_name
        assert expected in response.content.decode()
        # and a write still succeeds: the version bump is skipped, the data is saved
        services_analysis.method_create(municipality=school_a.municipality, by=methodist, year=2027, title="Новая")


# Services that change what cached fragments show. A write function of these modules must be
# declared with @writes (the guard below reads their source), or be listed as not shown in any.
SERVICE_MODULES = [services, services_execution, zoning, services_analysis, report_services, roadmap_xlsx]
NOT_IN_FRAGMENTS = {
    "notification_create",  # notifications, reminders and digests are read fresh
    "notifications_mark_read",
    "notify_assigned",
    "reminders_send",
    "digest_send",
    "indicator_reported_create",  # reported indicators, campaigns and recommendations: not cached
    "campaign_create",
    "reported_values_submit",
    "reported_values_import",
    "recommendation_create",
    "method_zones_compute",  # calls zones_compute, which is declared
    "section_move",  # calls sections_reorder
    "measure_move",  # calls measures_reorder
    "explain_rule",  # pure: builds a dict
    "match_executor",  # pure: builds a dict (an imported executor line)
    "report_file_save",  # generated files, orders and jobs: never part of a cached fragment
    "order_save",
    "zoning_order_draft",  # an order drafted from zones, linked from the method page (not cached)
    "document_render",
    "document_request",
    "roadmap_import_check",  # a dry run
    "roadmap_xlsx_bytes",  # an export
}
WRITE = re.compile(r"\.(save|delete|update|bulk_create|bulk_update|create|get_or_create|update_or_create|set)\(")


def test_every_service_that_writes_declares_what_it_writes():
    undeclared = []
    for module in SERVICE_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_") or name in NOT_IN_FRAGMENTS:
                continue
            source = inspect.getsource(inspect.unwrap(function))
            if WRITE.search(source) and not getattr(function, "writes_topics", None):
                undeclared.append(f"{module.__name__}.{name}")
    assert undeclared == []
