"""A generated world for the cockpit's tests: tasks led by every unit of the test organisation in
random states (through the services, then their rolled-up fields set at random), problems in
every state, and a few days of snapshots."""

from __future__ import annotations

import datetime as dt
import random

from core import clock
from core.testing import make_task
from rectification.tests.factories import bulk_problems
from tasks.choices import Cadence, TaskStatus
from tasks.models import Task, TaskCategory

LEADS = ["province", "city_a", "county_a", "inst_a", "county_b", "city_b", "county_c", "dept_supervision"]
STATES = [
    TaskStatus.ASSIGNED,
    TaskStatus.SIGNED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.COMPLETION_REQUESTED,
    TaskStatus.COMPLETED,
]


def build(org, *, seed: int = 7, per_unit: int = 3) -> list[Task]:
    rng = random.Random(seed)
    today = clock.today()
    cats = list(TaskCategory.objects.order_by("pk"))
    tasks = []
    for lead in LEADS:
        for i in range(per_unit):
            task = make_task(
                org,
                title=f"{lead}任务{i}",
                lead=lead,
                days=rng.randint(20, 90),
                start_offset=-rng.randint(0, 80),
            )
            tasks.append(task)
    for task in tasks:
        status = rng.choice(STATES)
        start = task.start_date
        due = start + dt.timedelta(days=rng.randint(5, 90))
        reported = rng.choice([None, None, start + dt.timedelta(days=rng.randint(0, 30))])
        if reported and reported > today:
            reported = today
        Task.objects.filter(pk=task.pk).update(
            status=status,
            due_date=due,
            progress=rng.randint(0, 100),
            last_report_on=reported,
            cadence=rng.choice([Cadence.WEEKLY, Cadence.BIWEEKLY, Cadence.MONTHLY]),
            category=rng.choice(cats),
            completed_on=(start + dt.timedelta(days=rng.randint(3, 100)))
            if status == TaskStatus.COMPLETED
            else None,
        )
    for unit in ("county_a", "county_b", "city_a", "county_c", "inst_a"):
        for status in ("pending", "in_progress", "rectified", "closed"):
            bulk_problems(
                org,
                rng.randint(1, 2),
                unit=unit,
                status=status,
                deadline=today + dt.timedelta(days=rng.choice([-5, 10])),
                rectified_on=today - dt.timedelta(days=1) if status == "rectified" else None,
            )
    return tasks
