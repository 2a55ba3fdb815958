"""Background renders: load by primary key, render, keep the file, point the job at it."""

from datetime import date

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.jobs.services import job_running, job_set_result
from reports.excel import execution_xlsx_bytes
from reports.pdf import render_execution_pdf, render_order_pdf, render_roadmap_pdf
from reports.selectors import execution_report
from reports.services import report_file_save
from roadmaps.models import Order, Roadmap


def _user(user_id):
    return get_user_model().objects.filter(pk=user_id).first()


@shared_task(name="reports.render_roadmap_pdf")
def render_roadmap_pdf_task(*, job_id: int, roadmap_id: int, user_id: int | None = None) -> None:
    with job_running(job_id) as progress:
        roadmap = Roadmap.objects.select_related("owner").get(pk=roadmap_id)
        data = render_roadmap_pdf(roadmap, progress=progress)
        report = report_file_save(
            kind="roadmap_pdf", filename=f"roadmap-{roadmap.pk}.pdf", content=data, roadmap=roadmap, by=_user(user_id)
        )
        job_set_result(
            job_id=job_id,
            result={"report_file_id": report.pk, "pages": report.pages},
            url=reverse("reports:file", args=[report.pk]),
            message=f"Готово: {report.pages} стр.",
        )


@shared_task(name="reports.render_order_pdf")
def render_order_pdf_task(*, job_id: int, order_id: int, user_id: int | None = None) -> None:
    with job_running(job_id) as progress:
        order = Order.objects.select_related("organization").get(pk=order_id)
        data = render_order_pdf(order, progress=progress)
        report = report_file_save(
            kind="order_pdf", filename=f"order-{order.pk}.pdf", content=data, order=order, by=_user(user_id)
        )
        job_set_result(
            job_id=job_id,
            result={"report_file_id": report.pk, "pages": report.pages},
            url=reverse("reports:file", args=[report.pk]),
            message=f"Готово: {report.pages} стр.",
        )


@shared_task(name="reports.render_execution_report")
def render_execution_report_task(
    *, job_id: int, roadmap_id: int, user_id: int, date_from: str, date_to: str, as_of: str, format: str
) -> None:
    with job_running(job_id) as progress:
        roadmap = Roadmap.objects.select_related("owner").get(pk=roadmap_id)
        user = _user(user_id)
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
        progress(0, 2)
        report = execution_report(roadmap, date_from=start, date_to=end, as_of=date.fromisoformat(as_of), user=user)
        progress(1, 2)
        data = execution_xlsx_bytes(report) if format == "xlsx" else render_execution_pdf(report)
        kind = "execution_xlsx" if format == "xlsx" else "execution_pdf"
        name = f"execution-{roadmap.pk}-{start:%Y%m%d}-{end:%Y%m%d}.{format}"
        saved = report_file_save(
            kind=kind,
            filename=name,
            content=data,
            roadmap=roadmap,
            by=user,
            params={"date_from": date_from, "date_to": date_to, "as_of": as_of},
        )
        job_set_result(
            job_id=job_id,
            result={"report_file_id": saved.pk},
            url=reverse("reports:file", args=[saved.pk]),
            message="Готово",
        )
