import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("muko")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The analysis room keeps its tasks beside it; their registered names ("monitoring.indicators_compute",
# "monitoring.zones_compute") did not change with the move, so queued jobs still run.
app.autodiscover_tasks(["monitoring.analysis"])
# The cascade of regional roadmaps keeps its task beside it, too.
app.autodiscover_tasks(["roadmaps.cascade"])
# The immediate letters of notifications, too.
app.autodiscover_tasks(["roadmaps.notifications"])
# The clusters of schools (peer groups), too.
app.autodiscover_tasks(["monitoring.clusters"])
# The ШНРО/ШНСУ identification keeps its task beside it, too.
app.autodiscover_tasks(["monitoring.identification"])
