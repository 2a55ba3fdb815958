"""The dependency between the apps runs one way in the migrations too, not only in the imports
(import-linter checks those): no roadmaps migration waits for a monitoring one."""

from django.db.migrations.loader import MigrationLoader

BELOW = {"roadmaps": {"monitoring", "reports"}, "schools": {"roadmaps", "monitoring", "reports"}}


def test_no_migration_depends_on_an_app_above_it():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    upward = [
        f"{app}.{name} → {dependency[0]}.{dependency[1]}"
        for (app, name), migration in loader.disk_migrations.items()
        if app in BELOW
        for dependency in migration.dependencies
        if dependency[0] in BELOW[app]
    ]
    assert upward == []


def test_the_moved_models_keep_their_tables():
    from monitoring.models import Recommendation, TargetedMeasure

    assert Recommendation._meta.db_table == "roadmaps_recommendation"
    assert TargetedMeasure._meta.db_table == "roadmaps_targetedmeasure"
    assert Recommendation.organizations.through._meta.db_table == "roadmaps_recommendation_organizations"
    assert TargetedMeasure.organizations.through._meta.db_table == "roadmaps_targetedmeasure_organizations"
