"""Every URL name of the project, declared once (core.testing.views.Endpoint), by area."""

from tests.views.endpoints_dashboards import DASHBOARDS
from tests.views.endpoints_documents import DOCUMENTS
from tests.views.endpoints_escalation import ESCALATION
from tests.views.endpoints_instructions import INSTRUCTIONS
from tests.views.endpoints_org import ORG
from tests.views.endpoints_rectification import RECTIFICATION
from tests.views.endpoints_reporting import REPORTING
from tests.views.endpoints_supervision import SUPERVISION
from tests.views.endpoints_surveys_builder import SURVEYS_BUILDER
from tests.views.endpoints_surveys_evaluation import SURVEYS_EVALUATION
from tests.views.endpoints_surveys_public import SURVEYS_PUBLIC
from tests.views.endpoints_surveys_results import SURVEY_RESULTS
from tests.views.endpoints_tasks import TASKS

ALL = [
    *ORG,
    *TASKS,
    *REPORTING,
    *SUPERVISION,
    *RECTIFICATION,
    *DOCUMENTS,
    *ESCALATION,
    *INSTRUCTIONS,
    *DASHBOARDS,
    *SURVEYS_PUBLIC,
    *SURVEYS_BUILDER,
    *SURVEYS_EVALUATION,
    *SURVEY_RESULTS,
]
ENDPOINTS = {endpoint.name: endpoint for endpoint in ALL}
assert len(ENDPOINTS) == len(ALL), "an endpoint is declared twice"
