# Recommendation and TargetedMeasure moved here from roadmaps (issue 19, part 9). Their tables keep
# their names (roadmaps_recommendation, roadmaps_targetedmeasure and the many-to-many tables).
# A database migrated before the move has them already (roadmaps 0003 used to create them): this
# migration then only takes them into monitoring's state. A new database gets them created here.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ("Recommendation", "TargetedMeasure")


def create_unless_there(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for name in MOVED:
        model = apps.get_model("monitoring", name)
        if model._meta.db_table not in existing:
            schema_editor.create_model(model)


def drop_if_created_here(apps, schema_editor):
    # Unapplied, the models leave monitoring's state; their rows stay, as they would have under
    # roadmaps: dropping data on a rollback is never what a person wants.
    pass


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0005_header_mapping'),
        ('roadmaps', '0003_assignment_submitted_by_and_more'),
        ('schools', '0002_organization_rcoi_code'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Recommendation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='текст рекомендации')),
                ('zone_colour', models.CharField(blank=True, max_length=10, verbose_name='по зоне')),
                ('status', models.CharField(choices=[('sent', 'Направлена'), ('in_work', 'В работе'), ('done', 'Выполнена')], default='sent', max_length=20, verbose_name='состояние')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='создана')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='создал')),
                ('measures', models.ManyToManyField(blank=True, related_name='recommendations', to='roadmaps.measure', verbose_name='мероприятия')),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='schools.municipality', verbose_name='муниципалитет')),
                ('organizations', models.ManyToManyField(related_name='recommendations', to='schools.organization', verbose_name='адресаты')),
                ('zoning_method', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='recommendations', to='monitoring.zoningmethod', verbose_name='методика зонирования')),
            ],
            options={
                'verbose_name': 'адресная рекомендация',
                'verbose_name_plural': 'адресные рекомендации',
                'db_table': 'roadmaps_recommendation',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='TargetedMeasure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('zone_colour', models.CharField(blank=True, max_length=10, verbose_name='по зоне')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='создано')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='создал')),
                ('measure', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='targeting', to='roadmaps.measure', verbose_name='мероприятие')),
                ('organizations', models.ManyToManyField(related_name='+', to='schools.organization', verbose_name='организации')),
                ('zoning_method', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='targeted_measures', to='monitoring.zoningmethod', verbose_name='методика зонирования')),
            ],
            options={
                'verbose_name': 'адресное мероприятие',
                'verbose_name_plural': 'адресные мероприятия',
                'db_table': 'roadmaps_targetedmeasure',
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(create_unless_there, drop_if_created_here),
    ]
