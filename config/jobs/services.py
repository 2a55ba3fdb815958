"""Writes of background jobs. Tasks report progress through these functions with single-row
UPDATEs, so a page polling the job sees the numbers move while the work runs."""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import psycopg2
from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

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
    """Hand the job to Celery. `apply_async` runs it inline in the embedded default
    (task_always_eager). When the broker is down the job stays queued, to be sent again by
    `jobs_resend_queued` when the broker is back, or runs inline if JOBS_INLINE_WHEN_BROKER_DOWN."""
    task = current_app.tasks[job.task_name]
    try:
        task.apply_async(kwargs={"job_id": job.pk, **job.task_kwargs}, retry=False)
    except OperationalError as error:
        logger.warning("Broker unavailable for job %s: %s", job.pk, error)
        if settings.JOBS_INLINE_WHEN_BROKER_DOWN:
            job_progress(job_id=job.pk, done=0, message="Очередь заданий недоступна: задание выполняется сразу")
            task.apply(kwargs={"job_id": job.pk, **job.task_kwargs})
        else:
            job_progress(job_id=job.pk, done=0, message="Очередь заданий недоступна: задание будет отправлено позже")
        return
    except Exception as error:
        # Inline (eager) run: the job's own failure is already recorded by job_running; the page
        # that started it shows the failed job with its retry button, never a server error.
        logger.warning("Inline job %s failed: %s", job.pk, error)
        if not Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).exists():
            job_fail(job_id=job.pk, error=f"Задание не запущено: {error}")
        return
    Job.objects.filter(pk=job.pk).update(sent_at=timezone.now())


def jobs_resend_queued(*, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Send again the jobs that could not reach the broker. Returns how many were sent."""
    stale = Job.objects.filter(
        status=Job.Status.QUEUED, sent_at__isnull=True, created_at__lt=timezone.now() - older_than
    )
    count = 0
    for job in stale:
        _send(job)
        count += Job.objects.filter(pk=job.pk, sent_at__isnull=False).exists()
    return count


def jobs_fail_abandoned(*, silent_for: timedelta | None = None) -> int:
    """A worker killed mid-job leaves it «running» with no heartbeat: mark such jobs failed so
    that the page offers a retry. The work itself ran in a transaction and left nothing behind."""
    silent_for = silent_for or timedelta(minutes=settings.JOBS_HEARTBEAT_TIMEOUT_MINUTES)
    return Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=timezone.now() - silent_for).update(
        status=Job.Status.FAILED,
        error="Задание прервано: обработчик остановился, не закончив работу. Данные не изменены; повторите задание.",
        finished_at=timezone.now(),
    )


def job_retry(*, job: Job, user) -> Job:
    return job_enqueue(kind=job.kind, title=job.title, task_name=job.task_name, task_kwargs=job.task_kwargs, user=user)


def job_progress(*, job_id: int, done: int, total: int | None = None, message: str | None = None) -> None:
    fields: dict = {"progress_done": done, "heartbeat_at": timezone.now()}
    if total is not None:
        fields["progress_total"] = total
    if message is not None:
        fields["message"] = message[:500]
    if connection.in_atomic_block and _progress_aside(job_id, fields):
        return
    Job.objects.filter(pk=job_id).update(**fields)


_aside = threading.local()


def progress_aside_close() -> None:
    """Close this thread's progress connection (at the end of each job)."""
    side = getattr(_aside, "connection", None)
    if side is not None:
        side.close()
        _aside.connection = None


def _progress_aside(job_id: int, fields: dict) -> bool:
    """Write progress from inside the caller's transaction (an import writes its results in one)
    on a connection of its own, so the page sees the bar move and the heartbeat stays fresh
    before the commit. PostgreSQL only: SQLite has one writer at a time, and the embedded default
    runs jobs inline anyway. False when it could not: the row is not committed yet (a job made in
    the same transaction, as in tests), it is locked by the caller, or the database is away;
    the caller then updates through its own connection."""
    if connection.vendor != "postgresql":
        return False
    try:
        side = getattr(_aside, "connection", None)
        if side is None or side.closed:
            side = _aside.connection = psycopg2.connect(**connection.get_connection_params())
            side.autocommit = True
            with side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '1s'")
        names = list(fields)
        assignments = ", ".join(f'"{Job._meta.get_field(name).column}" = %s' for name in names)
        with side.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{Job._meta.db_table}" SET {assignments} WHERE "id" = %s',
                [fields[name] for name in names] + [job_id],
            )
            return cursor.rowcount == 1
    except psycopg2.Error:
        logger.warning("Прогресс задания %s не записан отдельным соединением", job_id, exc_info=True)
        progress_aside_close()
        return False


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, error=error, finished_at=timezone.now())


@contextmanager
def job_running(job_id: int) -> Iterator[Callable[..., None]]:
    """Mark the job running, yield a progress callback, and record success or failure.

    Any exception marks the job failed with its message and is re-raised so that Celery sees it too.
    """
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, error="")

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
    finally:
        progress_aside_close()
    Job.objects.filter(pk=job_id).update(status=Job.Status.SUCCEEDED, finished_at=timezone.now())


def job_set_result(*, job_id: int, result: dict, url: str = "", message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(result=result, result_url=url, message=message[:500])
