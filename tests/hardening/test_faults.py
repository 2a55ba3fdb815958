"""Faults of the real infrastructure, not mocks: the database drops the web process's connection,
Redis (cache and Celery broker) is down, a worker is killed with SIGKILL in the middle of an import.
"""

import io
import os
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.jobs.models import Job
from monitoring.models import ResultImport

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only (DATABASE_URL=postgres://…): SQLite has no server"
)
REAL_REDIS = os.environ.get("REDIS_URL", "")
NEEDS_REDIS = pytest.mark.skipif(not REAL_REDIS, reason="needs a real Redis (REDIS_URL=redis://…)")


def csv_upload(rows: list[list]) -> bytes:
    return "".join(";".join(str(cell) for cell in row) + "\r\n" for row in rows).encode("cp1251")


HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"]


# --------------------------------------------------------------------------- a: the database drops us


def wsgi_get(path: str, cookie: str) -> tuple[int, bytes]:
    """One GET through the product's WSGI application, as gunicorn calls it.

    Not the Django test client: it disconnects `close_old_connections` from request_started and
    request_finished, so it never runs the per-request connection checks this test is about."""
    from config.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    statuses: list[str] = []
    response = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        body = b"".join(response)
    finally:
        response.close()  # request_finished, as a WSGI server sends it
    return int(statuses[0].split()[0]), body


def other_connection():
    """A connection of our own to the test database, outside Django."""
    params = connection.get_connection_params()
    raw = psycopg2.connect(**{key: value for key, value in params.items() if key != "cursor_factory"})
    raw.autocommit = True
    return raw


def drop_every_other_connection() -> list[int]:
    """What a database restart does to the web process: its connections are gone."""
    raw = other_connection()  # not `with raw:` — psycopg2 would make that one transaction, whose
    try:  # statistics snapshot keeps showing the terminated backends
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [pid for (pid,) in cursor.fetchall()]
            cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [pids])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
                if cursor.fetchone()[0] == 0:
                    return pids
                time.sleep(0.02)
        raise AssertionError(f"PostgreSQL did not end the backends {pids}")
    finally:
        raw.close()


@pytest.fixture
def methodist_cookie(client, methodist):
    client.force_login(methodist)
    return f"sessionid={client.cookies['sessionid'].value}"


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_the_next_request_after_the_database_dropped_the_connection_succeeds(methodist_cookie):
    # The product's own setting (config.lib.env.env_database), not one made up for this test.
    assert connection.settings_dict["CONN_MAX_AGE"] > 0 and connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert wsgi_get("/", methodist_cookie)[0] == 200
    web_pid = connection.connection.get_backend_pid()  # kept between requests (CONN_MAX_AGE)

    assert web_pid in drop_every_other_connection()

    status, body = wsgi_get("/", methodist_cookie)
    assert status == 200, body[:500]
    assert "Кузнецова" in body.decode()  # her session was read through the new connection
    assert connection.connection.get_backend_pid() != web_pid
    assert wsgi_get(reverse("roadmaps:list"), methodist_cookie)[0] == 200


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_without_the_health_check_the_same_drop_would_be_a_server_error(methodist_cookie):
    """The test above can fail: with the check off, the first request after the drop gets a 500."""
    assert wsgi_get("/", methodist_cookie)[0] == 200
    connection.health_check_enabled = False
    try:
        drop_every_other_connection()
        assert wsgi_get("/", methodist_cookie)[0] == 500
    finally:
        connection.close()


# --------------------------------------------------------------------------- b: Redis is down


@pytest.fixture
def dead_redis_url():
    """A port nobody listens on, held for this test only (bound, never listening: connections
    are refused), so parallel test workers never share it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"redis://127.0.0.1:{sock.getsockname()[1]}/0"
    sock.close()


def product_settings(monkeypatch, **environ) -> dict:
    """config/settings.py evaluated for the given environment: the cache and broker exactly as
    the product configures them with that REDIS_URL."""
    with monkeypatch.context() as patched:
        patched.delenv("CELERY_EAGER", raising=False)
        for name, value in environ.items():
            patched.setenv(name, value)
        return runpy.run_path(str(ROOT / "config" / "settings.py"))


@contextmanager
def celery_broker(url: str, *, queue: str = "celery"):
    """Point the product's Celery app at `url`, sending (not running inline) to `queue`."""
    from config.celery import app

    overrides = {"broker_url": url, "task_always_eager": False, "task_default_queue": queue}
    # Celery reads its configuration through to the Django settings and keeps update() in a
    # layer of changes: restoring means taking our keys out of that layer again.
    changes = app.conf.changes
    earlier = {name: changes[name] for name in overrides if name in changes}
    saved_amqp, saved_pool = app.__dict__.get("amqp"), app._pool
    app.conf.update(overrides)
    app.__dict__.pop("amqp", None)  # its queues, router and producer pool were built for the old broker
    app._pool = None
    try:
        yield app
    finally:
        # The pool is not closed: kombu shares one pool per broker address, and the test
        # settings' own broker may be this very Redis.
        for name in overrides:
            changes.pop(name, None)
        changes.update(earlier)
        app._pool = saved_pool
        app.__dict__.pop("amqp", None)
        if saved_amqp is not None:
            app.__dict__["amqp"] = saved_amqp


def forget_queue(queue: str) -> None:
    """Remove what a test queue left in the shared Redis: its list, bindings and unacked messages."""
    import redis

    client = redis.Redis.from_url(REAL_REDIS)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    for key in client.scan_iter(match="_kombu.binding.*"):
        for member in client.smembers(key):
            if queue.encode() in member:
                client.srem(key, member)
    for tag, payload in client.hscan_iter("unacked"):
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.close()


@pytest.fixture
def redis_down(monkeypatch, settings, dead_redis_url):
    product = product_settings(monkeypatch, REDIS_URL=dead_redis_url)
    assert product["CACHES"]["default"]["LOCATION"] == dead_redis_url
    assert product["CELERY_BROKER_URL"] == dead_redis_url and product["CELERY_TASK_ALWAYS_EAGER"] is False
    settings.CACHES = product["CACHES"]
    settings.CELERY_BROKER_URL = product["CELERY_BROKER_URL"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_broker(dead_redis_url):
        yield dead_redis_url


def test_pages_render_and_login_works_while_redis_is_down(client, methodist, admin_user, redis_down):
    from django.core.cache import cache

    with pytest.raises(Exception, match="111|refused"):  # the cache really is that dead Redis
        cache.get("anything")
    # A failed login is counted (django-axes, in the database), a right one lets her in.
    response = client.post(reverse("login"), {"username": "methodist", "password": "wrong"})
    assert response.status_code == 200 and "правильные имя пользователя и пароль" in response.content.decode()
    response = client.post(reverse("login"), {"username": "methodist", "password": "test-password-123"})
    assert response.status_code == 302, response.content.decode()[:500]
    for name in ("home", "roadmaps:list", "results:results", "execution:my"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    health = client.get(reverse("health"))
    assert health.status_code == 503 and health.json() == {"status": "fail"}  # the causes are for staff
    client.force_login(admin_user)
    health = client.get(reverse("health"))
    assert health.status_code == 503
    assert not health.json()["cache"]["ok"] and not health.json()["broker"]["ok"]
    assert health.json()["database"]["ok"]


def broker_connection_attempts(monkeypatch, url: str) -> list[int]:
    """Count the Celery broker's (kombu's) attempts to connect to `url` from now on."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    attempts: list[int] = []
    connect = socket.socket.connect

    def counting(sock, address):
        to_broker = isinstance(address, tuple) and address[1] == port
        if to_broker and any("/kombu/" in frame.filename for frame in traceback.extract_stack()):
            attempts.append(port)
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", counting)
    return attempts


def test_an_upload_while_redis_is_down_leaves_its_job_queued(
    client_for, methodist, school_a, redis_down, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for(methodist)
    data = csv_upload([HEADER, [school_a.code, "5а", "Математика", "1", 4]])
    attempts = broker_connection_attempts(monkeypatch, redis_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("results:results"),
            {"file": SimpleUploadedFile("ВПР.csv", data), "format": "students", "kind": "vpr", "year": 2024},
        )
    result_import = ResultImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "results:import_detail", args=[result_import.pk]
    )
    # One quick retry (CELERY_BROKER_TRANSPORT_OPTIONS), then the job stays queued: the page does
    # not wait through kombu's default retries (eight attempts over about 3 s without the setting).
    assert 1 <= len(attempts) <= 2, attempts
    job = result_import.job
    job.refresh_from_db()
    assert (job.status, job.sent_at) == (Job.Status.QUEUED, None)
    assert "будет отправлено позже" in job.message
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    assert result_import.status == ResultImport.Status.UPLOADED  # nothing read yet, nothing lost


@NEEDS_REDIS
def test_housekeeping_sends_the_queued_job_when_redis_is_back(methodist, school_a, municipality, settings):
    """The job left queued above; Redis is back (the real one, a queue of this test's own)."""
    from config.jobs.tasks import jobs_housekeeping
    from monitoring.services import result_import_create
    from monitoring.tasks import PREVIEW_TASK, result_import_job_start

    queue = f"test-faults-{uuid.uuid4().hex}"
    result_import = result_import_create(
        municipality=municipality,
        data=csv_upload([HEADER, [school_a.code, "5а", "Математика", "1", 4]]),
        filename="vpr.csv",
        kind="vpr",
        year=2024,
        user=methodist,
    )
    # The state the broker outage leaves (the test above): queued, never sent. (This test's
    # transaction never commits, so job_enqueue's on_commit send does not run.)
    job = result_import_job_start(result_import=result_import, task_name=PREVIEW_TASK, user=methodist)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    job.refresh_from_db()
    assert (job.status, job.sent_at) == (Job.Status.QUEUED, None)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with celery_broker(REAL_REDIS, queue=queue) as app:
            assert jobs_housekeeping() == {"failed": 0, "resent": 1, "undelivered": 0, "upload_leftovers": 0}
            job.refresh_from_db()
            assert job.sent_at is not None and job.status == Job.Status.QUEUED
            with app.connection_for_write() as broker:
                message = broker.SimpleQueue(queue).get(timeout=5)
                message.ack()
    finally:
        forget_queue(queue)
    assert message.headers["task"] == PREVIEW_TASK
    args, kwargs, _ = message.payload
    assert kwargs == {"job_id": job.pk, "import_id": result_import.pk}
    # A worker runs what it received: the preview completes.
    from config.celery import app as celery_app

    celery_app.tasks[PREVIEW_TASK].apply(args=args, kwargs=kwargs)
    job.refresh_from_db()
    result_import.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and result_import.status == ResultImport.Status.PREVIEWED


# --------------------------------------------------------------------------- c: a worker is killed


def url_of_the_test_database() -> str:
    """DATABASE_URL of the database this test runs on (pytest-django's test_<name>)."""
    params = connection.settings_dict
    credentials = quote(params["USER"] or "postgres") + (f":{quote(params['PASSWORD'])}" if params["PASSWORD"] else "")
    return f"postgres://{credentials}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


@contextmanager
def celery_worker(queue: str, log: Path, settings, *, broker: str = REAL_REDIS):
    """A real `celery -A config worker --pool solo` on this test's database and a queue of its own."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "DATABASE_URL": url_of_the_test_database(),
        "REDIS_URL": broker,
        "CELERY_EAGER": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PSEUDONYM_KEY": settings.PSEUDONYM_KEY,
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", queue]
    command += ["-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("wb") as output:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            yield worker
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.wait(10)


def copy_in_progress() -> tuple[int, int] | None:
    """(backend pid, rows copied so far) of a COPY into this database by another connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.pid, p.tuples_processed FROM pg_stat_progress_copy p JOIN pg_stat_activity a USING (pid) "
            "WHERE a.datname = current_database() AND p.pid <> pg_backend_pid() AND p.tuples_processed > 0"
        )
        return cursor.fetchone()


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] > 0


@POSTGRES_ONLY
@NEEDS_REDIS
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_the_old_results_and_the_job_offers_a_retry(
    client_for, methodist, municipality, school_a, school_b, settings, tmp_path
):
    """A real worker process on this test's database and a real Redis queue runs the import job;
    it is killed with SIGKILL while PostgreSQL shows its COPY of new rows in progress (the old
    rows of the same schools already deleted in that transaction). Nothing of that import stays,
    the job page first still shows it running, and after the heartbeat timeout it shows the
    failure with «Повторить», which imports the file."""
    from monitoring.models import StudentResult
    from monitoring.services import result_import_apply, result_import_create
    from monitoring.tasks import APPLY_TASK, result_import_job_start

    def results():
        return set(StudentResult.objects.values_list("organization__code", "participant_code", "mark"))

    old = result_import_create(
        municipality=municipality,
        data=csv_upload(
            [HEADER, [school_a.code, "5а", "Математика", "old1", 3], [school_b.code, "5а", "Математика", "old2", 4]]
        ),
        filename="old.csv",
        kind="vpr",
        year=2024,
    )
    result_import_apply(result_import=old)
    before = results()
    # Big enough that writing takes a few COPY chunks of 100 000 rows (about a second), so the
    # kill lands inside the write transaction: old rows deleted, new ones half copied.
    rows = [[(school_a if n % 2 else school_b).code, "5а", "Математика", f"p{n}", 2 + n % 4] for n in range(400_000)]
    big = result_import_create(
        municipality=municipality, data=csv_upload([HEADER, *rows]), filename="big.csv", kind="vpr", year=2024
    )

    queue = f"test-faults-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    try:
        with celery_worker(queue, log, settings) as worker:
            with celery_broker(REAL_REDIS, queue=queue):
                job = result_import_job_start(result_import=big, task_name=APPLY_TASK, user=methodist)
            job.refresh_from_db()
            assert job.sent_at is not None, job.message
            copying, finished, deadline = None, False, time.monotonic() + 60
            while not (copying or finished) and worker.poll() is None and time.monotonic() < deadline:
                copying = copy_in_progress()
                finished = Job.objects.filter(pk=job.pk, finished_at__isnull=False).exists()
                time.sleep(0.005)
            assert not finished, "the import ended before the worker could be killed: make the file bigger"
            assert copying, f"the worker never started writing: {log.read_text(errors='replace')[-3000:]}"
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
        backend, copied = copying
        deadline = time.monotonic() + 10
        while backend_alive(backend) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not backend_alive(backend), "PostgreSQL kept the dead worker's transaction"
    finally:
        forget_queue(queue)

    assert 0 < copied < len(rows)
    assert results() == before  # the delete and the half-written rows were rolled back
    assert not StudentResult.objects.filter(result_import=big).exists()
    job.refresh_from_db()
    big.refresh_from_db()
    assert job.status == Job.Status.RUNNING and big.status == ResultImport.Status.UPLOADED

    client = client_for(methodist)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Выполняется" in page and "Повторить" not in page  # the heartbeat is still recent

    settings.JOBS_HEARTBEAT_TIMEOUT_MINUTES = 1 / 60  # one second instead of ten minutes
    settings.JOBS_REDELIVERY_SECONDS = 1  # and no redelivery to wait for (this test's worker is gone)
    time.sleep(max(0.0, (job.heartbeat_at + timedelta(seconds=1.2) - timezone.now()).total_seconds()))
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "обработчик остановился" in page and "Повторить" in page
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED

    response = client.post(reverse("jobs:retry", args=[job.pk]))  # runs inline: the test's eager Celery
    retried = Job.objects.exclude(pk=job.pk).get(task_name=APPLY_TASK)
    assert response["Location"] == reverse("jobs:detail", args=[retried.pk])
    assert retried.status == Job.Status.SUCCEEDED, retried.error
    assert StudentResult.objects.filter(result_import=big).count() == len(rows)


# --------------------------------------------------------------------------- d: Redis restarts, the queue is lost


class RedisServer:
    """A redis-server of this test's own (never the shared one), without persistence: a restart
    loses every message, as a Redis without `appendonly` does."""

    def __init__(self, directory: Path):
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client, deadline = redis.Redis.from_url(self.url), time.monotonic() + 10
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(f"redis-server did not start: {self.log()}") from None
                    time.sleep(0.02)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def queued(self, queue: str) -> int:
        import redis

        with redis.Redis.from_url(self.url) as client:
            return client.llen(queue)

    def log(self) -> str:
        path = self.directory / "redis.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""


@pytest.fixture
def own_redis(tmp_path):
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wait_for(condition, what: str, log: Path, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}: {log.read_text(errors='replace')[-3000:]}"
        time.sleep(0.05)


NEEDS_REDIS_SERVER = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server program")


@POSTGRES_ONLY
@NEEDS_REDIS_SERVER
@pytest.mark.django_db(transaction=True)
def test_a_job_queued_before_a_redis_restart_is_sent_again_and_completes_once(
    methodist, municipality, school_a, settings, own_redis, tmp_path
):
    """The issue's case: a check of a file is queued, Redis restarts without persistence and forgets
    it, and nothing else would ever run it. Housekeeping sends it again and a real worker completes
    it; when the first message turns up after all (here: sent again by hand), it changes nothing."""
    from config.jobs.tasks import jobs_housekeeping
    from monitoring.services import result_import_create
    from monitoring.tasks import PREVIEW_TASK, result_import_job_start

    def upload(name: str) -> ResultImport:
        data = csv_upload([HEADER, [school_a.code, "5а", "Математика", name, 4]])
        return result_import_create(
            municipality=municipality, data=data, filename=f"{name}.csv", kind="vpr", year=2024, user=methodist
        )

    queue = f"test-faults-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    first = upload("first")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_broker(own_redis.url, queue=queue) as app:
        job = result_import_job_start(result_import=first, task_name=PREVIEW_TASK, user=methodist)
        job.refresh_from_db()
        assert (job.status, job.sends) == (Job.Status.QUEUED, 1) and own_redis.queued(queue) == 1

        own_redis.restart()
        assert own_redis.queued(queue) == 0  # the message is gone; the row still says «В очереди»

        with celery_worker(queue, log, settings, broker=own_redis.url):
            # Nothing runs it: housekeeping finds it once it has waited JOBS_RESEND_AFTER_MINUTES.
            assert jobs_housekeeping() == {"failed": 0, "resent": 0, "undelivered": 0, "upload_leftovers": 0}
            sent_long_ago = timezone.now() - timedelta(minutes=settings.JOBS_RESEND_AFTER_MINUTES, seconds=1)
            Job.objects.filter(pk=job.pk).update(sent_at=sent_long_ago)
            assert jobs_housekeeping() == {"failed": 0, "resent": 1, "undelivered": 0, "upload_leftovers": 0}
            wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, "the resent job never finished", log)
            job.refresh_from_db()
            first.refresh_from_db()
            assert (job.status, job.sends) == (Job.Status.SUCCEEDED, 2), job.error
            assert first.status == ResultImport.Status.PREVIEWED

            # The first message after all, then another file's check behind it: once that one is
            # done (the worker takes messages in order, one at a time), the duplicate was handled.
            done = Job.objects.filter(pk=job.pk).values().get()
            app.tasks[PREVIEW_TASK].apply_async(kwargs={"job_id": job.pk, **job.task_kwargs}, queue=queue)
            second = upload("second")
            behind = result_import_job_start(result_import=second, task_name=PREVIEW_TASK, user=methodist)
            wait_for(lambda: Job.objects.get(pk=behind.pk).is_finished, "the second job never finished", log)
            assert Job.objects.get(pk=behind.pk).status == Job.Status.SUCCEEDED
            assert own_redis.queued(queue) == 0
    assert Job.objects.filter(pk=job.pk).values().get() == done
