import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from schools.models import Membership, Organization


def test_load_demo_creates_the_municipality_and_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    counts = (Organization.objects.count(), get_user_model().objects.count(), Membership.objects.count())
    schools = Organization.objects.filter(kind="school", municipality__name="Новоузенский муниципальный район")
    assert schools.count() >= 20 and schools.filter(is_rural=True).exists()
    assert Organization.objects.filter(kind="preschool").count() >= 6
    assert Organization.objects.filter(kind="supplementary").count() >= 2
    users = {u.username: u for u in get_user_model().objects.all()}
    assert {"admin", "official", "methodist", "director", "director2", "viewer"} <= set(users)
    assert users["director"].check_password("demo-password")
    assert users["admin"].is_superuser
    call_command("load_demo", stdout=io.StringIO())
    assert counts == (Organization.objects.count(), get_user_model().objects.count(), Membership.objects.count())


def test_load_demo_refuses_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")


def test_every_app_contributes_its_demo_in_dependency_order():
    """`load_demo` imports no app's demo by name: each app lists its loaders as `DEMO`, and the
    apps run in INSTALLED_APPS order (what the schools' demo creates, the roadmaps use, ...)."""
    from schools.management.commands.load_demo import demo_loaders

    names = [f"{loader.__module__}.{loader.__name__}" for loader in demo_loaders()]
    assert names == [
        "schools.demo.load_demo_schools",
        "schools.demo.load_demo_context",
        "roadmaps.catalogue.catalogue_load",
        "roadmaps.demo.load_demo_roadmaps",
        "roadmaps.execution.demo.load_demo_execution",
        "roadmaps.cascade.demo.load_demo_regional",
        "monitoring.demo.load_demo_results",
        "monitoring.inschool.demo.load_demo_inschool",
        "monitoring.analysis.demo.load_demo_analysis",
        "monitoring.identification.demo.load_demo_identification",
        "monitoring.clusters.demo.load_demo_clusters",
        "reports.demo.load_demo_reports",
        "reports.demo.load_demo_spravka",
    ]
