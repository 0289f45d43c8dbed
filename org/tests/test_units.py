"""单位管理 pages (R-ORG-1, R-ORG-3): tree list, create, edit, move with history, scope."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from org import services
from org.choices import UnitKind
from org.models import Unit, UnitMove

pytestmark = pytest.mark.django_db


def test_unit_list_shows_tree_scoped_and_searchable(login, org):
    c = login(org.user("sysadmin"))
    r = c.get(reverse("org:unit_list"))
    html = r.content.decode()
    assert r.status_code == 200
    for name in ("示范省卫生健康委员会", "甲一县卫生健康局", "乙三县卫生健康局"):
        assert name in html
    assert (
        html.index("甲市卫生健康委员会") < html.index("甲一县卫生健康局") < html.index("乙市卫生健康委员会")
    )
    assert "新建单位" in html and "导入单位" in html
    r = c.get(reverse("org:unit_list"), {"q": "SF-A-1"})
    html = r.content.decode()
    assert "甲一县卫生健康局" in html and "乙三县卫生健康局" not in html


def test_unit_list_scope_for_a_county_user(login, org):
    c = login(org.user("county_b_clerk"))  # 联络员 at 甲二县 (view_unit on its own unit)
    html = c.get(reverse("org:unit_list")).content.decode()
    assert "甲二县卫生健康局" in html
    assert "甲一县卫生健康局" not in html and "乙三县卫生健康局" not in html
    assert "新建单位" not in html


def test_anonymous_redirected_and_no_permission_403(client, org, login):
    unit = org.units["county_a"]
    urls = [
        reverse("org:unit_list"),
        reverse("org:unit_create"),
        reverse("org:unit_detail", args=[unit.pk]),
        reverse("org:unit_update", args=[unit.pk]),
        reverse("org:unit_move", args=[unit.pk]),
        reverse("org:unit_import"),
        reverse("org:unit_import_template"),
    ]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("org:login")), url
    c = login(org.user("no_role"))
    for url in urls:
        assert c.get(url).status_code == 403, url


def test_only_sysadmin_changes_units(login, org):
    unit = org.units["county_a"]
    for name in ("secadmin", "auditor", "prov_supervisor", "county_a_head"):
        c = login(org.user(name))
        assert c.get(reverse("org:unit_update", args=[unit.pk])).status_code == 403, name
        assert c.post(reverse("org:unit_create"), {}).status_code == 403, name


def test_out_of_scope_unit_is_404(login, org, city_b_admins):
    c = login(city_b_admins["city_b_sys"])
    county_a = org.units["county_a"]
    assert c.get(reverse("org:unit_detail", args=[org.units["county_c"].pk])).status_code == 200
    for name in ("unit_detail", "unit_update", "unit_move"):
        assert c.get(reverse(f"org:{name}", args=[county_a.pk])).status_code == 404, name
    r = c.post(reverse("org:unit_update", args=[county_a.pk]), {"name": "改名", "kind": "county"})
    assert r.status_code == 404
    assert Unit.objects.get(pk=county_a.pk).name == "甲一县卫生健康局"
    html = c.get(reverse("org:unit_list")).content.decode()
    assert "乙三县卫生健康局" in html and "甲一县卫生健康局" not in html
    # cannot create under an out-of-scope parent: the choice is not offered
    r = c.post(
        reverse("org:unit_create"),
        {"parent": county_a.pk, "code": "X-1", "name": "越权单位", "kind": "institution"},
    )
    assert r.status_code == 200 and not Unit.objects.filter(code="X-1").exists()


def test_create_unit(login, org):
    c = login(org.user("sysadmin"))
    parent = org.units["county_a"]
    r = c.get(reverse("org:unit_create") + f"?parent={parent.pk}")
    assert r.status_code == 200
    r = c.post(
        reverse("org:unit_create"),
        {
            "parent": parent.pk,
            "code": "SF-A-1-CDC",
            "name": "甲一县疾病预防控制中心",
            "short_name": "甲一县疾控",
            "kind": UnitKind.INSTITUTION,
            "institution_type": "cdc",
            "sort_order": "3",
        },
    )
    unit = Unit.objects.get(code="SF-A-1-CDC")
    assert r.status_code == 302 and r["Location"] == reverse("org:unit_detail", args=[unit.pk])
    assert unit.parent == parent and unit.depth == parent.depth + 1 and unit.path.startswith(parent.path)
    assert AuditEvent.objects.filter(action="org.unit.created", object_id=str(unit.pk)).exists()


def test_create_unit_errors_keep_input(login, org):
    c = login(org.user("sysadmin"))
    r = c.post(
        reverse("org:unit_create"),
        {
            "parent": org.units["county_a"].pk,
            "code": "SF-A-1",
            "name": "重复编码的单位",
            "kind": "institution",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "已存在" in html
    assert 'value="重复编码的单位"' in html


def test_edit_unit(login, org):
    c = login(org.user("sysadmin"))
    unit = org.units["county_b"]
    r = c.get(reverse("org:unit_update", args=[unit.pk]))
    assert 'value="甲二县卫生健康局"' in r.content.decode()
    r = c.post(
        reverse("org:unit_update", args=[unit.pk]),
        {"name": "甲二县卫生健康局（新）", "short_name": "甲二县", "kind": "county", "sort_order": "2"},
    )
    assert r.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "甲二县卫生健康局（新）" and not unit.is_active  # unchecked box → 停用
    ev = AuditEvent.objects.filter(action="org.unit.updated").latest("seq")
    assert ev.changes["name"] == {"before": "甲二县卫生健康局", "after": "甲二县卫生健康局（新）"}


def test_move_subtree_keeps_history(login, org):
    c = login(org.user("sysadmin"))
    county_a, inst_a, city_b = org.units["county_a"], org.units["inst_a"], org.units["city_b"]
    r = c.get(reverse("org:unit_move", args=[county_a.pk]))
    html = r.content.decode()
    assert "乙市卫健委（SF-B）" in html
    # its own subtree is never offered as a new parent
    assert f'value="{inst_a.pk}"' not in html
    r = c.post(reverse("org:unit_move", args=[county_a.pk]), {"new_parent": city_b.pk})
    assert r.status_code == 302
    county_a.refresh_from_db()
    inst_a.refresh_from_db()
    assert county_a.parent == city_b and county_a.path.startswith(city_b.path)
    assert inst_a.path.startswith(county_a.path) and inst_a.depth == county_a.depth + 1
    move = UnitMove.objects.get(unit=county_a)
    assert move.old_parent == org.units["city_a"] and move.new_parent == city_b
    html = c.get(reverse("org:unit_detail", args=[county_a.pk])).content.decode()
    assert "迁移记录" in html and "甲市卫生健康委员会" in html and "乙市卫生健康委员会" in html


def test_move_into_own_subtree_refused(login, org):
    c = login(org.user("sysadmin"))
    r = c.post(
        reverse("org:unit_move", args=[org.units["city_a"].pk]), {"new_parent": org.units["inst_a"].pk}
    )
    assert r.status_code == 200
    assert Unit.objects.get(pk=org.units["city_a"].pk).parent == org.units["province"]


def test_unit_detail_lists_accounts(login, org):
    c = login(org.user("sysadmin"))
    html = c.get(reverse("org:unit_detail", args=[org.units["county_a"].pk])).content.decode()
    assert "county_a_clerk" in html and "钱联络" in html and "联络员" in html
    assert "甲一县中心卫生院" in html  # child units
    # a business user with view_unit but no view_user sees the unit, not its accounts
    c = login(org.user("county_a_head"))
    html = c.get(reverse("org:unit_detail", args=[org.units["county_a"].pk])).content.decode()
    assert "您无权查看本单位账号" in html and "county_a_clerk" not in html


def _make_units(org, n):
    parent = org.units["county_a"]
    for i in range(n):
        services.unit_create(
            actor=None,
            code=f"QC-{i:03d}",
            name=f"测试机构{i}",
            kind=UnitKind.INSTITUTION,
            parent=parent,
            audit=False,
        )


@pytest.mark.parametrize("n", [5, 50])
def test_unit_list_query_count_constant(login, org, n, django_assert_num_queries):
    _make_units(org, n)
    c = login(org.user("sysadmin"))
    with django_assert_num_queries(11):
        r = c.get(reverse("org:unit_list"), {"q": "QC-"})
    assert r.content.decode().count("测试机构") == n
