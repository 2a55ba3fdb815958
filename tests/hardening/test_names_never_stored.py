"""Children's names, birth dates and document numbers never stay anywhere: not in the database,
not under MEDIA_ROOT, not in the temporary folders.

Distinctive names («Пупкинсон Аристарх Евлампиевич»), birth dates and document numbers are
planted under ten header variants and under headers nobody recognises (found by content only),
in .xlsx and in CSV, and go through every path a file takes: uploaded and checked but never
confirmed, uploaded, checked and imported (both on the page), `import_results --dry-run` and a
real `import_results`. Then the whole database dump, every file under MEDIA_ROOT (workbooks
unzipped) and the temporary folders are searched. Each search is shown to find what it looks for
(the Russian texts the product does store), so an empty result means something.

The temporary folders are fresh for the test (tempfile's and FILE_UPLOAD_TEMP_DIR, with every
upload spooled to disk), so what is in them is what the product left there.
"""

import html
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from monitoring.models import ResultImport, StudentResult
from monitoring.readers import pseudonym
from tests.monitoring.conftest import build_csv, build_xlsx

# pg_dump sees only what is committed; SQLite's dump runs on the test's own connection.
pytestmark = pytest.mark.django_db(transaction=connection.vendor == "postgresql")

SURNAMES = ["Пупкинсон", "Зюзелькина", "Хрякобрюхов", "Жмыхова", "Брюквенко", "Шпындель"]
FIRST_NAMES = ["Аристарх", "Евлампия", "Феофилакт", "Прасковья", "Ипполит", "Агриппина"]
PATRONYMICS = ["Евлампиевич", "Феоктистовна", "Гурьевич", "Силантьевна", "Ферапонтович", "Автандиловна"]
IMPOSSIBLE = "31.02.2026"

# (name headers, birth-date header, document headers); the last one is found by content only.
VARIANTS = [
    (["ФИО"], "Дата рождения", ["СНИЛС"]),
    (["Ф.И.О."], "Д.р.", ["Серия и номер свидетельства о рождении"]),
    (["ФИО обучающегося"], "Дата рожд.", ["Номер паспорта"]),
    (["ФИО участника"], "ДАТА РОЖДЕНИЯ (ДД.ММ.ГГГГ)", ["Серия", "Номер документа"]),
    (["Фамилия, имя"], "Д/р", ["СНИЛС"]),
    (["Фамилия Имя Отчество"], "дата рождения", ["Свидетельство о рождении"]),
    (["Фамилия", "Имя", "Отчество"], "Дата рождения", ["Документ"]),
    (["Обучающийся"], "Д.р.", ["Страховой номер"]),
    (["Ученик"], "Дата рождения", ["Паспорт"]),
    (["Ф. И. О. ребёнка"], "Дата рождения", ["СНИЛС"]),
    (["Сведения"], "Когда родился", ["Бумага"]),
]
UNRECOGNISED = len(VARIANTS) - 1


@dataclass
class Child:
    last: str
    first: str
    middle: str
    birth: str  # ДД.ММ.ГГГГ
    certificate: str
    snils: str
    passport: str

    @property
    def iso_birth(self) -> str:
        day, month, year = self.birth.split(".")
        return f"{year}-{month}-{day}"


def child(variant: int, number: int) -> Child:
    k = variant * 3 + number
    return Child(
        last=SURNAMES[k % 6],
        first=FIRST_NAMES[(k + variant) % 6],
        middle=PATRONYMICS[(k + 2 * variant) % 6],
        birth=IMPOSSIBLE if number == 2 else f"{3 + number * 9:02d}.{1 + variant:02d}.{2012 + number}",
        certificate=f"{'I' * (number + 1)}-ЖЭ {918200 + k:06d}",
        snils=f"{100 + variant:03d}-{200 + number:03d}-{300 + k:03d} {10 + number:02d}",
        passport=f"46{variant:02d} {700000 + k}",
    )


def name_cells(headers: list[str], person: Child) -> list[str]:
    if len(headers) == 3:
        return [person.last, person.first, person.middle]
    if headers == ["Фамилия, имя"]:
        return [f"{person.last} {person.first}"]
    return [f"{person.last} {person.first} {person.middle}"]


def document_cells(headers: list[str], person: Child) -> list[str]:
    if headers == ["Серия", "Номер документа"]:
        series, number = person.certificate.split(" ")
        return [series, f"№ {number}"]
    header = headers[0]
    if header in ("СНИЛС", "Страховой номер"):
        return [person.snils]
    if header in ("Номер паспорта", "Паспорт"):
        return [person.passport]
    return [person.certificate]


def results_file(variant: int, school_code: str, fmt: str) -> tuple[bytes, str, list[Child]]:
    """Three children: two to import, one with an impossible birth date (rejected)."""
    names, birth, documents = VARIANTS[variant]
    people = [child(variant, number) for number in range(3)]
    rows = [["Код ОО", "Класс", "Предмет", *names, birth, *documents, "Отметка"]]
    for person in people:
        rows.append(
            [school_code, "5А", "Математика", *name_cells(names, person), person.birth]
            + [*document_cells(documents, person), 4]
        )
    filename = f"variant-{variant}.{fmt}"
    data = build_xlsx(rows, title_rows=1) if fmt == "xlsx" else build_csv(rows, encoding="cp1251")
    return data, filename, people


def planted(variant: int, people: list[Child]) -> list[str]:
    """Every personal value written into the file: name words, birth dates, document cells (the
    impossible date is no one's birth date and is meant to be shown)."""
    names, _, documents = VARIANTS[variant]
    values = []
    for person in people:
        values += " ".join(name_cells(names, person)).split()
        values += [person.birth, *document_cells(documents, person)]
    return sorted({value for value in values if value != IMPOSSIBLE})


def forbidden(variant: int, people: list[Child]) -> list[str]:
    """What must be found nowhere: the planted values, and the birth dates as ISO dates too."""
    return sorted({*planted(variant, people), *(p.iso_birth for p in people if p.birth != IMPOSSIBLE)})


def taken(variant: int) -> int:
    # Under headers nobody recognises the dates are found and blanked but not checked as birth dates.
    return 3 if variant == UNRECOGNISED else 2


def expected_codes(variant: int, people: list[Child], key: bytes) -> set[str]:
    names, _, documents = VARIANTS[variant]
    return {
        pseudonym(
            key,
            last_name=person.last,
            first_name=person.first,
            middle_name="" if names == ["Фамилия, имя"] else person.middle,
            birth_date=person.birth,
            # Documents under a header that names them make the code too (namesakes stay apart).
            document="" if variant == UNRECOGNISED else "".join(document_cells(documents, person)),
        )
        for person in people[: taken(variant)]
    }


# --------------------------------------------------------------------------- where to look


def database_dump() -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    settings_dict = connection.settings_dict
    if shutil.which("pg_dump"):
        command = ["pg_dump", "--data-only", "--no-owner", settings_dict["NAME"]]
        for option, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
            if settings_dict.get(key):
                command[1:1] = [option, str(settings_dict[key])]
        env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
        done = subprocess.run(command, capture_output=True, env=env, timeout=300, check=False)
        if done.returncode == 0:
            return done.stdout.decode()
    # No usable pg_dump: every row of every table, as PostgreSQL writes a row as text.
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")
            parts += [row[0] for row in cursor.fetchall()]
    return "\n".join(parts)


def readings(data: bytes) -> list[str]:
    """The texts a file's bytes can hold: as UTF-8, Windows-1251 and UTF-16, XML entities resolved,
    and the same for every member of a zip archive (an .xlsx)."""
    texts = [data.decode("utf-8", "ignore"), data.decode("cp1251", "ignore"), data.decode("utf-16-le", "ignore")]
    texts.append(html.unescape(texts[0]))
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    texts += readings(archive.read(name))
        except zipfile.BadZipFile:
            pass
    return texts


def files_under(folder: Path) -> dict[str, list[str]]:
    return {str(path): readings(path.read_bytes()) for path in sorted(Path(folder).rglob("*")) if path.is_file()}


def found_in(needle: str, text: str) -> bool:
    # Django's JSONField on SQLite stores text with \\uXXXX escapes.
    return needle in text or json.dumps(needle)[1:-1] in text


@dataclass
class Places:
    media: Path
    temp: Path
    uploads: Path
    spooled: list[str]

    def leaks(self, needles: list[str]) -> list[str]:
        found = []
        dump = database_dump()
        found += [f"база данных: «{needle}»" for needle in needles if found_in(needle, dump)]
        for folder in (self.media, self.temp, self.uploads):
            for path, texts in files_under(folder).items():
                found += [f"{path}: «{needle}»" for needle in needles if any(needle in text for text in texts)]
        return found


@pytest.fixture
def places(settings, tmp_path, monkeypatch) -> Places:
    media, temp, uploads = tmp_path / "media", tmp_path / "tmp", tmp_path / "uploads"
    for folder in (media, temp, uploads):
        folder.mkdir()
    settings.MEDIA_ROOT = media
    settings.FILE_UPLOAD_TEMP_DIR = str(uploads)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes through a temporary file
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    spooled: list[str] = []
    new_file = TemporaryFileUploadHandler.new_file

    def recording_new_file(self, *args, **kwargs):
        new_file(self, *args, **kwargs)
        spooled.append(self.file.temporary_file_path())

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", recording_new_file)
    return Places(media=media, temp=temp, uploads=uploads, spooled=spooled)


def assert_searches_work(places: Places, values: list[str], data: bytes, kept: ResultImport | None) -> None:
    """The searches find what is there: the planted values in the upload itself, and the Russian
    texts the product does keep (in the database, in JSON too, and in the kept file)."""
    missing = [value for value in values if not any(value in text for text in readings(data))]
    assert not missing, missing
    dump = database_dump()
    assert found_in("Новоузенский", dump)
    if kept is not None:
        assert found_in("невозможна", dump)  # a stored problem, in a JSON field
        texts = files_under(places.media)[str(Path(kept.file.path))]
        assert any("Код участника" in text for text in texts)


def command(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_results", *map(str, args), stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


# --------------------------------------------------------------------------- the paths


def upload(client, data: bytes, filename: str, capture):
    with capture(execute=True):
        response = client.post(
            reverse("results:results"),
            {"file": SimpleUploadedFile(filename, data), "format": "students", "kind": "vpr", "year": 2024},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ResultImport.objects.get(original_name=filename)


def assert_served_copy_is_clean(client, result_import: ResultImport, data: bytes, needles: list[str]) -> None:
    response = client.get(reverse("results:import_file", args=[result_import.pk]))
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    result_import.refresh_from_db()
    assert served == Path(result_import.file.path).read_bytes() and served != data
    texts = readings(served)
    assert any("Код участника" in text for text in texts)
    assert not [needle for needle in needles if any(needle in text for text in texts)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("confirm", [False, True], ids=["preview-only", "preview-and-import"])
def test_uploads_on_the_page_keep_no_name(
    fmt, confirm, places, client_for, methodist, school_a, settings, django_capture_on_commit_callbacks
):
    client = client_for(methodist)
    all_needles: list[str] = []
    for variant in range(len(VARIANTS)):
        data, filename, people = results_file(variant, school_a.code, fmt)
        needles = forbidden(variant, people)
        all_needles += needles
        result_import = upload(client, data, filename, django_capture_on_commit_callbacks)
        assert result_import.status == ResultImport.Status.PREVIEWED, result_import.problems
        rejected = 0 if variant == UNRECOGNISED else 1
        assert result_import.rejected_count == rejected
        if rejected:
            assert f"Дата рождения «{IMPOSSIBLE}» невозможна" in result_import.problems[0]["reason"]
        if confirm:
            with django_capture_on_commit_callbacks(execute=True):
                client.post(reverse("results:import_confirm", args=[result_import.pk]), {"accept_partial": "on"})
            result_import.refresh_from_db()
            assert result_import.status == ResultImport.Status.IMPORTED, result_import.summary
            codes = set(
                StudentResult.objects.filter(result_import=result_import).values_list("participant_code", flat=True)
            )
            assert codes == expected_codes(variant, people, settings.PSEUDONYM_KEY.encode())
            if rejected:
                workbook = client.get(reverse("results:import_rejected", args=[result_import.pk]))
                texts = readings(b"".join(workbook.streaming_content))
                assert any(IMPOSSIBLE in text for text in texts)
                assert not [needle for needle in needles if any(needle in text for text in texts)]
        assert places.leaks(needles) == []
        assert_served_copy_is_clean(client, result_import, data, needles)
        assert_searches_work(places, planted(variant, people), data, kept=result_import)

    assert places.spooled and not any(Path(path).exists() for path in places.spooled)
    assert places.leaks(all_needles) == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_the_command_keeps_no_name(fmt, dry_run, places, municipality, school_a, settings, tmp_path):
    given = tmp_path / "given"  # the files handed to the command: outside every place searched
    given.mkdir()
    all_needles: list[str] = []
    for variant in range(len(VARIANTS)):
        data, filename, people = results_file(variant, school_a.code, fmt)
        needles = forbidden(variant, people)
        all_needles += needles
        path = given / filename
        path.write_bytes(data)
        args = [path, "--kind", "vpr", "--year", 2024, "--accept-partial"]
        code, out = command(*args, *(["--dry-run"] if dry_run else []))
        rejected = 0 if variant == UNRECOGNISED else 1
        assert code == (1 if rejected else 0), out
        if rejected:
            assert f"Дата рождения «{IMPOSSIBLE}» невозможна" in out
        result_import = None
        if dry_run:
            assert f"будет принято {taken(variant)}" in out
            assert not ResultImport.objects.exists() and not files_under(places.media)
        else:
            result_import = ResultImport.objects.get(original_name=filename)
            assert result_import.status == ResultImport.Status.IMPORTED
            codes = set(
                StudentResult.objects.filter(result_import=result_import).values_list("participant_code", flat=True)
            )
            assert codes == expected_codes(variant, people, settings.PSEUDONYM_KEY.encode())
        assert places.leaks(needles) == []
        assert_searches_work(places, planted(variant, people), data, kept=result_import)

    assert places.leaks(all_needles) == []
