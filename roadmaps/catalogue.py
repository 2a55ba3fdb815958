"""Loading of the reference catalogue from the project's own copy of catalogue.yaml.

Idempotent: entries are found by their code and created when missing. Titles that an
administrator has edited are kept unless `update=True` asks to restore the shipped wording.
"""

from pathlib import Path

import yaml

from config.lib.fragments import ROADMAPS, writes
from roadmaps.models import (
    CycleStage,
    Direction,
    DirectionGroup,
    EvidenceKind,
    ExecutorKind,
    FunctionType,
    StageRequirement,
    StageRule,
    StepTemplate,
    Track,
)

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.yaml"


def catalogue_read(path: Path = CATALOGUE_FILE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _upsert(model, *, lookup: dict, values: dict, update: bool):
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created and update:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=changed)
    return obj, created


@writes(ROADMAPS)  # titles of directions, tracks and evidence kinds are printed in the plans
def catalogue_load(*, data: dict | None = None, update: bool = False) -> dict[str, int]:
    """Create the missing catalogue entries; return how many of each kind were created."""
    data = data or catalogue_read()
    created = dict.fromkeys(
        [
            "cycle_stages",
            "direction_groups",
            "directions",
            "tracks",
            "evidence_kinds",
            "executor_kinds",
            "function_types",
            "steps",
            "stage_rules",
        ],
        0,
    )

    def simple(model, key):
        objects = {}
        for order, item in enumerate(data[key], start=1):
            obj, was_created = _upsert(
                model, lookup={"code": item["code"]}, values={"title": item["title"], "order": order}, update=update
            )
            objects[item["code"]] = obj
            created[key] += was_created
        return objects

    stages = simple(CycleStage, "cycle_stages")
    groups = simple(DirectionGroup, "direction_groups")
    evidence = simple(EvidenceKind, "evidence_kinds")
    executors = simple(ExecutorKind, "executor_kinds")

    for order, item in enumerate(data["directions"], start=1):
        direction, was_created = _upsert(
            Direction,
            lookup={"code": item["code"]},
            values={"title": item["title"], "order": order, "group": groups[item["group"]], "is_federal": True},
            update=update,
        )
        created["directions"] += was_created
        for track_order, title in enumerate(item.get("tracks", []), start=1):
            _, was_created = _upsert(
                Track, lookup={"direction": direction, "title": title}, values={"order": track_order}, update=update
            )
            created["tracks"] += was_created

    for order, item in enumerate(data["function_types"], start=1):
        function_type, was_created = _upsert(
            FunctionType, lookup={"code": item["code"]}, values={"title": item["title"], "order": order}, update=update
        )
        created["function_types"] += was_created
        for step_order, step in enumerate(item["steps"], start=1):
            template, was_created = _upsert(
                StepTemplate,
                lookup={"function_type": function_type, "order": step_order},
                values={"stage": stages[step["stage"]], "text": step["text"], "deadline_text": step["deadline"]},
                update=update,
            )
            created["steps"] += was_created
            if was_created or update:
                template.executor_kinds.set([executors[code] for code in step.get("executors", [])])
                template.evidence_kinds.set([evidence[code] for code in step.get("evidence", [])])

    for item in data.get("self_assessment", []):
        created["stage_rules"] += _stage_rule_load(item, stages=stages, evidence=evidence, update=update)
    return created


def _stage_rule_load(item: dict, *, stages: dict, evidence: dict, update: bool) -> bool:
    """A stage's self-assessment rule with its requirements. An existing rule is an administrator's
    to edit: it is rewritten only when `update` asks for the shipped wording."""
    rule, created = _upsert(
        StageRule, lookup={"stage": stages[item["stage"]]}, values={"note": item.get("note", "")}, update=update
    )
    if created or update:
        rule.requirements.all().delete()
        for order, requirement in enumerate(item["requirements"], start=1):
            unknown = set(requirement["sources"]) - set(StageRequirement.Source.values)
            if unknown:
                raise ValueError(f"unknown self-assessment sources {sorted(unknown)} for stage {item['stage']}")
            row = StageRequirement.objects.create(rule=rule, order=order, sources=requirement["sources"])
            row.evidence_kinds.set([evidence[code] for code in requirement.get("evidence", [])])
    return created
