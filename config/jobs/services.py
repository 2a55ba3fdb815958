"""Writes of background jobs. Tasks report progress through these functions with single-row
UPDATEs, so a page polling the job sees the numbers move while the work runs."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery import current_app
from django.db import transaction
from django.utils import timezone

from config.jobs.models import Job

logger = logging.getLogger(__name__)


class JobAbandoned(Exception):
    """Raised inside a task to end it with a Russian message for the person who started it."""


def job_enqueue(*, kind: str, title: str, task_name: str, task_kwargs: dict, user, total: int = 0) -> Job:
    """Create a job row and send its Celery task once the surrounding transaction commits."""
    job = Job.objects.create(
        kind=kind,
        title=title,
        task_name=task_name,
        task_kwargs=task_kwargs,
        created_by=user if user and user.is_authenticated else None,
        progress_total=total,
    )
    transaction.on_commit(lambda: _send(job))
    return job


def _send(job: Job) -> None:
    try:
        current_app.send_task(job.task_name, kwargs={"job_id": job.pk, **job.task_kwargs})
    except Exception as error:  # the broker is down: say so on the job instead of losing it silently
        logger.exception("Could not enqueue job %s", job.pk)
        job_fail(job_id=job.pk, error=f"Очередь заданий недоступна: {error}")


def job_retry(*, job: Job, user) -> Job:
    return job_enqueue(kind=job.kind, title=job.title, task_name=job.task_name, task_kwargs=job.task_kwargs, user=user)


def job_progress(*, job_id: int, done: int, total: int | None = None, message: str | None = None) -> None:
    fields: dict = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    if message is not None:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job_id).update(**fields)


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, error=error, finished_at=timezone.now())


@contextmanager
def job_running(job_id: int) -> Iterator[Callable[..., None]]:
    """Mark the job running, yield a progress callback, and record success or failure.

    Any exception marks the job failed with its message and is re-raised so that Celery sees it too.
    """
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, started_at=timezone.now(), error="")

    def progress(done: int, total: int | None = None, message: str | None = None) -> None:
        job_progress(job_id=job_id, done=done, total=total, message=message)

    try:
        yield progress
    except JobAbandoned as error:
        job_fail(job_id=job_id, error=str(error))
        return
    except Exception as error:
        logger.exception("Job %s failed", job_id)
        job_fail(job_id=job_id, error=f"Задание завершилось с ошибкой: {error}")
        raise
    Job.objects.filter(pk=job_id).update(status=Job.Status.SUCCEEDED, finished_at=timezone.now())


def job_set_result(*, job_id: int, result: dict, url: str = "", message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(result=result, result_url=url, message=message[:500])
