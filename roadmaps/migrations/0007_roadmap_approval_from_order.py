"""Step 3: the text copy of the approval (order number and date, who and when) leaves the roadmap; every
approved or archived roadmap now names its order."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('roadmaps', '0006_approval_order_data'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalroadmap',
            name='approved_at',
        ),
        migrations.RemoveField(
            model_name='historicalroadmap',
            name='approved_by',
        ),
        migrations.RemoveField(
            model_name='historicalroadmap',
            name='order_date',
        ),
        migrations.RemoveField(
            model_name='historicalroadmap',
            name='order_number',
        ),
        migrations.RemoveField(
            model_name='roadmap',
            name='approved_at',
        ),
        migrations.RemoveField(
            model_name='roadmap',
            name='approved_by',
        ),
        migrations.RemoveField(
            model_name='roadmap',
            name='order_date',
        ),
        migrations.RemoveField(
            model_name='roadmap',
            name='order_number',
        ),
        migrations.AddConstraint(
            model_name='roadmap',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['approved', 'archived']), _negated=True), ('approval_order__isnull', False), _connector='OR'), name='roadmap_approved_has_order'),
        ),
        ]
