"""On PostgreSQL the results table becomes a table partitioned by school year (monitoring.partitions);
SQLite keeps the plain table."""

from django.db import migrations

from monitoring.partitions import partition_results, unpartition_results


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("monitoring", "0011_studentresult_year")]

    operations = [migrations.RunPython(partition_results, unpartition_results)]
