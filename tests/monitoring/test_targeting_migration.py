"""Monitoring migration 0006 takes Recommendation and TargetedMeasure over from roadmaps: on a
database that already has their tables it creates nothing and loses no row."""

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
