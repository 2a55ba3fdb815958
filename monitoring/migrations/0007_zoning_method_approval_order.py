# A zoning method is approved by an order like a roadmap is: the typed order number and date on the
# method become a signed Order of the municipality's education authority (issue 19, part 10), and
# back on a rollback.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TITLE = "Об утверждении методики зонирования общеобразовательных организаций"


def _authority(apps, municipality_id):
    """The order is the education authority's; a municipality without one in the registry gets one,
    named so that a person sees what to fill in."""
    Organization = apps.get_model("schools", "Organization")
    organizations = Organization.objects.filter(municipality_id=municipality_id)
    found = (
        organizations.filter(kind="authority").first()
        or organizations.filter(kind="methodical").first()
    )
    if found is None:
        found = Organization.objects.create(
            municipality_id=municipality_id,
            kind="authority",
            code=f"uo-{municipality_id}",
            short_name="Орган управления образованием",
            full_name="Орган управления образованием (уточните в реестре)",
        )
    return found


def typed_orders_to_orders(apps, schema_editor):
    ZoningMethod, Order = apps.get_model("monitoring", "ZoningMethod"), apps.get_model("roadmaps", "Order")
    OrderItem = apps.get_model("roadmaps", "OrderItem")
    for method in ZoningMethod.objects.filter(status="approved", approval_order__isnull=True):
        signed_at = method.approved_at or method.created_at
        order = Order.objects.create(
            organization=_authority(apps, method.municipality_id),
            number=method.order_number,
            date=method.order_date or signed_at.date(),
            title=TITLE,
            status="signed",
            signed_by_id=method.approved_by_id,
            signed_at=signed_at,
            created_by_id=method.approved_by_id,
        )
        OrderItem.objects.create(order=order, position=0, text=f"Утвердить методику «{method.title}».")
        method.approval_order = order
        method.save(update_fields=["approval_order"])


def orders_to_typed_orders(apps, schema_editor):
    ZoningMethod = apps.get_model("monitoring", "ZoningMethod")
    for method in ZoningMethod.objects.filter(approval_order__isnull=False).select_related("approval_order"):
        order = method.approval_order
        method.order_number, method.order_date = order.number, order.date
        method.approved_by_id, method.approved_at = order.signed_by_id, order.signed_at
        method.save(update_fields=["order_number", "order_date", "approved_by", "approved_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0006_targeting_from_roadmaps'),
        ('roadmaps', '0010_approval_by_order_abstract'),
        ('schools', '0002_organization_rcoi_code'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='zoningmethod',
            name='zoning_approved_has_order',
        ),
        migrations.AddField(
            model_name='zoningmethod',
            name='approval_order',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='approved_%(class)ss', to='roadmaps.order', verbose_name='утверждена приказом'),
        ),
        migrations.RunPython(typed_orders_to_orders, orders_to_typed_orders),
        migrations.RemoveField(
            model_name='zoningmethod',
            name='approved_at',
        ),
        migrations.RemoveField(
            model_name='zoningmethod',
            name='approved_by',
        ),
        migrations.RemoveField(
            model_name='zoningmethod',
            name='order_date',
        ),
        migrations.RemoveField(
            model_name='zoningmethod',
            name='order_number',
        ),
        migrations.AddConstraint(
            model_name='zoningmethod',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'approved'), _negated=True), ('approval_order__isnull', False), _connector='OR'), name='zoning_approved_has_order'),
        ),
    ]
