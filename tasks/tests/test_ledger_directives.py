"""上级部署 pages (R-DEC-1): scoped searchable list, create through the service, detail with its tasks."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core import clock
from core.testing import make_task
from tasks.models import Directive, Task
from tasks.services import directive_create

pytestmark = pytest.mark.django_db

LIST = reverse("tasks:directive_list")
CREATE = reverse("tasks:directive_create")


def make(org, unit="city_a", actor="city_a_supervisor", title="甲市医共体建设推进会", **kw):
    return directive_create(
        actor=org.user(actor),
        org_unit=org.units[unit],
        kind=kw.get("kind", "meeting"),
        title=title,
        doc_number=kw.get("doc_number", ""),
        issuer=kw.get("issuer", "甲市卫生健康委员会"),
        issued_on=clock.today(),
    )


def test_pages_need_login(org, client):
    d = make(org)
    for url in (LIST, CREATE, reverse("tasks:directive_detail", args=[d.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("org:login") in response["Location"]


def test_list_is_scoped_and_searchable(org, login):
    mine = make(org, title="甲市医共体建设推进会", doc_number="甲卫办〔2026〕1号")
    make(
        org,
        unit="city_b",
        actor="prov_supervisor",
        title="乙市病媒生物防治部署会",
        issuer="乙市卫生健康委员会",
    )
    client = login(org.user("city_a_supervisor"))
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.title in html and "乙市病媒生物防治部署会" not in html
    assert list(client.get(LIST, {"q": "甲卫办"}).context["page_obj"]) == [mine]
    assert list(client.get(LIST, {"q": "病媒"}).context["page_obj"]) == []
    assert list(client.get(LIST, {"kind": "document"}).context["page_obj"]) == []
    assert len(login(org.user("prov_supervisor")).get(LIST).context["page_obj"]) == 2


def test_detail_of_a_directive_outside_the_scope_is_404(org, login):
    d = make(org)
    url = reverse("tasks:directive_detail", args=[d.pk])
    assert login(org.user("county_c_clerk")).get(url).status_code == 404
    assert login(org.user("city_a_supervisor")).get(url).status_code == 200


def test_detail_lists_the_tasks_the_user_may_see_with_lights(org, login):
    d = make(org, unit="province", actor="prov_supervisor", title="全省家庭医生签约服务推进会")
    a = make_task(org, lead="county_a", title="甲一县签约扩面")
    b = make_task(org, lead="county_b", title="甲二县签约扩面")
    Task.objects.filter(pk__in=[a.pk, b.pk]).update(directive=d)
    url = reverse("tasks:directive_detail", args=[d.pk])
    response = login(org.user("prov_supervisor")).get(url)
    assert [t.code for t in response.context["tasks"]] == [a.code, b.code]
    assert "绿：正常推进" in response.content.decode()
    assert f"{reverse('tasks:task_list')}?directive={d.pk}" in response.content.decode()


def test_create_through_the_service_with_audit(org, login):
    client = login(org.user("city_a_supervisor"))
    page = client.get(CREATE)
    assert page.status_code == 200
    assert [v for v, _ in page.context["form"].fields["org_unit"].choices] == [org.units["city_a"].pk]
    response = client.post(
        CREATE,
        {
            "org_unit": org.units["city_a"].pk,
            "kind": "document",
            "title": "关于开展病媒生物防治的通知",
            "doc_number": "甲卫发〔2026〕8号",
            "issuer": "甲市卫生健康委员会",
            "issued_on": "2026-03-01",
            "text": "摘要",
        },
    )
    d = Directive.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "tasks:directive_detail", args=[d.pk]
    )
    assert d.org_unit == org.units["city_a"]
    assert AuditEvent.objects.filter(action="tasks.directive.created").count() == 1


def test_create_keeps_input_and_shows_chinese_errors(org, login):
    client = login(org.user("city_a_supervisor"))
    response = client.post(
        CREATE, {"org_unit": org.units["city_a"].pk, "kind": "document", "title": "半截标题"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "半截标题" in html
    assert "请填写发文/部署机关" in html and "请填写日期" in html
    assert not Directive.objects.exists()
    # a unit outside the user's grants is refused
    response = client.post(
        CREATE,
        {
            "org_unit": org.units["city_b"].pk,
            "kind": "document",
            "title": "越权登记",
            "issuer": "某单位",
            "issued_on": "2026-03-01",
        },
    )
    assert response.status_code == 200 and not Directive.objects.exists()


def test_clerk_cannot_create(org, login):
    assert login(org.user("county_a_clerk")).get(CREATE).status_code == 403


def _list_queries(org, login, n, django_assert_num_queries):
    for i in range(n):
        make(org, title=f"部署{i}")
    client = login(org.user("city_a_supervisor"))
    with django_assert_num_queries(DIRECTIVE_LIST_QUERIES):
        response = client.get(LIST, {"q": "部署"})
    assert len(response.context["page_obj"]) == min(n, 20)


DIRECTIVE_LIST_QUERIES = 11


def test_directive_list_query_count_at_5_rows(org, login, django_assert_num_queries):
    _list_queries(org, login, 5, django_assert_num_queries)


def test_directive_list_query_count_at_20_rows(org, login, django_assert_num_queries):
    _list_queries(org, login, 20, django_assert_num_queries)
