import pytest
from django.core.cache import cache

from core.testing import PASSWORD
from org import services
from org.models import Role


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # the login rate limit lives in the cache
    yield
    cache.clear()


@pytest.fixture
def city_b_admins(org):
    """A 系统管理员 and a 安全保密管理员 whose scope is 乙市 only (for out-of-scope tests)."""
    out = {}
    for username, role_code in (("city_b_sys", "sysadmin"), ("city_b_sec", "security")):
        user = services.user_create(
            actor=None,
            username=username,
            full_name="乙市管理员",
            unit=org.units["city_b"],
            password=PASSWORD,
            must_change_password=False,
        )
        services.role_grant(
            actor=None, user=user, role=Role.objects.get(code=role_code), unit=org.units["city_b"]
        )
        out[username] = user
    return out
