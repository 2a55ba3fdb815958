"""The evidence kind «Лучшая практика» in databases whose catalogue was loaded before it existed
(a fresh database gets it from roadmaps/data/catalogue.yaml with the rest)."""

from django.db import migrations

CODE, TITLE = "best_practice", "Лучшая практика"


def add_kind(apps, schema_editor):
    EvidenceKind = apps.get_model("roadmaps", "EvidenceKind")
    if not EvidenceKind.objects.exists() or EvidenceKind.objects.filter(code=CODE).exists():
        return  # no catalogue yet (load_catalogue brings the kind), or it is there already
    other = EvidenceKind.objects.filter(code="other").values_list("order", flat=True).first()
    order = other if other is not None else EvidenceKind.objects.count() + 1
    if other is not None:  # «Иной документ» stays the last of the list
        EvidenceKind.objects.filter(code="other").update(order=other + 1)
    EvidenceKind.objects.create(code=CODE, title=TITLE, order=order)


class Migration(migrations.Migration):
    dependencies = [("roadmaps", "0014_measure_target_indicator_achieved_value")]

    operations = [migrations.RunPython(add_kind, migrations.RunPython.noop)]
