"""Celery adapter of the clusters: takes primary keys, calls the service, reports progress."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.jobs.models import Job
from config.jobs.services import job_enqueue, job_running, job_set_result
from monitoring.clusters.services import clustering_compute
from schools.models import Municipality


@shared_task(name="monitoring.clustering_compute")
def clustering_compute_task(*, job_id: int, municipality_id: int, year: int, variables: list, bands: int) -> None:
    with job_running(job_id) as progress:
        job = Job.objects.get(pk=job_id)
        by = get_user_model().objects.get(pk=job.created_by_id)
        clustering = clustering_compute(
            municipality=Municipality.objects.get(pk=municipality_id), year=year, variables=variables, bands=bands,
            by=by, progress=progress,
        )  # fmt: skip
        count = clustering.clusters.count()
        url = f"{reverse('clusters:page')}?municipality={municipality_id}&year={year}"
        job_set_result(
            job_id=job_id,
            result={"clusters": count, "unassigned": len(clustering.unassigned)},
            message=f"Кластеров: {count}; школ без контекстных данных: {len(clustering.unassigned)}",
            url=url,
        )


def clustering_compute_enqueue(*, municipality: Municipality, year: int, variables: list[str], bands: int, user) -> Job:
    return job_enqueue(
        task_name=clustering_compute_task.name,
        kind="clustering_compute",
        title=f"Кластеры школ за {year - 1}/{year} учебный год",
        task_kwargs={"municipality_id": municipality.pk, "year": year, "variables": variables, "bands": bands},
        user=user,
    )
