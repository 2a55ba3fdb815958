"""Celery adapter of the identification run: takes the method's key, calls the service, reports progress."""

from celery import shared_task
from django.urls import reverse

from config.jobs.models import Job
from config.jobs.services import job_enqueue, job_running, job_set_result
from monitoring.identification.services import list_compute
from monitoring.models import IdentificationMethod


@shared_task(name="monitoring.identification_compute")
def identification_compute_task(*, job_id: int, method_id: int) -> None:
    with job_running(job_id) as progress:
        method = IdentificationMethod.objects.get(pk=method_id)
        listing = list_compute(method=method, progress=progress)
        message = f"Рассмотрено школ: {listing.schools}; ШНРО: {listing.low_results_count}; ШНСУ: {listing.unfavourable_count}"
        job_set_result(
            job_id=job_id,
            result={"школ": listing.schools, "ШНРО": listing.low_results_count, "ШНСУ": listing.unfavourable_count},
            message=message,
            url=reverse("identification:list", args=[listing.pk]),
        )


def identification_compute_enqueue(*, method: IdentificationMethod, user) -> Job:
    return job_enqueue(
        task_name=identification_compute_task.name,
        kind="identification_compute",
        title=f"Идентификация ШНРО и ШНСУ за {method.year_label} учебный год",
        task_kwargs={"method_id": method.pk},
        user=user,
    )
