"""Queue jobs of rectification (Huey). The business logic lives in services; a job only calls it.

`run_escalation()` is a plain function (tests call it directly); the periodic task runs it every
morning at 08:05 in the consumer, so each overdue problem climbs the ladder of R-WRN-2
(提醒 → 催办 → 督办单 → 列入通报 → 建议问责) as its days overdue grow, each step once.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from rectification.services import escalation_scan


def run_escalation() -> int:
    return escalation_scan(today=clock.today())


escalation_periodic = db_periodic_task(crontab(hour="8", minute="5"))(run_escalation)
