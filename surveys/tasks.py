"""Queue jobs of surveys (Huey). The business logic lives in services; a job only calls it.

`run_close_overdue()` is a plain function (tests call it directly); the periodic task runs it
every night at 00:10 in the consumer, so a round past its 截止日期 stops taking answers (结束收集,
surveys.distribution.close_overdue; the public write also refuses a sheet after the date).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock
from surveys.distribution import close_overdue


def run_close_overdue() -> int:
    return close_overdue(today=clock.today())


close_overdue_periodic = db_periodic_task(crontab(hour="0", minute="10"))(run_close_overdue)
