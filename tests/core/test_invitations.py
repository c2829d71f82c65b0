"""Admins invite by email with an expiring link; the link makes an account
(or adds a signed-in user) to the workspace with the invited role."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.personas import PASSWORD
from warmline.core import services
from warmline.core.models import Invitation, Membership, User


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Tests run inside a transaction that never commits; run the after-commit
    work (sending the email) as a real commit would."""
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()
    return run


def _invite(world, smtp_server, run_on_commit, email="dave@acme.test", **form):
    client = world.client_for(world.alice)
    response = run_on_commit(lambda: client.post("/settings/invitations/", {"email": email, "role": "rep", **form}))
    assert response.status_code == 302, response.content.decode()
    mail = smtp_server.wait_for(lambda m: m.is_to(email))
    link = next(u for u in mail.urls if "/invite/" in u)
    return mail, _path(link)


def _path(link: str) -> str:
    return link if link.startswith("/") else "/" + link.split("/", 3)[3]


def _open(client, link: str):
    """Opens an emailed link: the secret moves into the session, then the tokenless page."""
    response = client.get(_path(link))
    assert response.status_code == 302 and response["Location"] == "/invite/"
    return client.get("/invite/")


def test_it_emails_the_invitation_through_smtp(world, smtp_server, run_on_commit):
    mail, path = _invite(world, smtp_server, run_on_commit, team=world.east.public_id)
    assert mail.recipients == ("dave@acme.test",)
    assert mail.subject == "Alice Admin invited you to Acme on Warmline"
    assert "as rep" in mail.text and path.startswith("/invite/")


def test_it_creates_the_account_from_the_link(world, smtp_server, run_on_commit):
    _, path = _invite(world, smtp_server, run_on_commit, team=world.east.public_id)
    client = Client()
    page = _open(client, path)
    assert page.status_code == 200 and "Join Acme" in page.content.decode()
    assert path not in page.content.decode()
    response = client.post("/invite/", {"full_name": "Dave New", "password": "a long new passphrase"})
    assert response.status_code == 302 and response["Location"] == "/"
    membership = Membership.objects.get(user__email="dave@acme.test")
    assert membership.workspace == world.acme and membership.role == "rep"
    assert world.east.members.filter(pk=membership.pk).exists()
    assert client.get("/api/v1/me").json()["user"]["full_name"] == "Dave New"
    # The link works once.
    assert "already been used" in _open(Client(), path).content.decode()


def test_it_keeps_a_weak_password_next_to_its_field(world, smtp_server, run_on_commit):
    _, path = _invite(world, smtp_server, run_on_commit)
    client = Client()
    _open(client, path)
    response = client.post("/invite/", {"full_name": "Dave", "password": "123"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="dave@acme.test").exists()
    assert Invitation.objects.get(email="dave@acme.test").accepted_at is None


def test_it_refuses_an_expired_link(world):
    sent = services.invite_user(world.alice, "erin@acme.test", "manager")
    Invitation.objects.filter(pk=sent.invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client = Client()
    assert "expired" in _open(client, sent.link).content.decode()
    client.post("/invite/", {"full_name": "Erin", "password": "a long new passphrase"})
    assert not User.objects.filter(email="erin@acme.test").exists()


def test_it_refuses_a_withdrawn_link(world):
    sent = services.invite_user(world.alice, "erin@acme.test", "rep")
    world.client_for(world.alice).post(f"/settings/invitations/{sent.invitation.public_id}/revoke/")
    assert "withdrawn" in _open(Client(), sent.link).content.decode()


def test_it_answers_404_for_a_made_up_link(db):
    assert Client().get("/invite/made-up-token/").status_code == 404
    assert Client().get("/invite/").status_code == 404


def test_it_adds_an_existing_user_who_signs_in(world):
    sent = services.invite_user(world.charlie, "carol@acme.test", "manager")
    anonymous = _open(Client(), sent.link).content.decode()
    assert "Sign in to accept" in anonymous
    client = world.client_for(world.carol)
    _open(client, sent.link)
    assert client.post("/invite/").status_code == 302
    assert Membership.objects.get(user=world.carol.user, workspace=world.bravo).role == "manager"


def test_it_refuses_a_link_meant_for_someone_else(world):
    sent = services.invite_user(world.alice, "dave@acme.test", "rep")
    client = world.client_for(world.bob)
    _open(client, sent.link)
    response = client.post("/invite/")
    assert "This invitation is for dave@acme.test" in response.content.decode()
    assert not Membership.objects.filter(user=world.bob.user, role="rep").exists()


def test_it_refuses_to_invite_a_current_member(world):
    response = world.client_for(world.alice).post("/settings/invitations/", {"email": "Carol@acme.test", "role": "rep"})
    assert response.status_code == 200
    assert "carol@acme.test is already a member of this workspace" in response.content.decode()


def test_it_replaces_a_pending_invitation_for_the_same_address(world):
    first = services.invite_user(world.alice, "dave@acme.test", "rep")
    services.invite_user(world.alice, "dave@acme.test", "manager")
    first.invitation.refresh_from_db()
    assert first.invitation.status == "revoked"


@pytest.mark.django_db(transaction=True)
def test_it_sends_no_email_when_the_invitation_is_not_saved(smtp_server):
    from django.db import transaction

    from tests.personas import build_world

    world = build_world()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invite_user(world.alice, "ghost@acme.test", "rep")
        raise RuntimeError("the surrounding work failed")
    assert not Invitation.objects.filter(email="ghost@acme.test").exists()
    services.invite_user(world.alice, "real@acme.test", "rep")
    smtp_server.wait_for(lambda m: m.is_to("real@acme.test"))
    assert not any(m.is_to("ghost@acme.test") for m in smtp_server.messages)


def test_it_invites_through_the_api(world, smtp_server, run_on_commit):
    client = world.client_for(world.alice)
    response = run_on_commit(lambda: client.post(
        "/api/v1/invitations", {"email": "fay@acme.test", "role": "manager"}, content_type="application/json"
    ))
    body = response.json()
    assert response.status_code == 201 and body["status"] == "pending"
    assert "link" not in body  # the link goes to the invitee only
    smtp_server.wait_for(lambda m: m.is_to("fay@acme.test"))
    listed = client.get("/api/v1/invitations").json()
    assert [(i["email"], i["email_status"]) for i in listed] == [("fay@acme.test", "sent")]
    bad = client.post("/api/v1/invitations", {"email": "not-an-email", "role": "boss"}, content_type="application/json")
    assert bad.status_code == 422
    assert {f["field"] for f in bad.json()["error"]["fields"]} == {"email", "role"}


def test_it_sends_password_reset_mail_through_smtp(world, smtp_server):
    Client().post("/password-reset/", {"email": "carol@acme.test"})
    mail = smtp_server.wait_for(lambda m: m.is_to("carol@acme.test"))
    link = next(u for u in mail.urls if "/password-reset/" in u)
    client = Client()
    form = client.get("/" + link.split("/", 3)[3], follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a fresh passphrase", "new_password2": "a fresh passphrase"}
    )
    assert response.status_code == 302
    world.carol.user.refresh_from_db()
    assert world.carol.user.check_password("a fresh passphrase") and not world.carol.user.check_password(PASSWORD)


def test_it_refuses_a_link_for_someone_already_a_member(world):
    """A member who became admin since must not be demoted by an old invitation."""
    sent = services.invite_user(world.alice, "dave@acme.test", "rep")
    dave = User.objects.create_user("dave@acme.test", "a long new passphrase")
    Membership.objects.create(workspace=world.acme, user=dave, role="admin")
    client = world.client_for(Membership.objects.get(user=dave))
    _open(client, sent.link)
    response = client.post("/invite/")
    assert "already a member of Acme" in response.content.decode()
    assert Membership.objects.get(user=dave).role == "admin"


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_invitation_when_the_email_fails_and_resends_it(settings):
    from tests.personas import build_world
    from tests.smtp import SmtpSink

    world = build_world()
    client = world.client_for(world.alice)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    response = client.post("/settings/invitations/", {"email": "dave@acme.test", "role": "rep"}, follow=True)
    html = response.content.decode()
    assert "is saved, but its email could not be sent" in html and "email failed" in html
    invitation = Invitation.objects.get(email="dave@acme.test")
    assert invitation.email_status == "failed" and "ConnectionRefusedError" in invitation.email_error
    old_hash = invitation.token_hash

    with SmtpSink() as sink:
        settings.EMAIL_PORT = sink.port
        response = client.post(f"/settings/invitations/{invitation.public_id}/resend/", follow=True)
        assert "Invitation sent to dave@acme.test" in response.content.decode()
        mail = sink.wait_for(lambda m: m.is_to("dave@acme.test"))
    invitation.refresh_from_db()
    assert invitation.email_status == "sent" and invitation.token_hash != old_hash
    link = next(u for u in mail.urls if "/invite/" in u)
    assert "Join Acme" in _open(Client(), link).content.decode()


def test_it_allows_one_open_invitation_per_address_in_the_database(world):
    from django.db import IntegrityError, transaction

    services.invite_user(world.alice, "dave@acme.test", "rep")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            workspace=world.acme, email="DAVE@acme.test", token_hash="x" * 64, expires_at=timezone.now()
        )
