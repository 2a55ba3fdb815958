"""Background jobs: progress, failure with a retry, a worker that died, a broker that is down."""

from datetime import timedelta

import pytest
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.jobs.models import Job
from config.jobs.services import (
    job_enqueue,
    job_progress,
    job_running,
    jobs_fail_abandoned,
    jobs_resend_queued,
    progress_aside_close,
)

CALLS: list[int] = []


@shared_task(name="tests.count_to")
def count_to(*, job_id: int, n: int, fail: bool = False):
    with job_running(job_id) as progress:
        for i in range(1, n + 1):
            progress(i, n)
        if fail:
            raise ValueError("сломалось")
    CALLS.append(job_id)


def enqueue(user, **kwargs):
    return job_enqueue(kind="test", title="Счёт", task_name="tests.count_to", task_kwargs=kwargs, user=user)


def test_job_runs_inline_and_reports_progress(db, methodist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue(methodist, n=3)
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total, job.percent) == ("succeeded", 3, 3, 100)
    assert job.sent_at is not None


def test_failed_job_shows_error_and_retry_button(client_for, methodist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the failure stays on the job
        enqueue(methodist, n=2, fail=True)
    job = Job.objects.get()
    assert job.status == "failed" and "сломалось" in job.error
    page = client_for(methodist).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Повторить" in page and "сломалось" in page


def test_job_is_visible_to_its_author_only(client_for, methodist, director_a, db):
    job = Job.objects.create(kind="t", title="Чужое", task_name="tests.count_to", created_by=methodist)
    assert client_for(director_a).get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client_for(methodist).get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    assert client_for(None).get(reverse("jobs:detail", args=[job.pk])).status_code == 302


def test_retry_runs_the_same_task_again(client_for, methodist, django_capture_on_commit_callbacks):
    job = Job.objects.create(
        kind="t", title="t", task_name="tests.count_to", task_kwargs={"n": 1}, created_by=methodist, status="failed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(methodist).post(reverse("jobs:retry", args=[job.pk]))
    new_job = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("jobs:detail", args=[new_job.pk])
    assert new_job.status == "succeeded"


def test_a_job_whose_worker_died_is_failed_with_a_retry(client_for, methodist, db):
    long_ago = timezone.now() - timedelta(hours=1)
    job = Job.objects.create(
        kind="t", title="t", task_name="tests.count_to", created_by=methodist, status="running", heartbeat_at=long_ago
    )
    alive = Job.objects.create(
        kind="t", title="t", task_name="tests.count_to", status="running", heartbeat_at=timezone.now()
    )
    page = client_for(methodist).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "обработчик остановился" in page and "Повторить" in page
    alive.refresh_from_db()
    assert alive.status == "running"
    assert jobs_fail_abandoned() == 0


def test_broker_down_keeps_the_job_queued_and_resends_later(
    db, methodist, monkeypatch, django_capture_on_commit_callbacks
):
    task = count_to

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue(methodist, n=1)
    job.refresh_from_db()
    assert job.status == "queued" and job.sent_at is None and "будет отправлено позже" in job.message

    monkeypatch.undo()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert jobs_resend_queued() == 1
    job.refresh_from_db()
    assert job.status == "succeeded"


def test_broker_down_runs_inline_when_configured(
    db, methodist, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_INLINE_WHEN_BROKER_DOWN = True

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(count_to, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue(methodist, n=2)
    job.refresh_from_db()
    assert job.status == "succeeded" and "выполняется сразу" in job.message


def _seen_by_another_connection(job_id: int) -> tuple:
    import psycopg2
    from django.db import connection

    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT progress_done, progress_total, message FROM jobs_job WHERE id = %s", [job_id])
            return cursor.fetchone()
    finally:
        other.close()


postgres_only = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="progress on a connection of its own: PostgreSQL (SQLite has one writer, jobs run inline)",
)


@pytest.fixture
def aside_closed():
    yield
    progress_aside_close()  # outside job_running nothing else closes it before the test database goes


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_long_transaction_is_seen_before_the_commit(aside_closed):
    """An import writes its results in one transaction: the page polling the job (another
    connection) still sees the bar move and a fresh heartbeat while it runs."""
    job = Job.objects.create(kind="test", title="Импорт", task_name="tests.count_to", status=Job.Status.RUNNING)
    with transaction.atomic():
        job_progress(job_id=job.pk, done=5, total=10, message="Запись результатов")
        assert _seen_by_another_connection(job.pk) == (5, 10, "Запись результатов")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (5, 10)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_progress_of_a_job_the_transaction_holds_falls_back_to_it(aside_closed):
    """A job row the caller created (not yet committed) or locked is updated through the caller's
    own connection: after at most the lock timeout, never a wait for ever on itself."""
    with transaction.atomic():
        made_here = Job.objects.create(kind="test", title="Новое", task_name="tests.count_to")
        job_progress(job_id=made_here.pk, done=3, total=4)
        made_here.refresh_from_db()
        assert (made_here.progress_done, made_here.progress_total) == (3, 4)
    held = Job.objects.create(kind="test", title="Занятое", task_name="tests.count_to")
    with transaction.atomic():
        Job.objects.filter(pk=held.pk).update(message="блокировка строки")
        started = timezone.now()
        job_progress(job_id=held.pk, done=7, total=8)
        assert timezone.now() - started < timedelta(seconds=5)
        held.refresh_from_db()
        assert held.progress_done == 7
