"""Writes of background jobs. Tasks report progress through these functions with single-row
UPDATEs, so a page polling the job sees the numbers move while the work runs."""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import psycopg2
from celery import current_app
from celery.exceptions import Ignore
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.jobs.models import Job
from config.lib.preconditions import PreconditionError

logger = logging.getLogger(__name__)


class JobAbandoned(Exception):
    """Raised inside a task to end it with a Russian message for the person who started it."""


class JobNotQueued(Ignore):
    """The job of this message is not queued any more: it runs or ran already (the message is a
    duplicate: a resend of a job whose first message was only late, or a redelivery), or it was failed
    or replaced meanwhile. Celery's Ignore: the worker acknowledges the message and records nothing."""


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


def _send(job: Job) -> bool:
    """Hand the job to Celery; True when the broker took it (or it ran inline). `apply_async` runs it
    inline in the embedded default (task_always_eager). When the broker is down the job stays queued,
    to be sent again by `jobs_resend_stranded` when the broker is back, or runs inline if
    JOBS_INLINE_WHEN_BROKER_DOWN."""
    task = current_app.tasks[job.task_name]
    try:
        task.apply_async(kwargs={"job_id": job.pk, **job.task_kwargs}, retry=False)
    except OperationalError as error:
        logger.warning("Broker unavailable for job %s: %s", job.pk, error)
        if settings.JOBS_INLINE_WHEN_BROKER_DOWN:
            job_progress(job_id=job.pk, done=0, message="Очередь заданий недоступна: задание выполняется сразу")
            task.apply(kwargs={"job_id": job.pk, **job.task_kwargs})
            return True
        job_progress(job_id=job.pk, done=0, message="Очередь заданий недоступна: задание будет отправлено позже")
        return False
    except Exception as error:
        # Inline (eager) run: the job's own failure is already recorded by job_running; the page
        # that started it shows the failed job with its retry button, never a server error.
        logger.warning("Inline job %s failed: %s", job.pk, error)
        if not Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).exists():
            job_fail(job_id=job.pk, error=f"Задание не запущено: {error}")
        return True
    Job.objects.filter(pk=job.pk).update(sent_at=timezone.now(), sends=F("sends") + 1)
    return True


def jobs_resend_stranded(*, now: datetime | None = None) -> tuple[int, int]:
    """Send again the queued jobs whose message is lost (Job.objects.stranded: never accepted by the
    broker, or accepted and never started); fail those sent JOBS_MAX_SENDS times without a start, so
    that the page offers «Повторить». Returns (resent, failed).

    Sending again is safe when the first message is only late: whichever message reaches a worker
    first runs the job, and the others find it no longer queued and do nothing (job_running)."""
    now = now or timezone.now()
    # While some job is alive the workers are busy, and a queued job may simply be waiting its turn
    # behind it: it is sent again, but not failed.
    alive_since = now - timedelta(minutes=settings.JOBS_HEARTBEAT_TIMEOUT_MINUTES)
    queue_moving = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__gte=alive_since).exists()
    resent = failed = 0
    for job in Job.objects.stranded(now).order_by("created_at"):
        if job.sends >= settings.JOBS_MAX_SENDS and not queue_moving:
            failed += Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
                status=Job.Status.FAILED,
                error=(
                    f"Задание не дошло до обработчика (отправок в очередь: {job.sends}): очередь заданий "
                    "перезапускалась без сохранения или обработчики остановлены. Данные не изменены; "
                    "повторите задание."
                ),
                finished_at=now,
            )
        else:
            resent += _send(job)
    return resent, failed


def job_resend(*, job: Job) -> bool:
    """Send a stranded job again at its owner's request («Отправить снова»); as safe as the
    housekeeping's resend. True when the broker took it."""
    return _send(job)


def job_withdraw(*, job_id: int, reason: str) -> bool:
    """Take a job that is still queued out of the queue, because a new job replaces it: if its
    message ever arrives, it does nothing. True when the job is not pending any more (withdrawn now,
    or already finished); False when it has started meanwhile."""
    Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.FAILED, error=reason[:500], finished_at=timezone.now()
    )
    return not Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).exists()


def abandoned_after() -> timedelta:
    """Silence after which a running job is given up: the heartbeat timeout, but not before its
    message had the chance to come back to another worker (JOBS_REDELIVERY_SECONDS, job_running)."""
    return max(
        timedelta(minutes=settings.JOBS_HEARTBEAT_TIMEOUT_MINUTES), timedelta(seconds=settings.JOBS_REDELIVERY_SECONDS)
    )


def jobs_fail_abandoned(*, silent_for: timedelta | None = None) -> int:
    """A worker killed mid-job leaves it «running» with no heartbeat, and its message did not bring
    it back (abandoned_after): mark such jobs failed so that the page offers a retry. The work itself
    ran in a transaction and left nothing behind."""
    silent_for = silent_for or abandoned_after()
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
    """Claim the job (queued → running), yield a progress callback, and record success or failure.

    The claim is one conditional UPDATE, so of two messages of the same job (a lost message sent
    again, and the first one turning up after all) exactly one runs it; for the other this raises
    JobNotQueued before the task's body runs. Any exception of the body marks the job failed with its
    message and is re-raised so that Celery sees it too; JobAbandoned and PreconditionError (a
    catalogue the work needs is missing) end it failed with their Russian message alone.
    """
    now = timezone.now()
    # Or a running job whose heartbeat went silent: this is its message delivered again because the
    # worker that ran it died before acknowledging it (acks late, JOBS_REDELIVERY_SECONDS).
    silent_since = now - timedelta(minutes=settings.JOBS_HEARTBEAT_TIMEOUT_MINUTES)
    claimed = (
        Job.objects.filter(pk=job_id)
        .filter(Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, heartbeat_at__lt=silent_since))
        .update(status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, error="")
    )
    if not claimed:
        logger.info("Job %s is not queued any more: this message is a duplicate and does nothing", job_id)
        raise JobNotQueued(f"Задание {job_id} уже не в очереди")

    def progress(done: int, total: int | None = None, message: str | None = None) -> None:
        job_progress(job_id=job_id, done=done, total=total, message=message)

    try:
        yield progress
    except (JobAbandoned, PreconditionError) as error:
        # Said for the person on the job's page as it is: what is missing and who supplies it.
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
