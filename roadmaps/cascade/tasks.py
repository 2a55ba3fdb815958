"""Celery adapter of the cascade: takes primary keys, calls the service, reports progress per
municipality (a region has about forty; each one's plan and its schools' assignments is a few
hundred rows)."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.jobs.models import Job
from config.jobs.services import job_enqueue, job_running, job_set_result
from roadmaps.cascade.services import cascade_municipalities, roadmap_cascade
from roadmaps.models import Roadmap

CASCADE_TASK = "roadmaps.cascade_publish"


@shared_task(name=CASCADE_TASK)
def cascade_publish_task(*, job_id: int, roadmap_id: int, user_id: int) -> None:
    with job_running(job_id) as progress:
        roadmap = Roadmap.objects.select_related("owner").get(pk=roadmap_id)
        result = roadmap_cascade(roadmap=roadmap, by=get_user_model().objects.get(pk=user_id), progress=progress)
        url = reverse("cascade:dashboard", args=[roadmap.pk])
        job_set_result(job_id=job_id, result=result.as_dict(), message=result.message, url=url)


def cascade_publish_enqueue(*, roadmap: Roadmap, user) -> Job:
    """The job that brings the roadmap down, started once the request's transaction commits."""
    return job_enqueue(
        kind="cascade_publish",
        title=f"Доведение до муниципалитетов: «{roadmap.title[:120]}»",
        task_name=CASCADE_TASK,
        task_kwargs={"roadmap_id": roadmap.pk, "user_id": user.pk},
        user=user,
        total=cascade_municipalities(roadmap).count(),
    )
