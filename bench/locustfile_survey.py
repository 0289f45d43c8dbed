"""Load of the public survey submission path (`manage.py bench --survey`, bench/survey.py).

Each simulated respondent opens the round's public page (GET: the CSRF cookie, the signed
served-at stamp and the sheet's client_key), waits the minimum fill time, and posts a valid
sheet; one in twenty then sends the same sheet again (a double tap or a retry), which must be
acknowledged and stored nothing. Run by locust as a separate process — never imported by Django.

    SURVEY_SLUG=… SURVEY_WAIT=1 locust -f bench/locustfile_survey.py --headless …
"""

import os
import random
import re

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

SLUG = os.environ["SURVEY_SLUG"]
WAIT = float(os.environ.get("SURVEY_WAIT", "1"))
HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|client_key|stamp)" value="([^"]*)"')
THANKS = f"/s/{SLUG}/thanks/"
# the client_key of every acknowledged first sending, one a line: the bench looks each one up
ACKS = open(os.environ["SURVEY_ACKS"], "a", encoding="ascii")


class Respondent(FastHttpUser):
    wait_time = constant(0)

    @task
    def answer(self):
        path = f"/s/{SLUG}/"
        with self.client.get(path, name="GET 答题页", catch_response=True) as page:
            fields = dict(HIDDEN.findall(page.text or ""))
            if page.status_code != 200 or len(fields) != 3:
                page.failure(f"page {page.status_code}")
                return
        self._sleep(WAIT)
        body = {
            **fields,
            "token": "",
            "homepage": "",
            "q1": random.choice("abcde"),
            "q2": str(random.randint(1, 5)),
            "q3": str(random.randint(1, 10)),
            "q4.r1": str(random.randint(1, 5)),
            "q4.r2": str(random.randint(1, 5)),
            "q4.r3": str(random.randint(1, 5)),
            "q7": random.choice(["", "挂号很快", "候诊时间长"]),
        }
        headers = {"Referer": self.host + path}
        if self._post(path, body, headers, "POST 答卷"):
            ACKS.write(body["client_key"] + "\n")
            ACKS.flush()
        if random.random() < 0.05:
            self._post(path, body, headers, "POST 重复提交")

    def _post(self, path, body, headers, name):
        with self.client.post(
            path, data=body, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 302 or not (r.headers.get("Location") or "").endswith(THANKS):
                r.failure(f"sheet {r.status_code}")
                return False
            return True

    def _sleep(self, seconds):
        import gevent

        gevent.sleep(seconds)
