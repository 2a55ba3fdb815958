"""Hand-computed fixture shared by the monitoring analysis tests (imported by path, not a package)."""

from monitoring.models import Assessment, EgeMinScore, StudentResult

L = StudentResult.Level


def add_results(
    assessment, organization, marks=(), journal=None, levels=None, control=None, classes=None, codes=None, scores=None
):
    """Student rows from parallel lists (no names: pseudonymous codes only)."""
    count = max(len(marks), len(levels or ()), len(scores or ()))
    rows = []
    for i in range(count):
        rows.append(
            StudentResult(
                assessment=assessment,
                organization=organization,
                mark=marks[i] if i < len(marks) else None,
                journal_mark=journal[i] if journal else None,
                level=levels[i] if levels else "",
                control_group=bool(control[i]) if control else False,
                class_name=classes[i] if classes else "",
                participant_code=codes[i] if codes else "",
                test_score=scores[i] if scores else None,
            )
        )
    StudentResult.objects.bulk_create(rows)


def build_results(school_a, school_b):
    vpr = Assessment.objects.create(kind="vpr", year=2024, subject="Математика", grade=5)
    add_results(
        vpr, school_a,
        marks=[2, 2, 3, 3, 4, 4, 4, 5, 5, None],
        journal=[4, 2, 3, 4, 4, 3, 5, 5, 3, 4],
        classes=["5А"] * 5 + ["5Б"] * 5,
    )  # fmt: skip
    add_results(vpr, school_b, marks=[2, 3, 3, 3, 5], journal=[None, 3, 2, 5, 3])
    vpr_2023 = Assessment.objects.create(kind="vpr", year=2023, subject="Математика", grade=5)
    add_results(vpr_2023, school_a, marks=[2, 3, 3, 3])
    kdr = Assessment.objects.create(kind="kdr", year=2024, subject="Читательская грамотность", grade=6, scale="levels")
    add_results(
        kdr, school_a,
        levels=[L.INSUFFICIENT, L.LOW, L.BASE, L.HIGH, L.BASE, ""],
        control=[1, 0, 1, 0, 0, 0],
        codes=["P1", "P2", "P3", "P4", "P5", "P6"],
    )  # fmt: skip
    kdr4 = Assessment.objects.create(kind="kdr", year=2022, subject="Читательская грамотность", grade=4, scale="levels")
    add_results(kdr4, school_a, levels=[L.LOW, L.LOW, L.BASE], codes=["P1", "P2", "P3"])
    oge = Assessment.objects.create(kind="oge", year=2024, subject="Математика", grade=9)
    add_results(oge, school_a, marks=[2, 3, 4, 5, 5])
    add_results(oge, school_b, marks=[None, None])
    oge_2023 = Assessment.objects.create(kind="oge", year=2023, subject="Математика", grade=9)
    add_results(oge_2023, school_a, marks=[2, 2, 3, 3])
    EgeMinScore.objects.create(year=2024, subject="Русский язык", min_score=24)
    ege = Assessment.objects.create(kind="ege", year=2024, subject="Русский язык", grade=11, scale="test_scores")
    add_results(ege, school_a, scores=[20, 50, 61, 70])
    base = Assessment.objects.create(kind="ege", year=2024, subject="Математика (базовый уровень)", grade=11)
    add_results(base, school_a, marks=[3, 4, 5, 2])
