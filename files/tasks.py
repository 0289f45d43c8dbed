"""Queue jobs of files: the daily sweep of orphan attachment files (R-SEC-4 residual data)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from files.services import attachment_sweep_orphans


def sweep_orphans() -> int:
    return len(attachment_sweep_orphans())


sweep_orphans_periodic = db_periodic_task(crontab(minute="17", hour="3"))(sweep_orphans)
