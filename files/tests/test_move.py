"""The move of Attachment from reporting to files keeps every row and every link: the old foreign
keys (assignment, report, milestone) become the owners' many-to-many links, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("reporting", "0003_attachment_used_as_evidence"),
    ("tasks", "0008_date_validators"),
    ("rectification", "0006_problem_date_validators"),
]
AFTER = [("files", "0002_remove_owner_links")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_links_survive_the_move(org):
    from core.testing import make_task
    from tasks.models import Assignment

    task = make_task(org, lead="county_a")
    assignment_pk = Assignment.objects.get(task=task).pk
    user_pk, unit_pk = org.user("county_a_clerk").pk, org.units["county_a"].pk
    try:
        old = _migrate(BEFORE)
        Old = old.get_model("reporting", "Attachment")
        Report = old.get_model("reporting", "ProgressReport")
        Milestone = old.get_model("tasks", "Milestone")
        now = "2026-12-01T08:00:00+08:00"
        report = Report.objects.create(
            assignment_id=assignment_pk, org_unit_id=unit_pk, period_start="2026-11-25",
            period_end="2026-12-01", progress=10, work_done="w", submitted_by_id=user_pk,
            submitted_at=now, submitted_on="2026-12-01",
        )  # fmt: skip
        ms = Milestone.objects.create(task_id=task.pk, title="节点", due_date="2026-12-31")

        def att(name, **links):
            return Old.objects.create(
                org_unit_id=unit_pk, original_name=name, content_type="application/pdf", size=1,
                sm3="0" * 64, storage_name=name, uploaded_by_id=user_pk, uploaded_at=now, **links,
            ).pk  # fmt: skip

        evidence = att("evidence", assignment_id=assignment_pk, purpose="evidence")
        with_report = att("report", assignment_id=assignment_pk, report_id=report.pk)
        report_only = att("report-only", report_id=report.pk)
        milestone = att("milestone", milestone_id=ms.pk, purpose="milestone")

        new = _migrate(AFTER)
        Assignment_ = new.get_model("tasks", "Assignment")
        assert set(Assignment_.objects.get(pk=assignment_pk).attachments.values_list("pk", flat=True)) == {
            evidence, with_report, report_only,
        }  # fmt: skip
        report_files = new.get_model("reporting", "ProgressReport").objects.get(pk=report.pk).attachments
        assert set(report_files.values_list("pk", flat=True)) == {with_report, report_only}
        ms_files = new.get_model("tasks", "Milestone").objects.get(pk=ms.pk).attachments
        assert list(ms_files.values_list("pk", flat=True)) == [milestone]

        back = _migrate(BEFORE)
        rows = back.get_model("reporting", "Attachment").objects.order_by("pk")
        assert [(a.pk, a.assignment_id, a.report_id, a.milestone_id) for a in rows] == [
            (evidence, assignment_pk, None, None),
            (with_report, assignment_pk, report.pk, None),
            (report_only, assignment_pk, report.pk, None),  # it gains the report's assignment
            (milestone, None, None, ms.pk),
        ]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
