"""The cockpit's bench cases: the province leader's and a county leader's 领导驾驶舱, each next to
one hand-written SQL query counting the tasks its charts count (by light, drafts left out); the
page's 任务总数 must equal the query's total."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse

from bench import measure
from bench.generate import BenchData
from org.models import User

TOTAL_RE = re.compile(
    rb'data-number="total">\s*<div class="card-body py-2">\s*<div[^>]*>[^<]*</div>\s*<div[^>]*>(\d+)</div>'
)


def page_total(content: bytes) -> int | None:
    found = TOTAL_RE.search(content)
    return int(found.group(1)) if found else None


def cockpit_cases(data: BenchData, today: dt.date, client_for, runs: int, province_path: str) -> list:
    """(name, page request, its SQL twin, runs, row check) of the two cockpits."""
    prov_client, county_client = client_for(data.province_leader), client_for(data.county_leader)
    url = reverse("dashboards:cockpit")

    def same(content, rows):
        return page_total(content) == sum(r[1] for r in rows)

    return [
        (
            "cockpit",
            lambda: prov_client.get(url),
            lambda: measure.cockpit_sql(province_path, today, whole_province=True),
            runs,
            same,
        ),
        (
            "cockpit_county",
            lambda: county_client.get(url),
            lambda: measure.cockpit_sql(data.county_path, today, whole_province=False),
            runs,
            same,
        ),
    ]


def logged_in(username: str) -> Client:
    client = Client(SERVER_NAME="localhost", raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client
