"""Celery adapter of the region's self-assessment table: computes it (kept by data version, so the
page then shows it) and reports progress municipality by municipality."""

from celery import shared_task
from django.urls import reverse

from config.jobs.models import Job
from config.jobs.services import job_enqueue, job_running, job_set_result
from config.lib.years import academic_year_label
from reports.selfassessment.selectors import region_table


@shared_task(name="reports.selfassessment_region")
def selfassessment_region_task(*, job_id: int, region: str, year: int) -> None:
    with job_running(job_id) as progress:
        table = region_table(region, year, progress=progress)
        job_set_result(
            job_id=job_id,
            result={"муниципалитетов": len(table.rows)},
            message=f"Самооценка рассчитана для {len(table.rows)} муниципалитетов",
            url=reverse("selfassessment:region") + f"?region={region}&year={year}",
        )


def selfassessment_region_enqueue(*, region: str, year: int, user) -> Job:
    return job_enqueue(
        task_name=selfassessment_region_task.name,
        kind="selfassessment_region",
        title=f"Самооценка муниципалитетов: {region}, {academic_year_label(year)} учебный год",
        task_kwargs={"region": region, "year": year},
        user=user,
    )
