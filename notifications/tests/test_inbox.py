import pytest
from django.urls import reverse

from core import clock
from notifications.models import Message
from notifications.services import notify

pytestmark = pytest.mark.django_db


def _messages(user, n):
    for i in range(n):
        notify(recipients=[user], kind="system", title=f"消息{i}", link="/")
        clock.travel(hours=1)


def test_inbox_unread_first_and_mark_read(org, login, client):
    clerk = org.user("county_a_clerk")
    _messages(clerk, 3)
    older_unread = Message.objects.get(title="消息0")
    newest = Message.objects.get(title="消息2")
    newest.read_at = clock.now()
    newest.save()
    notify(recipients=[org.user("county_b_clerk")], kind="system", title="别人的消息")
    c = login(clerk)
    r = c.get(reverse("notifications:inbox"))
    assert [m.title for m in r.context["inbox"]] == ["消息1", "消息0", "消息2"]
    assert "别人的消息" not in r.content.decode()
    assert "2条未读" in r.content.decode()

    assert (
        c.get(reverse("notifications:message_read", args=[older_unread.pk])).status_code == 405
    )  # no GET writes
    r = c.post(reverse("notifications:message_read", args=[older_unread.pk]), {"open": "1"})
    assert r.status_code == 302 and r["Location"] == "/"
    older_unread.refresh_from_db()
    assert older_unread.read_at is not None

    r = c.post(reverse("notifications:mark_all_read"))
    assert r.status_code == 302
    assert not Message.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    assert Message.objects.filter(recipient__username="county_b_clerk", read_at__isnull=True).exists()


def test_inbox_scope(org, login, client):
    notify(recipients=[org.user("county_a_clerk")], kind="system", title="甲一县消息")
    msg = Message.objects.get()
    assert "/login/" in client.get(reverse("notifications:inbox"))["Location"]
    assert "/login/" in client.post(reverse("notifications:mark_all_read"))["Location"]
    c = login(org.user("county_b_clerk"))
    assert c.post(reverse("notifications:message_read", args=[msg.pk])).status_code == 404
    assert not c.get(reverse("notifications:inbox")).context["inbox"]
    c.post(reverse("notifications:mark_all_read"))
    msg.refresh_from_db()
    assert msg.read_at is None


def test_open_refuses_outside_links(org, login):
    notify(recipients=[org.user("county_a_clerk")], kind="system", title="外链", link="https://evil.example/")
    msg = Message.objects.get()
    r = login(org.user("county_a_clerk")).post(
        reverse("notifications:message_read", args=[msg.pk]), {"open": "1"}
    )
    assert r["Location"] == reverse("notifications:inbox")


@pytest.mark.parametrize("rows", [5, 50])
def test_inbox_constant_queries(org, login, rows, django_assert_num_queries):
    user = org.user("county_a_clerk")
    _messages(user, rows)
    c = login(user)
    with django_assert_num_queries(12):
        r = c.get(reverse("notifications:inbox"))
    assert len(r.context["inbox"]) == rows
