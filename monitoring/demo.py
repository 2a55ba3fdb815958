"""Demo results of the demo district, generated as the workbooks a municipality receives and
imported through the product's own importer (so `load_demo` exercises it end to end).

Deterministic (seeded random, workbooks with fixed zip timestamps) and idempotent: a second run
produces the same bytes, the checksum matches the earlier import and nothing changes.

The spread is realistic on purpose: three schools are clearly weak, two put journal marks
well above what their pupils show in ВПР (the "suspicious mismatch" the analysis must catch).
Children are identified only by participant codes, stable across years: the pupils of grade 4
in КДР 2024 write КДР again in grade 6 in 2026 under the same codes.
"""

from __future__ import annotations

import io
import random

from django.contrib.auth import get_user_model
from openpyxl import Workbook

from config.lib.xlsx import deterministic_workbook, safe_row
from monitoring.analysis.demo import load_demo_analysis
from monitoring.clusters.demo import load_demo_clusters
from monitoring.identification.demo import load_demo_identification
from monitoring.inschool.demo import load_demo_inschool
from monitoring.models import ResultImport
from monitoring.services import ege_min_scores_load, result_import_apply, result_import_create
from schools.demo import MUNICIPALITY, NEIGHBOUR, NEIGHBOUR_SCHOOLS, REGION, SCHOOLS
from schools.models import Municipality

SEED = 6401
WEAK = {"sch640111", "sch640113", "sch640116"}  # clearly weak results
STRONG = {"sch640104", "sch640101"}
INFLATED_JOURNAL = {"sch640107", "sch640119"}  # journal marks far above the ВПР marks
VPR_SUBJECTS = ("Русский язык", "Математика")
VPR_TASKS = 10
YEARS = (2025, 2026)
KDR_WAVES = ((2024, (4,)), (2025, (4, 6)), (2026, (4, 6)))
LETTERS = "АБВ"


def _school_level(code: str) -> float:
    if code in WEAK:
        return -1.1
    if code in STRONG:
        return 0.7
    return (int(code[-2:]) % 5 - 2) * 0.15


def _pupils(code: str, enrolment: int, grade: int, year: int) -> list[tuple[str, str]]:
    """(participant code, class) of a school's grade in a year; the code follows the child from
    grade to grade (it is built from the year the cohort entered grade 1)."""
    size = max(4, round(enrolment / 11 * 0.9))
    cohort = year - grade + 1
    classes = max(1, (size + 24) // 25)
    return [
        (f"{code[-4:]}{cohort % 100:02d}{number:03d}", f"{grade}{LETTERS[number % classes]}") for number in range(size)
    ]


def _ability(rng: random.Random, code: str, participant: str) -> float:
    # A child's own ability is stable across years (seeded by the code), the day adds noise.
    personal = random.Random(f"{SEED}-{participant}").gauss(0, 0.9)
    return _school_level(code) + personal + rng.gauss(0, 0.35)


def _mark(ability: float) -> int:
    # Thresholds give an ordinary school about 7 % of «2» and most schools a green or yellow zone
    # under the example method; the WEAK schools land in the red one.
    if ability < -1.45:
        return 2
    if ability < -0.2:
        return 3
    if ability < 0.9:
        return 4
    return 5


def _has_ovz(participant: str) -> bool:
    """About one child in twenty has ОВЗ; a child's own random stream, so the marks do not change."""
    return random.Random(f"{SEED}-ovz-{participant}").random() < 0.05


def _vpr_rows(rng: random.Random, year: int, schools=SCHOOLS) -> list[list]:
    rows = []
    for code, _name, _address, _rural, enrolment, _head in schools:
        for grade in range(4, 9):
            for subject in VPR_SUBJECTS:
                for participant, class_name in _pupils(code, enrolment, grade, year):
                    if rng.random() < 0.04:
                        rows.append(
                            [code, class_name, subject, participant, *[""] * VPR_TASKS, "", "", "", "", "отсутствовал"]
                        )
                        continue
                    ability = _ability(rng, code, participant)
                    share = min(1.0, max(0.0, 0.55 + ability * 0.2))
                    tasks = [1 if rng.random() < share else 0 for _ in range(VPR_TASKS - 2)]
                    tasks += [rng.choice((0, 1, 2)) if rng.random() < share else 0 for _ in range(2)]
                    mark = _mark(ability)
                    if code in INFLATED_JOURNAL:
                        journal = min(5, mark + rng.choice((1, 1, 2, 2, 0)))
                    else:
                        shift = rng.choice((1, -1)) if rng.random() < 0.1 else 0  # an honest journal
                        journal = min(5, max(2, mark + shift))
                    ovz = "да" if _has_ovz(participant) else ""
                    rows.append([code, class_name, subject, participant, *tasks, sum(tasks), mark, journal, ovz, ""])
    return rows


def _vpr_workbook(rng: random.Random, year: int, schools=SCHOOLS, place: str = MUNICIPALITY) -> bytes:
    header = [
        "Логин ОО",
        "Класс",
        "Предмет",
        "Код участника",
        *map(str, range(1, VPR_TASKS + 1)),
        "Первичный балл",
        "Отметка",
        "Отметка по журналу",
        "ОВЗ",
        "Статус",
    ]
    title = f"Результаты ВПР {year} года, {place}"
    return _workbook(title, header, _vpr_rows(rng, year, schools))


def _oge_workbook(rng: random.Random, year: int, schools=SCHOOLS) -> bytes:
    header = ["Код ОО", "Класс", "Предмет", "Код участника", "Первичный балл", "Отметка"]
    rows = []
    for code, _name, _address, _rural, enrolment, _head in schools:
        for subject, maximum in (("Русский язык", 33), ("Математика", 31)):
            for participant, class_name in _pupils(code, enrolment, 9, year):
                ability = _ability(rng, code, participant)
                score = max(0, min(maximum, round(maximum * (0.55 + ability * 0.18))))
                rows.append([code, class_name, subject, participant, score, _mark(ability)])
    return _workbook(f"Результаты ОГЭ {year}", header, rows)


def _ege_workbook(rng: random.Random, year: int, schools=SCHOOLS) -> bytes:
    header = ["Код ОО", "Класс", "Предмет", "Код участника", "Первичный балл", "Тестовый балл"]
    rows = []
    for code, _name, _address, _rural, enrolment, _head in schools:
        if "ООШ" in _name:
            continue  # basic schools have no grade 11
        pupils = _pupils(code, max(44, enrolment // 2), 11, year)
        for subject, centre in (("Русский язык", 68), ("Математика профильная", 52)):
            for participant, class_name in pupils:
                if subject.startswith("Математика") and rng.random() < 0.45:
                    continue  # about half choose base mathematics, not in this file
                ability = _ability(rng, code, participant)
                test = max(5, min(100, round(centre + ability * 16)))
                rows.append([code, class_name, subject, participant, max(0, round(test / 2.2)), test])
    return _workbook(f"Результаты ЕГЭ {year}", header, rows)


def _kdr_workbook(rng: random.Random, year: int, grades: tuple[int, ...], schools=SCHOOLS) -> bytes:
    header = ["Код ОО", "Класс", "Код участника", "Первичный балл", "Уровень", "Контрольная группа"]
    levels = ["недостаточный", "пониженный", "базовый", "повышенный"]
    rows = []
    for code, _name, _address, _rural, enrolment, _head in schools:
        for grade in grades:
            for participant, class_name in _pupils(code, enrolment, grade, year):
                ability = _ability(rng, code, participant)
                level = 0 if ability < -1.6 else 1 if ability < -0.8 else 2 if ability < 0.9 else 3
                score = max(0, min(24, round(12 + ability * 5)))
                rows.append(
                    [code, class_name, participant, score, levels[level], "да" if rng.random() < 0.1 else "нет"]
                )
    return _workbook(f"КДР «Читательская грамотность» {year}", header, rows)


def _workbook(title: str, header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Результаты"
    sheet.append([title])  # a title row above the header, as in the files the district receives
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(safe_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return deterministic_workbook(buffer.getvalue())


def demo_files(schools=SCHOOLS, place: str = MUNICIPALITY, seed: int = SEED) -> list[dict]:
    """Every demo workbook with what the methodist would choose on the upload page."""
    files = []
    for year in YEARS:
        rng = random.Random(f"{seed}-{year}")
        files.append(
            {"kind": "vpr", "year": year, "subject": "", "name": f"ВПР-{year}.xlsx",
             "data": _vpr_workbook(rng, year, schools, place)}
        )  # fmt: skip
        files.append(
            {"kind": "oge", "year": year, "subject": "", "name": f"ОГЭ-{year}.xlsx",
             "data": _oge_workbook(rng, year, schools)}
        )  # fmt: skip
        files.append(
            {"kind": "ege", "year": year, "subject": "", "name": f"ЕГЭ-{year}.xlsx",
             "data": _ege_workbook(rng, year, schools)}
        )  # fmt: skip
    for year, grades in KDR_WAVES:
        rng = random.Random(f"{seed}-kdr-{year}")
        files.append(
            {
                "kind": "kdr",
                "year": year,
                "subject": "Читательская грамотность",
                "name": f"КДР-ЧГ-{year}.xlsx",
                "data": _kdr_workbook(rng, year, grades, schools),
            }
        )
    return files


def _import_files(municipality, files, user) -> tuple[int, int]:
    """Imports the files through the importer; (files imported, rows imported), a file already
    imported (same checksum) counting nothing."""
    imports = rows = 0
    for item in files:
        result_import = result_import_create(
            municipality=municipality,
            data=item["data"],
            filename=item["name"],
            kind=item["kind"],
            year=item["year"],
            subject=item["subject"],
            user=user,
        )
        outcome = result_import_apply(result_import=result_import)
        if result_import.status == ResultImport.Status.DUPLICATE:
            # Nothing changed: the record of this attempt is not worth keeping in the demo.
            result_import.file.delete(save=False)
            result_import.delete()
            continue
        if result_import.status != ResultImport.Status.IMPORTED:
            raise RuntimeError(f"Демонстрационный файл {item['name']} не импортирован: {outcome.problems[:3]}")
        imports += 1
        rows += outcome.imported
    return imports, rows


#: The neighbouring district's three schools write the same procedures (seeded apart): the region
#: then has two municipalities to compare on «Показатели региона».
NEIGHBOUR_SEED = 6411


def load_demo_results() -> dict[str, int]:
    created = {"минимальных баллов ЕГЭ": ege_min_scores_load(), "загрузок": 0, "результатов": 0}
    municipality = Municipality.objects.get(region=REGION, name=MUNICIPALITY)
    user = get_user_model().objects.filter(username="methodist").first()
    created["загрузок"], created["результатов"] = _import_files(municipality, demo_files(), user)
    neighbour = Municipality.objects.filter(region=REGION, name=NEIGHBOUR).first()
    if neighbour is not None:
        files = demo_files(NEIGHBOUR_SCHOOLS, NEIGHBOUR, NEIGHBOUR_SEED)
        created["загрузок соседнего района"], created["результатов соседнего района"] = _import_files(
            neighbour, files, None
        )
    return created


# What this app adds to `load_demo`, in order: the results, then their analysis, then the ШНРО/ШНСУ
# identification read from the analysis's indicator values (the command runs the apps in
# INSTALLED_APPS order).
DEMO = [load_demo_results, load_demo_inschool, load_demo_analysis, load_demo_identification, load_demo_clusters]
