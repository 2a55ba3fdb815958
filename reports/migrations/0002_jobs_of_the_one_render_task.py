"""The three render tasks became one (reports.render_document, issue 19 part 5). Jobs kept from before —
a failed one offered «Повторить», a stranded one sent again — name a task that no longer exists: they
are rewritten to the one task with the same document. Reversed, they are written back."""

from django.db import migrations

OLD = {
    "reports.render_roadmap_pdf": "roadmap_pdf",
    "reports.render_order_pdf": "order_pdf",
    "reports.render_execution_report": None,  # execution_pdf or execution_xlsx, by its format
}
NEW = "reports.render_document"
PERIOD = ("date_from", "date_to", "as_of")


def to_one_task(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    for job in Job.objects.filter(task_name__in=list(OLD)):
        old = job.task_kwargs
        kind = OLD[job.task_name] or f"execution_{old.get('format', 'pdf')}"
        job.task_kwargs = {
            "kind": kind,
            "roadmap_id": old.get("roadmap_id"),
            "order_id": old.get("order_id"),
            "user_id": old.get("user_id"),
            "params": {name: old[name] for name in PERIOD if name in old},
        }
        job.task_name = NEW
        job.save(update_fields=["task_name", "task_kwargs"])


def to_three_tasks(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    for job in Job.objects.filter(task_name=NEW):
        new = job.task_kwargs
        kind = new["kind"]
        if kind.startswith("execution_"):
            task, kwargs = "reports.render_execution_report", {**new["params"], "format": kind.split("_")[1]}
            kwargs["roadmap_id"] = new["roadmap_id"]
        elif kind == "order_pdf":
            task, kwargs = "reports.render_order_pdf", {"order_id": new["order_id"]}
        elif kind == "roadmap_pdf":
            task, kwargs = "reports.render_roadmap_pdf", {"roadmap_id": new["roadmap_id"]}
        else:  # the roadmap's workbook had no task before: its job cannot be written back
            job.delete()
            continue
        job.task_name, job.task_kwargs = task, {**kwargs, "user_id": new.get("user_id")}
        job.save(update_fields=["task_name", "task_kwargs"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("jobs", "0003_sends")]

    operations = [migrations.RunPython(to_one_task, to_three_tasks)]
