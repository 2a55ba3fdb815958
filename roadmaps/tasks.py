"""Celery tasks of execution: adapters that call the services."""

from celery import shared_task

from roadmaps.execution.services import notify_roadmap_assignments, reminders_send
from roadmaps.models import Roadmap


@shared_task(name="roadmaps.send_reminders")
def send_reminders_task(job_id: int | None = None) -> dict[str, int]:
    """The daily reminders (Celery beat): notifications, one digest per person.

    Safe to run more than once a day: every notification has a dedupe key and every e-mail goes
    out only for notifications not mailed yet."""
    if job_id is None:
        return reminders_send()
    from config.jobs.services import job_running, job_set_result

    with job_running(job_id) as progress:
        result = reminders_send()
        progress(1, 1)
        job_set_result(job_id=job_id, result=result, message=_summary(result))
    return result


def _summary(result: dict[str, int]) -> str:
    return f"Уведомлений: {result['notifications']}, писем: {result['emails']}"


@shared_task(name="roadmaps.notify_roadmap_assignments")
def notify_roadmap_assignments_task(roadmap_id: int) -> int:
    """After a roadmap's approval commits: the organisations hear of the measures they now execute.
    Running it twice notifies nobody twice (dedupe keys)."""
    return notify_roadmap_assignments(roadmap=Roadmap.objects.get(pk=roadmap_id))
