"""Declarations: 进展报告 (report, approve), attachments (upload, download), 迟报 and 报表负担."""

from core.testing.views import LISTING, MARK, Endpoint, pk, rows, value
from files.models import Attachment
from reporting.models import ProgressReport
from tasks.tests.support_actions import pdf

HEAD = "county_a_head"


REPORTING = [
    Endpoint(
        "reporting:report_create",
        pk("assignment", "assignment_pk"),
        shows=f"{MARK}任务",
        valid=lambda w: {"progress": "40", "work_done": "已完成摸底"},
        state=rows(ProgressReport),
        invalid=lambda w: {"progress": "150", "work_done": "已完成摸底"},
    ),
    Endpoint(
        "reporting:report_approve",
        pk("report"),
        insider=HEAD,
        get=None,
        valid=lambda w: {},
        state=value("report", "status"),
        why="invalid: a button without fields",
    ),
    Endpoint(
        "reporting:attachment_upload",
        pk("assignment", "assignment_pk"),
        shows=f"{MARK}任务",
        valid=lambda w: {"purpose": "evidence", "files": [pdf()]},
        state=rows(Attachment),
        invalid=lambda w: {"purpose": "evidence"},  # no file chosen
    ),
    Endpoint("files:attachment_download", pk("attachment"), why="shows: a file, not a page"),
    Endpoint("reporting:late_list", scope=LISTING, insider=HEAD),
    Endpoint("reporting:burden", scope=LISTING, insider=HEAD),
]
