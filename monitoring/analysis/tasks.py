"""Celery adapters of the analysis: they take primary keys, call the service, report progress."""

from celery import shared_task
from django.urls import reverse

from config.jobs.models import Job
from config.jobs.services import job_enqueue, job_running, job_set_result
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
        url = f"{reverse('monitoring:overview')}?municipality={method.municipality_id}&method={method.pk}"
        job_set_result(job_id=job_id, result=summary.as_dict(), message=text, url=url)


def indicators_compute_enqueue(*, year: int, municipality_id: int | None, user) -> Job:
    """For the results import (and the page): compute the year's indicators after the commit."""
    return job_enqueue(
        task_name=indicators_compute_task.name,
        kind="indicators_compute",
        title=f"Расчёт показателей за {year - 1}/{year} учебный год",
        task_kwargs={"year": year, "municipality_id": municipality_id},
        user=user,
        total=5,
    )


def zones_compute_enqueue(*, method: ZoningMethod, user) -> Job:
    return job_enqueue(
        task_name=zones_compute_task.name,
        kind="zones_compute",
        title=f"Расчёт зон по методике «{method.title}»",
        task_kwargs={"method_id": method.pk},
        user=user,
    )
