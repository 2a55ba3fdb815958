"""Results carry their assessment's school year: the key the table is partitioned by (0012)."""

from django.db import migrations, models


def fill_years(apps, schema_editor):
    StudentResult = apps.get_model("monitoring", "StudentResult")
    Assessment = apps.get_model("monitoring", "Assessment")
    for assessment_id, year in Assessment.objects.values_list("pk", "year"):
        StudentResult.objects.filter(assessment_id=assessment_id).update(year=year)
    # Rows of an assessment that is gone (the table keeps no database foreign keys) were unreachable.
    StudentResult.objects.filter(year__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0010_indicator_level_authority")]

    operations = [
        migrations.AddField(
            model_name="studentresult",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="учебный год (год окончания)"),
        ),
        migrations.RunPython(fill_years, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="studentresult",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="учебный год (год окончания)"),
        ),
    ]
