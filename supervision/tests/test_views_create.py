"""新建专项督查 as a new 督查员 meets it: the organiser defaults to the user's commission (a 督查室
acts for its 卫健委), 加选全部县级 then saves, the inspector list is a search box, and dates no one
means are refused."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from core import clock
from supervision.models import Campaign

pytestmark = pytest.mark.django_db

URL = reverse("supervision:campaign_create")


def _as_browser_posts(form) -> dict:
    """What the browser sends back for a rendered form: every field's current value."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def test_department_supervisor_gets_the_commission_and_all_counties_save(org, login):
    client = login(org.user("prov_supervisor"))  # works in 督查室, a department of 省卫健委
    page = client.get(URL)
    form = page.context["form"]
    assert str(form["org_unit"].value()) == str(org.units["province"].pk)
    html = page.content.decode()
    assert re.search(
        rf'<option value="{org.units["province"].pk}" selected>示范省卫生健康委员会</option>', html
    )
    # 加选全部县级, as the button does: the form comes back with every county chosen
    data = _as_browser_posts(form) | {"theme": "县级卫健局安全生产专项督查", "kind": "open", "pick": "county"}
    form = client.post(URL, data).context["form"]
    counties = {org.units[k].pk for k in ("county_a", "county_b", "county_c")}
    assert {int(v) for v in form["target_pool"].value()} == counties
    # then 创建: saved, organised by the commission, no scope error
    data = _as_browser_posts(form)
    data.pop("pick", None)
    response = client.post(URL, data)
    assert response.status_code == 302, response.context["form"].errors
    campaign = Campaign.objects.get()
    assert campaign.org_unit == org.unit("province")
    assert set(campaign.target_pool.values_list("pk", flat=True)) == counties


def test_commission_staff_default_to_their_own_commission(org, login):
    page = login(org.user("city_a_supervisor")).get(URL)
    assert str(page.context["form"]["org_unit"].value()) == str(org.units["city_a"].pk)


def test_inspector_pool_is_a_search_box(org, login):
    html = login(org.user("prov_supervisor")).get(URL).content.decode()
    select = re.search(r"<select[^>]*name=\"inspector_pool\"[^>]*>", html).group(0)
    assert 'data-search="person"' in select and "multiple" in select
    assert 'data-placeholder="输入姓名或单位搜索"' in select
    assert "按住 Ctrl" not in html and "输入姓名或单位名称搜索" in html


@pytest.mark.parametrize(
    "start, end, message",
    [
        ("1900-01-01", "1900-02-01", "日期1900-01-01超出合理范围"),
        ("2026-01-01", "9999-12-31", "日期9999-12-31超出合理范围"),
    ],
)
def test_campaign_period_outside_a_sane_window_is_refused(org, login, start, end, message):
    client = login(org.user("city_a_supervisor"))
    data = {
        "org_unit": org.units["city_a"].pk,
        "theme": "不合理日期的督查",
        "kind": "open",
        "start_date": start,
        "end_date": end,
    }
    response = client.post(URL, data)
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert message in response.content.decode()


def test_campaign_model_refuses_the_dates_too(org):
    from django.core.exceptions import ValidationError

    from supervision import services

    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            actor=org.user("city_a_supervisor"),
            org_unit=org.unit("city_a"),
            theme="不合理日期的督查",
            kind="open",
            start_date=dt.date(1900, 1, 1),
            end_date=clock.today(),
        )
    assert "start_date" in exc.value.message_dict
    assert not Campaign.objects.exists()
