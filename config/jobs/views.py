from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.jobs.models import Job
from config.jobs.services import job_resend, job_retry, jobs_fail_abandoned


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    if job.status == Job.Status.RUNNING and jobs_fail_abandoned():
        job.refresh_from_db()
    template = "jobs/partials/job_status.html" if request.htmx else "jobs/job_detail.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_retry_view(request, pk: int):
    """«Повторить» of a failed job (a new job) and «Отправить снова» of a stranded one (the same job
    sent again); for any other state the person is told why nothing was done."""
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    if job.status == Job.Status.FAILED:
        new_job = job_retry(job=job, user=request.user)
        return redirect("jobs:detail", pk=new_job.pk)
    if job.is_stranded:
        if job_resend(job=job):
            messages.success(request, "Задание отправлено в очередь снова")
        else:
            messages.error(request, "Очередь заданий недоступна: задание будет отправлено, когда она заработает")
    elif job.status == Job.Status.QUEUED:
        messages.info(request, "Задание в очереди: оно начнётся, как только освободится обработчик заданий")
    elif job.status == Job.Status.RUNNING:
        messages.info(request, "Задание уже выполняется: повторять его не нужно")
    else:
        messages.info(request, "Задание уже выполнено: повторять его не нужно")
    return redirect("jobs:detail", pk=job.pk)
