from celery import shared_task

from config.jobs.services import jobs_fail_abandoned, jobs_resend_queued


@shared_task(name="jobs.housekeeping")
def jobs_housekeeping() -> dict:
    """Every few minutes (beat): fail jobs whose worker died, resend jobs the broker missed."""
    return {"failed": jobs_fail_abandoned(), "resent": jobs_resend_queued()}
