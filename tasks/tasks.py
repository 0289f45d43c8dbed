"""Queue jobs of the task domain (Huey). The business logic lives in services; a job only calls it.

`run_reminders()` is a plain function (tests and the queue test call it directly); the periodic
task runs it every 10 minutes in the consumer (embedded in `manage.py serve`, or a separate
`manage.py run_huey` worker in production).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from tasks.reminders import reminders_scan


def run_reminders() -> dict:
    """Reminders 7 and 1 days before due dates and on the day an item turns red (R-WRN-1b)."""
    return reminders_scan(today=clock.today())


reminders_periodic = db_periodic_task(crontab(minute="*/10"))(run_reminders)
