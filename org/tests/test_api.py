"""API: units and users, read-only, scoped like the pages; phones masked (R-API-1, R-SEC-5)."""

import pytest

pytestmark = pytest.mark.django_db


def test_users_api_scoped_and_masked(login, org, city_b_admins):
    c = login(org.user("sysadmin"))
    r = c.get("/api/v1/users/")
    assert r.status_code == 200
    rows = r.json()["results"]
    names = {u["username"] for u in rows}
    assert {"county_a_clerk", "county_c_clerk"} <= names
    clerk = next(u for u in rows if u["username"] == "county_a_clerk")
    assert clerk["phone"] == "138****8000"
    assert "13800138000" not in r.content.decode()
    assert clerk["roles"] == ["clerk@SF-A-1"]
    assert "password" not in clerk and "phone_encrypted" not in clerk

    c = login(city_b_admins["city_b_sys"])
    names = {u["username"] for u in c.get("/api/v1/users/").json()["results"]}
    assert "county_c_clerk" in names and "county_a_clerk" not in names
    assert c.get(f"/api/v1/users/{org.users['county_a_clerk'].pk}/").status_code == 404


def test_users_api_read_only_and_permission(client, login, org):
    assert client.get("/api/v1/users/").status_code in (401, 403)
    c = login(org.user("county_a_clerk"))  # no org.view_user
    assert c.get("/api/v1/users/").status_code == 403
    c = login(org.user("sysadmin"))
    assert c.post("/api/v1/users/", {"username": "x"}).status_code == 405


def test_units_api_sibling_county_sees_nothing_of_the_other(login, org):
    c = login(org.user("county_b_clerk"))
    codes = {u["code"] for u in c.get("/api/v1/units/").json()["results"]}
    assert codes == {"SF-A-2"}
    assert c.get(f"/api/v1/units/{org.units['county_a'].pk}/").status_code == 404
