import pytest

from tests.views.world import build_world


@pytest.fixture
def world(org):
    return build_world(org)
