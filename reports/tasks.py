"""The background render of every document: load by primary key, render and keep the file
(reports.services.document_render), point the job at it."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.jobs.services import job_running, job_set_result
from monitoring.models import Recommendation, ZoningMethod
from reports.models import AnalyticReport
from reports.services import RENDER_TASK, document_render
from roadmaps.models import Order, Roadmap


@shared_task(name=RENDER_TASK)
def render_document_task(
    *,
    job_id: int,
    kind: str,
    user_id: int | None,
    roadmap_id: int | None = None,
    order_id: int | None = None,
    method_id: int | None = None,
    recommendation_id: int | None = None,
    spravka_id: int | None = None,
    params: dict | None = None,
    digest: str = "",  # what the request saw; it lets a second request find this job while it runs
) -> None:
    with job_running(job_id) as progress:
        roadmap = Roadmap.objects.select_related("owner").get(pk=roadmap_id) if roadmap_id else None
        order = Order.objects.select_related("organization").get(pk=order_id) if order_id else None
        method = ZoningMethod.objects.select_related("municipality").get(pk=method_id) if method_id else None
        recommendation = (
            Recommendation.objects.select_related("municipality").get(pk=recommendation_id)
            if recommendation_id
            else None
        )
        spravka = AnalyticReport.objects.select_related("municipality").get(pk=spravka_id) if spravka_id else None
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        report = document_render(
            kind=kind, roadmap=roadmap, order=order, method=method, recommendation=recommendation, spravka=spravka,
            params=params, by=user, progress=progress,
        )  # fmt: skip
        job_set_result(
            job_id=job_id,
            result={"report_file_id": report.pk, "pages": report.pages},
            url=reverse("reports:file", args=[report.pk]),
            message=f"Готово: {report.pages} стр." if report.pages else "Готово",
        )
