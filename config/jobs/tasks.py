from celery import shared_task

from config.jobs.services import jobs_fail_abandoned, jobs_resend_stranded
from config.lib.uploads import upload_leftovers_delete


@shared_task(name="jobs.housekeeping")
def jobs_housekeeping() -> dict:
    """Every few minutes (beat): fail jobs whose worker died, send again jobs whose message was lost
    (or fail them after JOBS_MAX_SENDS sends), delete what uploads cut short left behind."""
    failed = jobs_fail_abandoned()
    resent, undelivered = jobs_resend_stranded()
    return {
        "failed": failed,
        "resent": resent,
        "undelivered": undelivered,
        "upload_leftovers": upload_leftovers_delete(),
    }
