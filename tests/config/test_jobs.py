"""Background jobs: progress, failure with a retry, a worker that died, a broker that is down, a
message the broker lost, and a message that arrives twice."""

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
    jobs_resend_stranded,
    progress_aside_close,
)
from config.jobs.tasks import jobs_housekeeping

ran_jobs: list[int] = []


@shared_task(name="tests.count_to")
def count_to(*, job_id: int, n: int, fail: bool = False):
    with job_running(job_id) as progress:
        for i in range(1, n + 1):
            progress(i, n)
        if fail:
            raise ValueError("сломалось")
    ran_jobs.append(job_id)


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
    assert jobs_resend_stranded() == (1, 0)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.sends == 1


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


# --------------------------------------------------------------------------- lost and duplicate messages


def queued_job(user, *, sent_minutes_ago: float | None, sends: int = 1, n: int = 1) -> Job:
    """A job the broker took `sent_minutes_ago` (None: never) and that no worker has started."""
    job = Job.objects.create(
        kind="test", title="Счёт", task_name="tests.count_to", task_kwargs={"n": n}, created_by=user, sends=sends
    )
    sent_at = None if sent_minutes_ago is None else timezone.now() - timedelta(minutes=sent_minutes_ago)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=60), sent_at=sent_at)
    job.refresh_from_db()
    return job


def test_a_second_message_of_a_job_does_nothing(db, methodist, django_capture_on_commit_callbacks):
    """A lost message sent again while the first one was only late: whichever arrives first runs the
    job; the other finds it not queued and leaves it alone, whatever state it is in."""
    ran_jobs.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = enqueue(methodist, n=2)
    running = Job.objects.create(kind="test", title="t", task_name="tests.count_to", status=Job.Status.RUNNING)
    withdrawn = Job.objects.create(kind="test", title="t", task_name="tests.count_to", status=Job.Status.FAILED)
    before = {job.pk: Job.objects.filter(pk=job.pk).values().get() for job in (done, running, withdrawn)}
    assert ran_jobs == [done.pk]

    for job in (done, running, withdrawn):
        result = count_to.apply(kwargs={"job_id": job.pk, "n": 5})
        assert result.state == "IGNORED"

    assert ran_jobs == [done.pk]
    assert {job.pk: Job.objects.filter(pk=job.pk).values().get() for job in (done, running, withdrawn)} == before


def test_a_message_delivered_again_after_its_worker_died_runs_the_job(db, methodist):
    """Acks late: the message of a worker killed mid-job comes back (JOBS_REDELIVERY_SECONDS). The job
    it left «running» with a silent heartbeat runs again; one whose heartbeat is fresh does not."""
    ran_jobs.clear()
    silent = timezone.now() - timedelta(minutes=settings.JOBS_HEARTBEAT_TIMEOUT_MINUTES, seconds=1)
    dead = Job.objects.create(
        kind="test", title="t", task_name="tests.count_to", status=Job.Status.RUNNING, heartbeat_at=silent
    )
    alive = Job.objects.create(
        kind="test", title="t", task_name="tests.count_to", status=Job.Status.RUNNING, heartbeat_at=timezone.now()
    )

    assert count_to.apply(kwargs={"job_id": dead.pk, "n": 2}).state == "SUCCESS"
    assert count_to.apply(kwargs={"job_id": alive.pk, "n": 2}).state == "IGNORED"

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.progress_done, ran_jobs) == (Job.Status.SUCCEEDED, 2, [dead.pk])
    assert alive.status == Job.Status.RUNNING
    assert settings.JOBS_REDELIVERY_SECONDS > settings.JOBS_HEARTBEAT_TIMEOUT_MINUTES * 60


def test_a_job_whose_message_was_lost_is_sent_again(db, methodist):
    ran_jobs.clear()
    lost = queued_job(methodist, sent_minutes_ago=settings.JOBS_RESEND_AFTER_MINUTES + 1)
    waiting = queued_job(methodist, sent_minutes_ago=settings.JOBS_RESEND_AFTER_MINUTES - 1)
    assert list(Job.objects.stranded()) == [lost] and lost.is_stranded and not waiting.is_stranded

    assert jobs_housekeeping() == {"failed": 0, "resent": 1, "undelivered": 0, "upload_leftovers": 0}

    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert (lost.status, lost.sends) == (Job.Status.SUCCEEDED, 2) and ran_jobs == [lost.pk]
    assert (waiting.status, waiting.sends) == (Job.Status.QUEUED, 1)


def test_a_job_never_started_after_the_last_send_fails_with_a_retry_that_works(
    client_for, methodist, django_capture_on_commit_callbacks
):
    ran_jobs.clear()
    job = queued_job(methodist, sent_minutes_ago=settings.JOBS_RESEND_AFTER_MINUTES + 1, sends=settings.JOBS_MAX_SENDS)

    assert jobs_housekeeping() == {"failed": 0, "resent": 0, "undelivered": 1, "upload_leftovers": 0}

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert f"не дошло до обработчика (отправок в очередь: {settings.JOBS_MAX_SENDS})" in job.error
    client = client_for(methodist)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "не дошло до обработчика" in page and "Повторить" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:retry", args=[job.pk]))
    retried = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("jobs:detail", args=[retried.pk])
    assert retried.status == Job.Status.SUCCEEDED and ran_jobs == [retried.pk]
    assert count_to.apply(kwargs={"job_id": job.pk, "n": 1}).state == "IGNORED"  # its late message
    assert ran_jobs == [retried.pk]


def test_while_another_job_is_alive_a_stranded_job_is_sent_again_not_failed(db, methodist):
    """Busy workers: the queued job may only be waiting behind the running one."""
    ran_jobs.clear()
    Job.objects.create(
        kind="test", title="Долгий импорт", task_name="tests.count_to", status="running", heartbeat_at=timezone.now()
    )
    job = queued_job(methodist, sent_minutes_ago=settings.JOBS_RESEND_AFTER_MINUTES + 1, sends=settings.JOBS_MAX_SENDS)
    assert jobs_resend_stranded() == (1, 0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and ran_jobs == [job.pk]


def test_the_owner_can_send_a_stranded_job_again_and_nobody_else_can(
    client_for, methodist, director_a, other_municipality
):
    from tests.hardening.access_world import make_outsider

    ran_jobs.clear()
    outsider = make_outsider(other_municipality)
    job = queued_job(methodist, sent_minutes_ago=settings.JOBS_RESEND_AFTER_MINUTES + 1)
    for stranger in (outsider, director_a):
        assert client_for(stranger).post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert (job.status, job.sends) == (Job.Status.QUEUED, 1) and ran_jobs == []

    client = client_for(methodist)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "до сих пор не начато" in page and "Отправить снова" in page
    response = client.post(reverse("jobs:retry", args=[job.pk]), follow=True)
    assert response.redirect_chain == [(reverse("jobs:detail", args=[job.pk]), 302)]
    job.refresh_from_db()
    assert (job.status, job.sends) == (Job.Status.SUCCEEDED, 2) and ran_jobs == [job.pk]
    assert "Задание отправлено в очередь снова" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("queued", "оно начнётся, как только освободится обработчик"),
        ("running", "Задание уже выполняется"),
        ("succeeded", "Задание уже выполнено"),
    ],
)
def test_retry_of_a_job_that_needs_none_says_why(client_for, methodist, status, said):
    job = Job.objects.create(kind="t", title="t", task_name="tests.count_to", created_by=methodist, status=status)
    Job.objects.filter(pk=job.pk).update(sent_at=timezone.now(), heartbeat_at=timezone.now())
    response = client_for(methodist).post(reverse("jobs:retry", args=[job.pk]), follow=True)
    assert response.redirect_chain == [(reverse("jobs:detail", args=[job.pk]), 302)]
    assert said in response.content.decode()
    assert list(Job.objects.values_list("pk", "status")) == [(job.pk, status)]


# --------------------------------------------------------------------------- the import page's buttons


@pytest.fixture
def uploaded_import(municipality, school_a, methodist):
    from monitoring.services import result_import_create

    data = "Код ОО;Класс;Предмет;Код участника;Отметка\r\n" + f"{school_a.code};5а;Математика;1;4\r\n"
    return result_import_create(
        municipality=municipality, data=data.encode("cp1251"), filename="впр.csv", kind="vpr", year=2024, user=methodist
    )


def test_check_again_of_a_file_whose_job_was_lost_replaces_the_job(
    client_for, methodist, uploaded_import, django_capture_on_commit_callbacks
):
    from monitoring.models import ResultImport
    from monitoring.tasks import PREVIEW_TASK, result_import_job_start

    lost = result_import_job_start(result_import=uploaded_import, task_name=PREVIEW_TASK, user=methodist)
    Job.objects.filter(pk=lost.pk).update(
        sent_at=timezone.now() - timedelta(minutes=settings.JOBS_RESEND_AFTER_MINUTES + 1), sends=1
    )
    client = client_for(methodist)
    page = client.get(reverse("results:import_detail", args=[uploaded_import.pk])).content.decode()
    assert "до сих пор не начато" in page and "Проверить</button>" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results:import_recheck", args=[uploaded_import.pk]))

    uploaded_import.refresh_from_db()
    lost.refresh_from_db()
    assert uploaded_import.job_id != lost.pk and uploaded_import.job.status == Job.Status.SUCCEEDED
    assert uploaded_import.status == ResultImport.Status.PREVIEWED
    assert lost.status == Job.Status.FAILED and "заменено новым" in lost.error
    # The lost message turning up after all changes nothing.
    from config.celery import app

    assert app.tasks[PREVIEW_TASK].apply(kwargs={"job_id": lost.pk, **lost.task_kwargs}).state == "IGNORED"


def test_check_again_while_the_job_waits_its_turn_says_so(client_for, methodist, uploaded_import):
    from monitoring.tasks import PREVIEW_TASK, result_import_job_start

    waiting = result_import_job_start(result_import=uploaded_import, task_name=PREVIEW_TASK, user=methodist)
    Job.objects.filter(pk=waiting.pk).update(sent_at=timezone.now(), sends=1)
    response = client_for(methodist).post(reverse("results:import_recheck", args=[uploaded_import.pk]), follow=True)
    assert "Файл ещё обрабатывается: дождитесь окончания задания" in response.content.decode()
    assert list(Job.objects.values_list("pk", "status")) == [(waiting.pk, Job.Status.QUEUED)]


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


def test_the_worker_finds_every_task_by_its_registered_name():
    """Jobs store task names; moving the analysis into monitoring/analysis/ kept them, so a job
    queued before the move still runs after it."""
    from config.celery import app

    app.loader.import_default_modules()
    assert {
        "monitoring.indicators_compute",
        "monitoring.zones_compute",
        "monitoring.imports_housekeeping",
        "roadmaps.send_reminders",
        "reports.render_document",
        "jobs.housekeeping",
    } <= set(app.tasks)
