"""Queue jobs of escalation (Huey). The business logic lives in services; a job only calls it.

`run_ladder()` is a plain function (tests call it directly); the periodic task runs it every
morning at 08:15 in the consumer — after the reminders (every 10 minutes) and the problems'
ladder (08:05) — so each red assignment climbs 提醒 → 催办 → 督办单 as its days red grow, each
step once per red spell (escalation.services).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from escalation.services import ladder_scan


def run_ladder() -> dict:
    return ladder_scan(today=clock.today())


ladder_periodic = db_periodic_task(crontab(hour="8", minute="15"))(run_ladder)
