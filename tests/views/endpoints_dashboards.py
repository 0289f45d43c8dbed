"""Declarations: 领导驾驶舱 (the page and its full-screen mode). The numbers' scope and drill-downs
are tested in dashboards/tests/test_cockpit.py; here: the insider (甲一县's leader) gets the page,
others get 403 or a page without 甲一县's records."""

from core.testing.views import LISTING, Endpoint

LEADER = "county_a_leader"

DASHBOARDS = [
    Endpoint("dashboards:cockpit", scope=LISTING, insider=LEADER, shows="领导驾驶舱"),
    Endpoint("dashboards:cockpit_screen", scope=LISTING, insider=LEADER, shows="退出全屏"),
]
