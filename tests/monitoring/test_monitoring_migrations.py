"""Monitoring migrations 0006 and 0007: the targeting models move over from roadmaps without losing
a row, and a method approved by a typed order comes to be approved by a signed Order, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("monitoring", "0005_header_mapping")]


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_recommendations():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # the models leave monitoring's state; their tables and rows stay
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO schools_municipality (name, region) VALUES ('Район', 'Область')")
        cursor.execute("SELECT id FROM schools_municipality WHERE name = 'Район'")
        (municipality_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO roadmaps_recommendation (municipality_id, text, zone_colour, status, created_at)"
            " VALUES (%s, 'Провести семинар', 'red', 'sent', CURRENT_TIMESTAMP)",
            [municipality_id],
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from monitoring.models import Recommendation

    assert list(Recommendation.objects.values_list("text", "zone_colour")) == [("Провести семинар", "red")]


@pytest.mark.django_db(transaction=True)
def test_a_method_approved_by_a_typed_order_is_approved_by_a_signed_order_and_back():
    """Migration 0007: the number and date typed on an approved method become a signed Order of
    the municipality's authority (one is made if the registry has none), and back on a rollback."""
    executor = MigrationExecutor(connection)
    executor.migrate([("monitoring", "0006_targeting_from_roadmaps")])
    loader = MigrationExecutor(connection).loader
    apps = loader.project_state(list(loader.applied_migrations)).apps
    municipality = apps.get_model("schools", "Municipality").objects.create(name="Район", region="Область")
    official = apps.get_model("auth", "User").objects.create(username="official-m")
    apps.get_model("monitoring", "ZoningMethod").objects.create(
        municipality=municipality, year=2026, title="Методика 2026", status="approved",
        order_number="12-о", order_date="2025-09-01", approved_by=official,
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from monitoring.models import ZoningMethod

    method = ZoningMethod.objects.select_related("approval_order__organization").get()
    order = method.approval_order
    assert (order.number, str(order.date), order.status, order.signed_by.username) == (
        "12-о",
        "2025-09-01",
        "signed",
        "official-m",
    )
    assert order.organization.kind == "authority" and order.organization.municipality_id == municipality.pk
    assert method.approval_line == "приказ № 12-о от 01.09.2025"

    executor = MigrationExecutor(connection)
    executor.migrate([("monitoring", "0006_targeting_from_roadmaps")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT order_number, order_date FROM monitoring_zoningmethod")
        number, day = cursor.fetchone()
    assert (number, str(day)) == ("12-о", "2025-09-01")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
