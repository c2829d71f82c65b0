"""The calendar feed: each member's open follow-ups as iCalendar events at a secret URL that works without signing
in, is replaced by a new link, revoked on demand, and answers a bare 404 to anything else."""

import datetime
import itertools
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from tests.network.test_api_fuzz import FUZZ
from tests.referrals.builders import T0, build_pipeline, refer
from warmline.core.models import Membership, hash_secret
from warmline.followups import calendar
from warmline.followups.models import NotificationSettings, Task

from .builders import DAY, HOUR

SECOND = datetime.timedelta(seconds=1)
_keys = itertools.count()


def _task(member, title, due_at, *, status="open", **fields) -> Task:
    closed = {} if status == "open" else {"completed_at": due_at}
    return Task.objects.create(workspace=member.workspace, kind=fields.pop("kind", "thank_source"), assignee=member,
                               title=title, reason=fields.pop("reason", f"Because of {title}"), due_at=due_at,
                               key=f"test:{next(_keys)}", status=status, **closed, **fields)


def _events(feed: bytes) -> list:
    return list(Calendar.from_ical(feed).walk("VEVENT"))


def _uids(feed: bytes) -> list[str]:
    return [str(event["UID"]) for event in _events(feed)]


def _path(token: str) -> str:
    return urlsplit(calendar.feed_url(token)).path


def _without_csrf(page: bytes) -> bytes:
    return re.sub(rb'"X-CSRFToken": "[^"]*"', b"", page)


def _settings(member) -> NotificationSettings:
    return NotificationSettings.objects.get(membership=member)


def test_the_feed_has_exactly_the_members_open_tasks_due_in_its_window(world):
    overdue = _task(world.carol, "Thank Dana", T0 - 10 * DAY)
    oldest = _task(world.carol, "Call Erin", T0 - 30 * DAY)
    latest = _task(world.carol, "Reconnect with Frank", T0 + 90 * DAY)
    soon = _task(world.carol, "Tell Dana how it went", T0 + HOUR)
    _task(world.carol, "Too old to show", T0 - 30 * DAY - SECOND)
    _task(world.carol, "Too far ahead", T0 + 90 * DAY + SECOND)
    _task(world.carol, "Done yesterday", T0 - DAY, status="done")
    _task(world.carol, "Dismissed", T0 + DAY, status="dismissed")
    _task(world.bob, "Bob's own task", T0 + DAY)
    _task(world.charlie, "Charlie's task in Bravo", T0 + DAY)
    # Carol in another workspace is another member, with another feed.
    carol_in_bravo = Membership.objects.create(workspace=world.bravo, user=world.carol.user)
    _task(carol_in_bravo, "Carol's Bravo task", T0 + DAY)

    events = _events(calendar.build_feed(world.carol, now=T0))

    expected = [oldest, overdue, soon, latest]
    assert [str(event["UID"]) for event in events] == [f"{task.public_id}@warmline" for task in expected]
    assert [event.decoded("DTSTART") for event in events] == [task.due_at for task in expected]
    assert all(event.decoded("DTSTART").utcoffset() == datetime.timedelta(0) for event in events)
    assert _events(calendar.build_feed(world.bob, now=T0))[0]["SUMMARY"] == "Bob's own task"


def test_the_calendar_names_itself_and_its_member(world):
    parsed = Calendar.from_ical(calendar.build_feed(world.carol, now=T0))
    assert parsed["PRODID"] == "-//Warmline//Follow-ups//EN"
    assert parsed["VERSION"] == "2.0"
    assert parsed["METHOD"] == "PUBLISH"
    assert parsed["X-WR-CALNAME"] == "Warmline follow-ups — Carol Rep"
    assert _events(calendar.build_feed(world.carol, now=T0)) == []


def test_each_event_says_what_to_do_and_links_to_where_it_is_done(world):
    pipeline = build_pipeline(world)
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith)
    about_referral = _task(world.carol, "Thank Dana for the introduction", T0 - HOUR, referral=referral,
                           person=pipeline.dana, reason="Dana introduced you to Bob Smith; say thank you.")
    about_person = _task(world.carol, "Reconnect with Erin", T0 + DAY, kind="reconnect", person=pipeline.erin,
                         reason="")
    by_hand = _task(world.carol, "Send the case study, then call", T0 + 2 * DAY, kind="manual",
                    reason="Promised on Monday; mention pricing")
    congratulate = _task(world.carol, "Congratulate Dana", T0 + 3 * DAY, kind="congratulate")

    events = {str(event["UID"]): event for event in _events(calendar.build_feed(world.carol, now=T0))}

    site = django_settings.SITE_URL
    thanks = events[f"{about_referral.public_id}@warmline"]
    referral_link = site + reverse("referrals:detail", args=[referral.public_id])
    assert thanks["SUMMARY"] == "Overdue: Thank Dana for the introduction"
    assert thanks["DESCRIPTION"] == f"Dana introduced you to Bob Smith; say thank you.\n\n{referral_link}"
    assert thanks["URL"] == referral_link
    assert thanks.decoded("DTSTAMP") == T0
    assert thanks.decoded("DURATION") == datetime.timedelta(minutes=15)
    assert thanks.categories == ["Thank the source"]
    [alarm] = thanks.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == datetime.timedelta(0)

    reconnect = events[f"{about_person.public_id}@warmline"]
    person_link = site + reverse("network:person", args=[pipeline.erin.public_id])
    assert reconnect["SUMMARY"] == "Reconnect with Erin"
    assert reconnect["DESCRIPTION"] == person_link and reconnect["URL"] == person_link
    assert reconnect.categories == ["Reconnect with the source"]

    manual = events[f"{by_hand.public_id}@warmline"]
    today_link = site + reverse("followups:home")
    assert manual["SUMMARY"] == "Send the case study, then call"
    assert manual["DESCRIPTION"] == f"Promised on Monday; mention pricing\n\n{today_link}"
    assert manual["URL"] == today_link and manual.categories == ["Task"]
    # A label with a comma stays one category.
    assert events[f"{congratulate.public_id}@warmline"].categories == [
        "Congratulate and thank the source, ask who else they know"]


def test_the_feed_keeps_the_earliest_500_tasks(world):
    Task.objects.bulk_create(
        Task(workspace=world.acme, kind="manual", assignee=world.carol, title=f"Task {i}", due_at=T0 + i * HOUR)
        for i in range(501)
    )
    events = _events(calendar.build_feed(world.carol, now=T0))
    assert [str(event["SUMMARY"]) for event in events] == [f"Task {i}" for i in range(500)]


def test_a_link_is_stored_only_as_its_hash_and_hint(world):
    token = calendar.new_feed_token(world.carol, at=T0)
    found = _settings(world.carol)
    assert found.workspace == world.acme
    assert found.calendar_token_hash == hash_secret(token) and token not in found.calendar_token_hash
    assert found.calendar_token_hint == token[-6:]
    assert found.calendar_created_at == T0 and found.calendar_used_at is None
    url = calendar.feed_url(token)
    assert url == f"{django_settings.SITE_URL}/followups/calendar/{token}.ics"


def test_the_feed_url_works_without_signing_in(world):
    task = _task(world.carol, "Thank Dana", timezone.now() + DAY)
    path = _path(calendar.new_feed_token(world.carol))

    response = Client().get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="warmline-follow-ups.ics"'
    assert response["Cache-Control"] == "private, max-age=300"
    assert _uids(response.content) == [f"{task.public_id}@warmline"]
    assert _settings(world.carol).calendar_used_at is not None
    head = Client().head(path)
    assert head.status_code == 200 and head.content == b""
    assert Client().post(path).status_code == 405


def test_a_signed_in_member_reads_the_feed_like_a_calendar_app(world):
    path = _path(calendar.new_feed_token(world.carol))
    # Whoever is signed in, the token decides whose tasks these are.
    _task(world.carol, "Thank Dana", timezone.now() + DAY)
    response = world.client_for(world.charlie).get(path)
    assert response.status_code == 200
    assert [str(event["SUMMARY"]) for event in _events(response.content)] == ["Thank Dana"]


def test_a_new_link_revokes_the_old_one(world):
    old = _path(calendar.new_feed_token(world.carol))
    assert Client().get(old).status_code == 200
    new = _path(calendar.new_feed_token(world.carol))
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert NotificationSettings.objects.filter(membership=world.carol).count() == 1


def test_a_revoked_link_is_not_found_like_an_unknown_one(world):
    path = _path(calendar.new_feed_token(world.carol))
    calendar.revoke_feed(world.carol)
    revoked = Client().get(path)
    unknown = Client().get(_path("x" * 43))
    assert revoked.status_code == unknown.status_code == 404
    assert _without_csrf(revoked.content) == _without_csrf(unknown.content)
    found = _settings(world.carol)
    assert (found.calendar_token_hash, found.calendar_token_hint, found.calendar_created_at) == ("", "", None)
    calendar.revoke_feed(world.bob)  # Nothing to revoke: nothing happens.
    assert not NotificationSettings.objects.filter(membership=world.bob).exists()


def test_a_wrong_token_is_not_found(world):
    token = calendar.new_feed_token(world.carol)
    for wrong in [token[:-1], token + "A", token.upper(), token.lower(), hash_secret(token), "", "abc"]:
        assert calendar.member_for_token(wrong) is None
        if wrong:
            assert Client().get(_path(wrong)).status_code == 404
    assert calendar.member_for_token(token) == world.carol


@pytest.mark.parametrize("deactivate", ["membership", "user"])
def test_the_link_of_a_deactivated_member_is_not_found(world, deactivate):
    path = _path(calendar.new_feed_token(world.carol))
    target = world.carol if deactivate == "membership" else world.carol.user
    target.is_active = False
    target.save(update_fields=["is_active"])
    assert Client().get(path).status_code == 404


def test_reads_are_recorded_at_most_every_ten_minutes(world):
    token = calendar.new_feed_token(world.carol)
    calendar.member_for_token(token)
    first = _settings(world.carol).calendar_used_at
    calendar.member_for_token(token)
    assert _settings(world.carol).calendar_used_at == first
    NotificationSettings.objects.filter(membership=world.carol).update(
        calendar_used_at=first - datetime.timedelta(minutes=10))
    calendar.member_for_token(token)
    assert _settings(world.carol).calendar_used_at > first


def test_the_feed_costs_the_same_queries_for_3_or_30_tasks(world, django_assert_num_queries):
    pipeline = build_pipeline(world)
    now = timezone.now()
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=now)
    path = _path(calendar.new_feed_token(world.carol))
    subjects = [{"referral": referral}, {"person": pipeline.erin}, {}]

    def add(count):
        for i in range(count):
            _task(world.carol, f"Task {i}", now + (i + 1) * HOUR, **subjects[i % 3])

    add(3)
    # The first read also records when the link was used.
    with django_assert_num_queries(3):
        assert Client().get(path).status_code == 200
    # The token's member, then their tasks with what the links need.
    with django_assert_num_queries(2):
        few = Client().get(path)
    add(27)
    with django_assert_num_queries(2):
        many = Client().get(path)
    # The referral's rule tasks (contact the prospect, thank the source) are in the feed too.
    assert (len(_events(few.content)), len(_events(many.content))) == (5, 32)


# Text a URL path can carry: anything but "/" (which ends the token), NUL (refused with a 400 before any view) and
# lone surrogates (not encodable). Plus strings shaped like real tokens.
garbage_tokens = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="/\x00"), min_size=1, max_size=120),
    st.from_regex(r"[A-Za-z0-9_-]{43}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_-]{0,60}(\.ics)?", fullmatch=True).filter(bool),
)


@settings(FUZZ, max_examples=200)
@given(token=garbage_tokens)
def test_any_other_token_gets_a_bare_404_never_an_error(world, token):
    if not hasattr(world, "feed_token"):
        world.feed_token = calendar.new_feed_token(world.carol)
    if token.removesuffix(".ics") == world.feed_token:
        return
    response = Client().get(reverse("followups:calendar_feed", args=[token]))
    assert response.status_code == 404
    assert calendar.member_for_token(token) is None


def test_a_member_makes_and_revokes_their_link_from_the_notifications_page(world):
    client = world.client_for(world.carol)
    client.post(reverse("followups:calendar_link"))
    page = client.get(reverse("followups:notifications")).content.decode()
    [url] = re.findall(r'value="(http[^"]+\.ics)"', page)
    assert Client().get(urlsplit(url).path).status_code == 200
    client.post(reverse("followups:calendar_link"), {"action": "revoke"})
    assert Client().get(urlsplit(url).path).status_code == 404
