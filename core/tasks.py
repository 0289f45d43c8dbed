"""Queue jobs of core: the daily sweep of used one-time form tokens (core.views.SubmitOnceMixin)."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import clock

# a form re-sent after a week is a new submission (its page has long been left)
FORM_TOKEN_AGE = dt.timedelta(days=7)


def sweep_form_tokens() -> int:
    from core.models import FormSubmission

    deleted, _ = FormSubmission.objects.filter(created_at__lt=clock.now() - FORM_TOKEN_AGE).delete()
    return deleted


sweep_form_tokens_periodic = db_periodic_task(crontab(minute="23", hour="3"))(sweep_form_tokens)
