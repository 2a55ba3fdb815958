"""Celery adapters of the analysis: they take primary keys, call the service, report progress."""

from celery import shared_task
from django.db import transaction
from django.urls import reverse

from config.jobs.models import Job
from config.jobs.services import job_running, job_set_result
from monitoring.indicators import indicators_compute
from monitoring.models import ZoningMethod
from monitoring.zoning import zones_compute


@shared_task(name="monitoring.indicators_compute")
def indicators_compute_task(*, job_id: int, year: int, municipality_id: int | None = None) -> None:
    with job_running(job_id) as progress:
        summary = indicators_compute(year=year, municipality=municipality_id, progress=progress)
        job_set_result(job_id=job_id, result=summary.as_dict(), message=f"Рассчитано значений: {summary.values}")


@shared_task(name="monitoring.zones_compute")
def zones_compute_task(*, job_id: int, method_id: int) -> None:
    with job_running(job_id) as progress:
        method = ZoningMethod.objects.get(pk=method_id)
        summary = zones_compute(method=method, progress=progress)
        text = ", ".join(f"{key}: {value}" for key, value in summary.as_dict().items())
        url = f"{reverse('analysis:overview')}?municipality={method.municipality_id}&method={method.pk}"
        job_set_result(job_id=job_id, result=summary.as_dict(), message=text, url=url)


def _enqueue(task, *, kind: str, title: str, task_kwargs: dict, user, total: int = 0) -> Job:
    """Like config.jobs.job_enqueue, but through the task object: Celery ignores
    task_always_eager in send_task, so in the embedded (eager) setup a job sent by name would
    never run. apply_async honours it, and runs the job once the transaction commits."""
    job = Job.objects.create(
        kind=kind,
        title=title,
        task_name=task.name,
        task_kwargs=task_kwargs,
        created_by=user if user and user.is_authenticated else None,
        progress_total=total,
    )
    transaction.on_commit(lambda: task.apply_async(kwargs={"job_id": job.pk, **task_kwargs}))
    return job


def indicators_compute_enqueue(*, year: int, municipality_id: int | None, user) -> Job:
    """For the results import (and the page): compute the year's indicators after the commit."""
    return _enqueue(
        indicators_compute_task,
        kind="indicators_compute",
        title=f"Расчёт показателей за {year - 1}/{year} учебный год",
        task_kwargs={"year": year, "municipality_id": municipality_id},
        user=user,
        total=5,
    )


def zones_compute_enqueue(*, method: ZoningMethod, user) -> Job:
    return _enqueue(
        zones_compute_task,
        kind="zones_compute",
        title=f"Расчёт зон по методике «{method.title}»",
        task_kwargs={"method_id": method.pk},
        user=user,
    )
