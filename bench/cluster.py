"""Several hosts simulated on one machine: the product's processes as a cluster on loopback, with
one web process and one worker killed mid-run.

    python bench/cluster.py [--seconds 60] [--users 12] [--schools 60] [--rows 20000] [--skip-setup]

Prepares the database `muko_cluster` (created if missing, migrated, bench/load.py's region at a
small scale), its streaming replica (.ci/replica, port 5433), a moto S3 server with a bucket and
Redis db 9 (flushed). Starts two gunicorn processes (two ports), a round-robin TCP balancer in this
process that skips a backend refusing connections (a passive health check), two Celery workers
(concurrency 1) and beat. Then load.py's simulated people walk their pages through the balancer
for --seconds while a stream of jobs leaves files: a methodist's execution report PDFs (Celery jobs)
and directors' evidence uploads. A third of the way in, one gunicorn (master and workers, kill -9)
and the Celery worker found running a job (kill -9) die.

Afterwards: requests, errors (connections broken on the killed server vs the rest) and p95 per
page; every job must succeed within 150 s (the killed worker's job is delivered again
70 s after its start: JOBS_REDELIVERY_SECONDS); every recorded file must be in the bucket and download
through the surviving web process. Exit status 1 when anything beyond the requests in flight on the
killed server was lost.
"""

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load
from load import ROOT, Person

DATABASE = "muko_cluster"
REDIS_URL = "redis://127.0.0.1:6379/9"
S3_KEY, S3_SECRET, BUCKET = "cluster-access", "cluster-secret", "muko-cluster"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"порт {port} не открылся за {seconds} с")


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


# ---------------------------------------------------------------------------------------------
# The balancer: round robin per connection, a refused backend is skipped
# ---------------------------------------------------------------------------------------------


class Balancer:
    def __init__(self, port: int, backends: list[int]):
        self.port, self.backends = port, backends
        self.turn = 0
        self.active = {backend: 0 for backend in backends}  # connections open to each backend now
        self.skipped = 0  # connections refused by a backend and sent to the next one
        self.killed: int | None = None  # the backend killed on purpose
        self.unanswered = {backend: 0 for backend in backends}  # connections closed without a byte back
        self.late = 0  # connections it accepted (its backlog) after the kill, before the port closed
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()

    async def _pipe(self, reader, writer) -> int:
        sent = 0
        try:
            while data := await reader.read(65536):
                writer.write(data)
                sent += len(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()
        return sent

    async def _serve(self, client_reader, client_writer):
        start = self.turn  # other connections move the turn while this one waits on a refusal
        self.turn += 1
        for step in range(len(self.backends)):
            backend = self.backends[(start + step) % len(self.backends)]
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", backend)
                break
            except OSError:
                self.skipped += 1
        else:
            client_writer.close()
            return
        self.active[backend] += 1
        if backend == self.killed:
            self.late += 1
        try:
            _, answered = await asyncio.gather(self._pipe(client_reader, writer), self._pipe(reader, client_writer))
            if not answered:
                self.unanswered[backend] += 1
        finally:
            self.active[backend] -= 1

    def run(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port, backlog=256))
        self.ready.set()
        self.loop.run_forever()
        server.close()

    def start(self):
        threading.Thread(target=self.run, daemon=True).start()
        self.ready.wait(10)

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)


# ---------------------------------------------------------------------------------------------
# Preparation
# ---------------------------------------------------------------------------------------------


def prepare_database(args) -> str:
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc"]
    exists = subprocess.run([*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"], capture_output=True)
    if exists.stdout.strip() != b"1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    replica = subprocess.run(["bash", str(ROOT / ".ci/replica"), DATABASE], capture_output=True, text=True, check=True)
    return replica.stdout.strip()


def start_s3(port: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    wait_port(port)
    s3_client(port).create_bucket(Bucket=BUCKET)
    return process


def s3_client(port: int):
    import boto3

    return boto3.client(
        "s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET, region_name="us-east-1",
    )  # fmt: skip


def start_celery(argv: list[str], log: Path) -> subprocess.Popen:
    celery = str(Path(sys.executable).parent / "celery")
    with log.open("wb") as output:
        return subprocess.Popen(
            [celery, "-A", "config", *argv, "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "DEBUG": "false"}, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The stream of jobs that leave files
# ---------------------------------------------------------------------------------------------


def job_stream(roadmap_id: int, stop: threading.Event, renders: list, uploads: list, failures: list) -> None:
    """Every 2 s a director adds an evidence file to an open occurrence, and every 12 s instead the
    methodist asks for an execution report PDF of the big roadmap (a Celery job of 10–20 s here,
    reports.render_document): long enough for the kill to find a worker running one."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.utils import timezone

    from reports.models import ReportFile
    from reports.services import document_request
    from roadmaps.execution.services import EvidenceData, evidence_add
    from roadmaps.models import Assignment, EvidenceKind, Roadmap

    users = get_user_model().objects
    methodist = users.get(username="methodist")
    roadmap = Roadmap.objects.get(pk=roadmap_id)
    today = timezone.localdate().isoformat()
    shift = int(time.time()) % 100_000  # periods not asked for by an earlier run
    kind = EvidenceKind.objects.get(code="protocol")
    directors = [users.get(username=f"load-director-{n}") for n in range(5)]
    open_statuses = [s for s in Assignment.Status.values if s not in ("accepted", "submitted")]
    n = 0
    try:
        while not stop.wait(2.0):
            n += 1
            try:
                if n % 6 == 1:
                    # The big roadmap's execution report over a period of its own each time: a new
                    # document (no kept file answers it), a few seconds of a worker's time.
                    made = document_request(
                        kind=ReportFile.Kind.EXECUTION_PDF, roadmap=roadmap, by=methodist,
                        params={"date_from": "2026-08-01", "as_of": today,
                                "date_to": (load.date(2026, 9, 1) + timedelta(days=n + shift)).isoformat()},
                    )  # fmt: skip
                    renders.append(made.pk)
                else:
                    director = directors[n % len(directors)]
                    membership = director.memberships.first()
                    assignment = (
                        Assignment.objects.filter(organization=membership.organization, status__in=open_statuses)
                        .order_by("pk")
                        .first()
                    )
                    body = PDF + f"% cluster {n}\n".encode()
                    evidence = evidence_add(
                        assignment=assignment, by=director, data=EvidenceData(kind=kind, title=f"Протокол {n}"),
                        upload=SimpleUploadedFile(f"protocol-{n}.pdf", body, content_type="application/pdf"),
                    )  # fmt: skip
                    uploads.append((evidence.pk, director.username, body))
            except Exception as error:
                failures.append(f"{type(error).__name__}: {error}")
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--schools", type=int, default=60)
    parser.add_argument("--rows", type=int, default=20_000, help="результатов обучающихся")
    parser.add_argument("--measures", type=int, default=60)
    parser.add_argument("--skip-setup", action="store_true")
    args = parser.parse_args()

    logs = Path(tempfile.mkdtemp(prefix="muko-cluster-"))
    replica_url = prepare_database(args)
    s3_port, port_a, port_b, port_p = free_port(), free_port(), free_port(), free_port()
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        DATABASE_REPLICA_URL=replica_url,
        REDIS_URL=REDIS_URL,
        STORAGE_URL=f"s3://{S3_KEY}:{S3_SECRET}@127.0.0.1:{s3_port}/{BUCKET}?region=us-east-1&secure=false",
        # The web processes and the workers would otherwise name different hosts in links.
        ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY="load-bench-" + "k" * 50,
        PSEUDONYM_KEY="load-bench",
        # A dead worker's job comes back within the run: silent after 1 min, redelivered after 70 s
        # (production: 10 min and 12 min, see config/settings.py).
        JOBS_HEARTBEAT_TIMEOUT_MINUTES="1",
        JOBS_REDELIVERY_SECONDS="70",
    )
    processes: dict[str, subprocess.Popen] = {}
    balancer = None
    try:
        processes["s3"] = start_s3(s3_port, logs / "moto.log")
        load.django_setup()
        import config.celery  # noqa: F401  (registers the tasks the job stream sends)

        if not args.skip_setup:
            load.scale_region(schools=args.schools, results=args.rows, measures=args.measures)
        ids = load.region_ids()
        import redis
        from django.db import connections

        redis.Redis.from_url(REDIS_URL).flushdb()
        connections.close_all()

        processes["web A"] = load.start_server(port_a, 2, 4, session=True)
        processes["web B"] = load.start_server(port_b, 2, 4, session=True)
        processes["worker 1"] = start_celery(["worker", "--concurrency=1", "-n", "w1@%h"], logs / "w1.log")
        processes["worker 2"] = start_celery(["worker", "--concurrency=1", "-n", "w2@%h"], logs / "w2.log")
        processes["beat"] = start_celery(["beat", "-s", str(logs / "beat-schedule")], logs / "beat.log")
        balancer = Balancer(port_p, [port_a, port_b])
        balancer.start()
        time.sleep(3)  # the workers connect to Redis

        renders: list[int] = []
        uploads: list[tuple[int, str, bytes]] = []
        failures: list[str] = []
        stop = threading.Event()
        outcome: dict = {}
        people = threading.Thread(
            target=lambda: outcome.update(load.run_load(f"http://127.0.0.1:{port_p}", args.users, args.seconds, ids))
        )
        stream = threading.Thread(target=job_stream, args=(ids["roadmap"], stop, renders, uploads, failures))
        people.start()
        stream.start()
        time.sleep(args.seconds / 3)
        busy, job_ids = busy_worker(processes)
        balancer.killed = port_a
        open_then = balancer.active[port_a]
        kill_group(processes["web A"])
        kill_group(processes[busy])
        killed_at = time.monotonic()
        from config.jobs.models import Job

        states = dict(Job.objects.filter(pk__in=[pk for pk in job_ids if pk]).values_list("pk", "status"))
        print(
            f"\n-- kill -9: gunicorn :{port_a} (мастер и воркеры; соединений открыто: {open_then}), "
            f"celery {busy} (выполнял задания: {states or 'нет'})",
            flush=True,
        )
        people.join()
        stop.set()
        stream.join()

        load.report(outcome)
        in_flight = open_then + balancer.late
        return verify(outcome, in_flight, killed_at, port_b, s3_port, renders, uploads, failures, balancer)
    finally:
        if balancer:
            balancer.stop()
        for process in processes.values():
            kill_group(process, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                kill_group(process)
                process.wait()
        print(f"Журналы процессов: {logs}")


def busy_worker(processes) -> tuple[str, list]:
    """The worker to kill: the first one found running a job within 15 s (either otherwise)."""
    from config.celery import app

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        active = app.control.inspect(timeout=0.5).active() or {}
        for name, tasks in active.items():
            if tasks:
                worker = "worker 1" if name.startswith("w1@") else "worker 2"
                return worker, [(task.get("kwargs") or {}).get("job_id") for task in tasks]
        time.sleep(0.2)
    return "worker 1", []


def verify(outcome, in_flight, killed_at, port_b, s3_port, renders, uploads, failures, balancer) -> int:
    from config.jobs.models import Job
    from reports.models import ReportFile
    from roadmaps.models import Evidence

    dropped = sum(outcome["dropped"].values())
    other_errors = sum(outcome["errors"].values()) - dropped
    print(
        f"\nСоединения, оборванные на убитом сервере: {dropped} (было в работе при kill: {in_flight}); "
        f"прочих ошибок: {other_errors}; балансировщик обошёл отказавший сервер {balancer.skipped} раз; "
        f"соединений без ответа по серверам: {balancer.unanswered}"
    )
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        pending = Job.objects.filter(pk__in=renders, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).count()
        if not pending:
            break
        time.sleep(2)
    jobs = list(Job.objects.filter(pk__in=renders))
    not_done = [f"{job.pk}: {job.status} {job.error[:80]}" for job in jobs if job.status != Job.Status.SUCCEEDED]
    print(
        f"Задания PDF: {len(jobs)}, выполнено {len(jobs) - len(not_done)}, за {time.monotonic() - killed_at:.0f} с после kill"
    )
    for line in not_done:
        print(f"  не выполнено: {line}")

    bucket = s3_client(s3_port)
    base = f"http://127.0.0.1:{port_b}"
    methodist = Person(base, "methodist")
    methodist.login()
    missing: list[str] = []
    for job in jobs:
        if job.status != Job.Status.SUCCEEDED:
            continue
        report = ReportFile.objects.get(pk=job.result["report_file_id"])
        try:
            bucket.head_object(Bucket=BUCKET, Key=report.file.name)
        except Exception:
            missing.append(f"PDF {report.file.name}: нет в хранилище")
        status, body = methodist.get(job.result_url)
        if status != 200 or not body.startswith(b"%PDF"):
            missing.append(f"PDF {job.result_url}: {status}")
    directors: dict[str, Person] = {}
    for pk, username, sent in uploads:
        evidence = Evidence.objects.get(pk=pk)
        try:
            bucket.head_object(Bucket=BUCKET, Key=evidence.file.name)
        except Exception:
            missing.append(f"документ {evidence.file.name}: нет в хранилище")
        if username not in directors:
            directors[username] = Person(base, username)
            directors[username].login()
        status, body = directors[username].get(f"/execution/evidence/{pk}/file/")
        if status != 200 or body != sent:
            missing.append(f"документ {pk}: {status}, {len(body)} байт из {len(sent)}")
    print(
        f"Файлы: PDF {len(jobs) - len(not_done)}, документов {len(uploads)}; не найдено или не скачано: {len(missing)}"
    )
    for line in missing + failures:
        print(f"  {line}")
    lost = dropped > in_flight or other_errors or not_done or missing or failures
    print("ИТОГ: " + ("потеряно сверх запросов в работе на убитом сервере" if lost else "ничего не потеряно"))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
