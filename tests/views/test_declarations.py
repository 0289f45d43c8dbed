"""The declarations are complete: every action says how to use it and how to get it wrong, and
every page about a record says what of the record it shows (or why it has no body or no page)."""

from core.testing.views import RECORD
from tests.test_form_garbage import post_patterns
from tests.views import ALL


def test_every_action_declares_a_valid_and_an_invalid_body():
    posts = set(post_patterns())
    missing = [
        (e.name, kind)
        for e in ALL
        if e.name in posts
        for kind, body in (("valid", e.valid), ("invalid", e.invalid))
        if body is None and f"{kind}:" not in e.why
    ]
    assert not missing, missing


def test_every_page_about_a_record_says_what_it_shows():
    missing = [
        e.name for e in ALL if e.scope == RECORD and e.get == 200 and not e.shows and "shows:" not in e.why
    ]
    assert not missing, missing
