"""Load benchmark: the product on gunicorn against PostgreSQL with the demo scaled to a region,
driven by simulated people on 127.0.0.1.

    createdb -h 127.0.0.1 -U postgres bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load [REDIS_URL=redis://127.0.0.1:6379/13] \
        python bench/load.py [--users 20] [--seconds 60] [--schools 1000] [--results 1000000] \
        [--measures 300] [--workers 3] [--threads 4] [--skip-setup]

Setup (skipped with --skip-setup when the database is already scaled): migrate, the demo
municipality, then scaled to --schools schools, an approved roadmap of --measures measures
assigned to every school, --results student results (COPY), indicators and zones computed.

Then gunicorn (gthread workers, production settings: DEBUG=false, WhiteNoise, Redis cache) serves
the product twice: first the named baseline (the page-fragment cache off), then the product,
and --users simulated people (methodists, directors, an official, a viewer; each logs in and
walks its role's main pages with a think time of 0.5–2 s between pages) load it for --seconds.
It prints per page: requests, throughput, p50 / p95 / p99 latency and errors. Goal: no errors
and p95 under 300 ms for every page on 2 cores. The client runs on the same two cores.
"""

import argparse
import http.client
import http.cookiejar
import io
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "demo-password"
YEAR = 2026


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "true"
    import django

    django.setup()


def scale_region(*, schools: int, results: int, measures: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from monitoring.indicators import indicators_compute
    from monitoring.models import Assessment, ZoningMethod
    from monitoring.zoning import zones_compute
    from roadmaps import services
    from roadmaps.models import Direction, EvidenceKind, FunctionType, Roadmap
    from schools.demo import MUNICIPALITY
    from schools.models import Membership, Municipality, Organization

    if connection.vendor != "postgresql":
        sys.exit("Нужен PostgreSQL: задайте DATABASE_URL=postgres://…")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    municipality = Municipality.objects.get(name=MUNICIPALITY)
    existing = Organization.objects.filter(municipality=municipality, kind="school").count()
    Organization.objects.bulk_create(
        Organization(
            municipality=municipality, kind="school", code=f"sch65{n:04d}", short_name=f"МОУ «СОШ № {n}»",
            full_name=f"Муниципальное общеобразовательное учреждение «Средняя школа № {n}»", is_rural=n % 3 == 0,
            enrolment=200 + n % 700,
        )
        for n in range(existing, schools)
    )  # fmt: skip
    school_list = list(Organization.objects.filter(municipality=municipality, kind="school").order_by("code"))
    users = get_user_model().objects
    for index, school in enumerate(school_list[:20]):
        user, created = users.get_or_create(username=f"load-director-{index}", defaults={"last_name": "Директор"})
        if created:
            user.set_password(PASSWORD)
            user.save()
            Membership.objects.create(user=user, organization=school, role=Membership.Role.DIRECTOR)
    methodist = users.get(username="methodist")
    official = users.get(username="official")
    authority = Organization.objects.get(municipality=municipality, code="uo6401")

    if not Roadmap.objects.filter(title__startswith="Региональная нагрузка").exists():
        roadmap = services.roadmap_create(
            owner=authority, by=methodist, title=f"Региональная нагрузка: план на {measures} мероприятий",
            period_start=date(2026, 8, 1), period_end=date(2027, 7, 31),
        )  # fmt: skip
        directions = list(Direction.objects.filter(is_federal=True).order_by("order"))
        function_type = FunctionType.objects.get(code="full_cycle")
        kinds = list(EvidenceKind.objects.filter(code__in=["order", "protocol"]))
        deadlines = ["Сентябрь, ноябрь, март-апрель", "Ежеквартально", "В течение учебного года", "Май", "Август"]
        per_section = measures // len(directions)
        for s_index, direction in enumerate(directions):
            section = services.section_create(
                roadmap=roadmap, by=methodist, kind="direction", direction=direction, function_type=function_type
            )
            for m_index in range(per_section + (measures % len(directions) if s_index == 0 else 0)):
                measure = services.measure_create(
                    section=section, by=methodist,
                    description=f"Мероприятие {m_index + 1} направления {direction.code}: анализ результатов, "
                    "адресные рекомендации и методическое сопровождение образовательных организаций",
                    deadline_text=random.Random(m_index).choice(deadlines),
                    expected_result="Аналитическая справка; приказ; протокол совещания",
                )  # fmt: skip
                measure.evidence_kinds.set(kinds)
                if m_index % 3 == 0:  # a third of the measures are carried out by every school
                    services.measure_assign(measure=measure, organizations=school_list, by=methodist)
        services.roadmap_submit(roadmap=roadmap, by=methodist)
        services.roadmap_approve(
            roadmap=roadmap,
            by=official,
            order_number="нагр-1",
            order_date=date(2026, 8, 28),
            signatory_position="Начальник управления образования",
            signatory_name="Т.В. Разуваева",
        )

    have = connection.cursor()
    have.execute("SELECT count(*) FROM monitoring_studentresult")
    missing = results - have.fetchone()[0]
    if missing > 0:
        _copy_results(school_list, missing)
    for year in sorted(set(Assessment.objects.values_list("year", flat=True))):
        indicators_compute(year=year, municipality=municipality)
    method = ZoningMethod.objects.filter(municipality=municipality, year=YEAR).first()
    if method:
        zones_compute(method=method)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Подготовка: {len(school_list)} школ, план на {measures} мероприятий, результатов "
        f"{results:,}; {time.perf_counter() - started:.0f} с".replace(",", " ")
    )


def _copy_results(schools, rows: int) -> None:
    from django.db import connection

    from monitoring.models import Assessment
    from monitoring.partitions import results_partition_ensure

    plan = [("vpr", s, g) for s in ("Математика", "Русский язык") for g in (4, 5, 6, 7, 8)]
    plan += [("oge", "Математика", 9), ("oge", "Русский язык", 9), ("kdr", "Читательская грамотность", 6)]
    assessments = [
        Assessment.objects.get_or_create(
            kind=k, year=YEAR, subject=s, grade=g, defaults={"scale": "levels" if k == "kdr" else "marks"}
        )[0]
        for k, s, g in plan
    ]
    per = max(1, rows // (len(schools) * len(assessments)))
    rnd = random.Random(8)
    levels = ["insufficient", "low", "base", "high"]
    buffer = io.StringIO()
    for school in schools:
        bias = rnd.random()
        for assessment in assessments:
            for i in range(per):
                mark = journal = r"\N"
                level, control = "", "f"
                if assessment.kind == "kdr":
                    level = levels[min(3, max(0, round(rnd.gauss(2.2 - bias, 0.9))))]
                    control = "t" if i % 5 == 0 else "f"
                else:
                    m = min(5, max(2, round(rnd.gauss(3.6 - bias, 0.9))))
                    mark = str(m)
                    if assessment.kind == "vpr":
                        journal = str(min(5, max(2, m + (rnd.choice((-1, 1)) if rnd.random() < 0.3 * bias else 0))))
                buffer.write(
                    f"{assessment.pk}\t{school.pk}\t{assessment.grade}А\tL{school.pk}-{assessment.pk}-{i}\t"
                    f"{mark}\t{journal}\t{level}\t{control}\t\\N\tf\t\t{assessment.year}\n"
                )
    buffer.seek(0)
    results_partition_ensure({assessment.year for assessment in assessments})
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY monitoring_studentresult (assessment_id, organization_id, class_name, participant_code, mark, "
            "journal_mark, level, control_group, test_score, ovz, task_scores, year) FROM STDIN",
            buffer,
        )


# ---------------------------------------------------------------------------------------------
# The server and the simulated people
# ---------------------------------------------------------------------------------------------


def start_server(
    port: int, workers: int, threads: int, extra_env: dict | None = None, *, session: bool = False
) -> subprocess.Popen:
    """Gunicorn on `port`; with `session` in a process group of its own, so that bench/cluster.py
    can kill the master and its workers together."""
    static_root = tempfile.mkdtemp(prefix="muko-load-static-")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "load-bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PSEUDONYM_KEY": "load-bench",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        # Production shape: one cache shared by the workers (fragments need it, see README).
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
        **(extra_env or {}),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    # The setup wrote the database without this Redis: start from new data versions.
    bump = "from config.lib.fragments import TOPICS, versions_bump; versions_bump(*TOPICS)"
    subprocess.run([python, "manage.py", "shell", "--no-imports", "-c", bump], cwd=ROOT, env=env, check=True)
    gunicorn = str(Path(python).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", str(threads), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=session,
    )  # fmt: skip
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # the first answer may be slow
            time.sleep(0.5)
    server.kill()
    sys.exit("Сервер не поднялся за 30 с")


class LoopbackCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Production cookies are Secure (HTTPS only); on loopback without TLS send them anyway."""

    def return_ok_secure(self, cookie, request):
        return True


class Person:
    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar(policy=LoopbackCookiePolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.username = username

    def get(self, path: str) -> tuple[int, bytes]:
        """The status and body; status 0 when the connection failed or broke mid-response (a
        server killed under the request, see bench/cluster.py)."""
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError):
            return 0, b""

    def login(self) -> None:
        status, body = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        data = urllib.parse.urlencode(
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(self.base + "/accounts/login/", data=data, headers={"Referer": self.base})
        with self.opener.open(request, timeout=30) as response:
            if "/accounts/login/" in response.url:
                raise RuntimeError(f"{self.username}: вход не удался")


def region_ids() -> dict:
    """Keys of the scaled region's objects that the pages name: its big roadmap, first school,
    zoning method and municipality."""
    from monitoring.models import ZoningMethod
    from roadmaps.models import Roadmap
    from schools.demo import MUNICIPALITY
    from schools.models import Organization

    roadmap = Roadmap.objects.filter(title__startswith="Региональная нагрузка").first()
    school = Organization.objects.filter(municipality__name=MUNICIPALITY, kind="school").order_by("code").first()
    if roadmap is None or school is None:
        sys.exit("База не подготовлена: запустите bench/load.py без --skip-setup")
    method = ZoningMethod.objects.filter(municipality=school.municipality).order_by("-year").first()
    return {"roadmap": roadmap.pk, "school": school.pk, "method": method.pk, "municipality": school.municipality_id}


def role_pages(ids: dict) -> dict[str, list[tuple[str, str]]]:
    roadmap, school, method = ids["roadmap"], ids["school"], ids["method"]
    return {
        "methodist": [
            ("Главная", "/"),
            ("Организации", "/organizations/"),
            ("Дорожные карты", "/roadmaps/"),
            ("Дорожная карта (300 мероприятий)", f"/roadmaps/{roadmap}/"),
            ("Проверка", "/execution/review/"),
            ("Исполнение по карте", f"/execution/dashboard/roadmap/{roadmap}/"),
            ("Мониторинг: обзор", f"/monitoring/?method={method}"),
            ("Мониторинг: карточка ОО", f"/monitoring/card/{school}/"),
            ("Объективность", "/monitoring/objectivity/"),
            ("Отчёты", "/reports/"),
        ],
        "director": [
            ("Главная", "/"),
            ("Мои мероприятия", "/execution/"),
            ("Календарь", "/execution/calendar/"),
            ("Дорожная карта (300 мероприятий)", f"/roadmaps/{roadmap}/"),
        ],
        "official": [
            ("Главная", "/"),
            ("Дорожные карты", "/roadmaps/"),
            ("Исполнение: муниципалитет", f"/execution/dashboard/municipality/{ids['municipality']}/"),
            ("Мониторинг: обзор", f"/monitoring/?method={method}"),
        ],
        "viewer": [("Организации", "/organizations/"), ("Мониторинг: обзор", f"/monitoring/?method={method}")],
    }


def run_load(base: str, users: int, seconds: int, ids: dict) -> dict:
    pages = role_pages(ids)
    people = []
    for n in range(users):
        slot = n % 10
        if slot < 4:
            people.append(("methodist", "methodist"))
        elif slot < 8:
            people.append(("director", f"load-director-{n % 20}"))
        elif slot == 8:
            people.append(("official", "official"))
        else:
            people.append(("viewer", "viewer"))
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    dropped: dict[str, int] = defaultdict(int)  # of the errors, connections that failed or broke
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def walk(role: str, username: str, seed: int) -> None:
        rnd = random.Random(seed)
        person = Person(base, username)
        try:
            person.login()
        except (urllib.error.URLError, RuntimeError, AttributeError) as error:
            with lock:
                errors["Вход"] += 1
            print(f"{username}: вход не удался: {error}", file=sys.stderr)
            return
        route = pages[role]
        step = rnd.randrange(len(route))
        while time.monotonic() < deadline:
            name, path = route[step % len(route)]
            step += 1
            started = time.perf_counter()
            status, _ = person.get(path)
            elapsed = time.perf_counter() - started
            with lock:
                timings[name].append(elapsed)
                if status != 200:
                    errors[name] += 1
                if status == 0:
                    dropped[name] += 1
            time.sleep(rnd.uniform(0.5, 2.0))

    threads = [threading.Thread(target=walk, args=(role, username, n)) for n, (role, username) in enumerate(people)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)  # people arrive over two seconds, not all at once
    for thread in threads:
        thread.join()
    return {"timings": timings, "errors": errors, "dropped": dropped, "seconds": seconds}


def report(result: dict) -> float:
    """Print the table; return the worst p95 in ms."""

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    print(f"\n{'страница':<36} {'запросов':>8} {'в с':>6} {'p50 мс':>8} {'p95 мс':>8} {'p99 мс':>8} {'ошибок':>7}")
    total = 0
    worst = 0.0
    for name, values in sorted(result["timings"].items()):
        total += len(values)
        p95 = pct(values, 0.95)
        worst = max(worst, p95)
        print(
            f"{name:<36} {len(values):>8} {len(values) / result['seconds']:>6.1f} {statistics.median(values) * 1000:>8.0f}"
            f" {p95:>8.0f} {pct(values, 0.99):>8.0f} {result['errors'].get(name, 0):>7}"
        )
    print(
        f"\nВсего {total} запросов за {result['seconds']} с ({total / result['seconds']:.1f} в с); "
        f"ошибок {sum(result['errors'].values())}; худший p95 {worst:.0f} мс (цель: < 300 мс, без ошибок)"
    )
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--measures", type=int, default=300)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument("--no-baseline", action="store_true", help="только продукт, без базовой линии")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Нужен PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load")

    django_setup()
    if not args.skip_setup:
        scale_region(schools=args.schools, results=args.results, measures=args.measures)
    ids = region_ids()
    from django.db import connections

    connections.close_all()

    runs = [("продукт", {})]
    if not args.no_baseline:
        # The named baseline: the same code with the page-fragment cache switched off.
        runs.insert(
            0, ("базовая линия: без кэша фрагментов (FRAGMENT_CACHE_SECONDS=0)", {"FRAGMENT_CACHE_SECONDS": "0"})
        )
    worst = {}
    for name, extra_env in runs:
        server = start_server(args.port, args.workers, args.threads, extra_env)
        try:
            print(f"\n== {name}: {args.users} человек, {args.seconds} с, gunicorn {args.workers}×{args.threads} потока")
            result = run_load(f"http://127.0.0.1:{args.port}", args.users, args.seconds, ids)
        finally:
            server.terminate()
            server.wait(timeout=30)
        worst[name] = report(result)
    if len(runs) > 1:
        (_, base), (_, product) = worst.items()
        print(f"\nХудший p95: базовая линия {base:.0f} мс, продукт {product:.0f} мс ({base / product:.1f}× быстрее)")


if __name__ == "__main__":
    main()
