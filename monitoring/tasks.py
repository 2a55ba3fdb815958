"""Celery adapters of the result imports: load by primary key, call the service, report progress."""

from celery import shared_task

from config.jobs.models import Job
from config.jobs.services import job_enqueue, job_running, job_set_result, job_withdraw
from monitoring.models import ResultImport
from monitoring.services import (
    result_import_apply,
    result_import_preview,
    result_imports_depersonalise_legacy,
    result_imports_expire,
)

PREVIEW_TASK = "monitoring.tasks.result_import_preview_task"
APPLY_TASK = "monitoring.tasks.result_import_apply_task"


def _summary(outcome) -> dict:
    return {**outcome.as_json(), "problems": len(outcome.problems)}


@shared_task(name=PREVIEW_TASK)
def result_import_preview_task(job_id: int, import_id: int) -> None:
    with job_running(job_id) as progress:
        result_import = ResultImport.objects.get(pk=import_id)
        outcome = result_import_preview(result_import=result_import, progress=progress)
        job_set_result(job_id=job_id, result=_summary(outcome), message="Проверка завершена")


@shared_task(name=APPLY_TASK)
def result_import_apply_task(job_id: int, import_id: int, accept_partial: bool = False) -> None:
    with job_running(job_id) as progress:
        result_import = ResultImport.objects.get(pk=import_id)
        outcome = result_import_apply(result_import=result_import, accept_partial=accept_partial, progress=progress)
        job_set_result(job_id=job_id, result=_summary(outcome), message="Импорт завершён")


@shared_task(name="monitoring.imports_housekeeping")
def imports_housekeeping() -> dict:
    """Hourly (beat): delete the uploads never imported, older than IMPORT_PREVIEW_HOURS, with their
    files; then de-personalise a batch of the copies kept before uploads were de-personalised."""
    return {"expired": result_imports_expire(), "depersonalised": result_imports_depersonalise_legacy()}


def result_import_job_start(*, result_import: ResultImport, task_name: str, user, **kwargs) -> Job:
    """Create the job of a preview or an import (config.jobs) and link it to the import record. A job
    of the file still queued (stranded: the page let the person start another) is withdrawn first,
    so that its message, should it turn up, does nothing; if it has just started after all, it is the
    file's job and no second one is made."""
    if result_import.job_id and not job_withdraw(
        job_id=result_import.job_id, reason="Задание заменено новым, запущенным со страницы загрузки"
    ):
        return result_import.job
    title = ("Проверка файла " if task_name == PREVIEW_TASK else "Импорт файла ") + result_import.original_name
    job = job_enqueue(
        kind="results_import",
        title=title[:300],
        task_name=task_name,
        task_kwargs={"import_id": result_import.pk, **kwargs},
        user=user,
    )
    ResultImport.objects.filter(pk=result_import.pk).update(job=job)
    result_import.job = job
    return job
