"""Queue jobs of dashboards: the daily snapshot of the cockpit's counts (its trend's history)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from dashboards import services


def run_snapshot() -> int:
    return services.take_snapshot()


# at 23:50, when the day's reports and decisions are in
snapshot_periodic = db_periodic_task(crontab(hour="23", minute="50"))(run_snapshot)
