"""Issue 8, item 11: on a 375 px phone the 工作台 does not scroll sideways — long titles wrap inside
their card (two lines at most, the full title on hover), on the demo province's accounts."""

import io

import pytest
from django.core.management import call_command

from demo.data import DEMO_PASSWORD
from tasks.models import Task
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_workbench_fits_a_phone(new_page, shots):
    call_command("load_demo", "--small", stdout=io.StringIO())
    long_titles = [t for t in Task.objects.values_list("title", flat=True) if len(t) >= 30]
    assert long_titles  # the demo has titles far wider than a phone
    for username in ("dhs_cg_fuzeren", "dhs_cg_rmyy_lianluoyuan", "sf_duchayuan"):
        page = new_page(375, 812)
        login(page, username, DEMO_PASSWORD)
        assert "工作台" in page.title()
        html = page.content()
        assert any(t in html for t in long_titles), username  # a long title is on the page
        width = page.evaluate("document.scrollingElement.scrollWidth")
        shots(page, f"workbench_375_{username}")
        assert width <= 375, (username, width)
