"""The approval of a roadmap becomes its order (issue 19, part 4), step 1: the link from the roadmap
to the approving order, and who marked an order signed, when."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('roadmaps', '0004_assignment_due_order'),
        ('schools', '0002_organization_rcoi_code'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalroadmap',
            name='approval_order',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='roadmaps.order', verbose_name='утверждена приказом'),
        ),
        migrations.AddField(
            model_name='order',
            name='signed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='отмечен подписанным'),
        ),
        migrations.AddField(
            model_name='order',
            name='signed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='отметил подписание'),
        ),
        migrations.AddField(
            model_name='roadmap',
            name='approval_order',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='approved_roadmaps', to='roadmaps.order', verbose_name='утверждена приказом'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'signed'), _negated=True), models.Q(('number', ''), _negated=True), _connector='OR'), name='order_signed_has_number'),
        ),
    ]
