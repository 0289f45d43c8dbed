import pytest

from core.testing import make_task
from tasks import services
from tasks.models import Assignment


@pytest.fixture
def signed(org):
    """A weekly task of the province led by county_a, signed by its clerk today."""
    task = make_task(org, title="村卫生室标准化建设", lead="county_a", days=60, cadence="weekly")
    a = Assignment.objects.get(task=task)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=a)
    a.refresh_from_db()
    return a
