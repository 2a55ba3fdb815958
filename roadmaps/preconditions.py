"""What building roadmaps from the catalogue needs, each check returning None or the Russian message
that names what is missing and the command or page that supplies it (see config.lib.preconditions)."""

from roadmaps.models import (
    CycleStage,
    Direction,
    EvidenceKind,
    ExecutorKind,
    FunctionType,
    StageRule,
    StepTemplate,
)

LOAD_CATALOGUE = "python manage.py load_catalogue"

# Every kind of entry `load_catalogue` supplies, as the catalogue page names it.
CATALOGUE_PARTS = (
    (Direction, "направления"),
    (FunctionType, "типы функций"),
    (StepTemplate, "стандартные шаги"),
    (CycleStage, "этапы цикла"),
    (ExecutorKind, "виды исполнителей"),
    (EvidenceKind, "виды документов"),
)


def roadmap_catalogue() -> str | None:
    """Direction sections, function sections with their standard steps, executor and evidence
    kinds, the Excel import: all are read from it."""
    empty = [label for model, label in CATALOGUE_PARTS if not model.objects.exists()]
    if not empty:
        return None
    return (
        f"Справочники дорожных карт не загружены (пусто: {', '.join(empty)}): выполните {LOAD_CATALOGUE} "
        "(страница «Справочники» покажет загруженное)."
    )


def function_type_steps(function_type: FunctionType) -> str | None:
    if function_type.steps.exists():
        return None
    return (
        f"У типа функции «{function_type.title}» нет стандартных шагов: выполните {LOAD_CATALOGUE} "
        "или добавьте шаги в администрировании («Типы функций»)."
    )


def stage_rules() -> str | None:
    """The self-assessment scores each stage of the cycle by its rule: without rules nothing scores."""
    if StageRule.objects.exists():
        return None
    return (
        f"Правила самооценки этапов не загружены: выполните {LOAD_CATALOGUE} "
        "или задайте их в администрировании («Правила самооценки этапов»)."
    )
