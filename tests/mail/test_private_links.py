"""Emails that carry a private link (a password reset, a requester's link to all their
requests): no page shows it, to anyone, and the reset link is the site's own, not one a
request's Host chose, and asked for only a few times an hour."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse

from intake.tracking import tracking_token
from mail.models import Email
from mail.tasks import DeliveryFailed, job_deliver
from mopsboard.roles import MEMBER
from tests.factories import PersonFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/reset/"
MINE = "/requests/mine/"


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(
        get_user_model().objects.create_superuser("root", "root@example.com", "a-long-pass-42")
    )
    return client


def _every_page_of(client, email: Email) -> dict[str, str]:
    """The Mail page, the email's page and its admin pages, as `client` reads them."""
    urls = [
        reverse("mail:mail"),
        reverse("mail:mail") + "?q=" + email.to,
        email.get_absolute_url(),
        reverse("admin:mail_email_changelist"),
        reverse("admin:mail_email_change", args=[email.pk]),
        reverse("admin:mail_email_history", args=[email.pk]),
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def _link(message, prefix: str) -> str:
    """The link in a sent message's text (Django's message or a received one's part)."""
    body = message.body if hasattr(message, "body") else message.get_content()
    return re.search(rf"\S*{prefix}\S*", body).group(0)


def _ask_for_reset_and_request_links():
    member = UserFactory(username="member", email="member@example.com", role=MEMBER)
    dana = PersonFactory(name="Dana", email="dana@example.com")
    task = TaskFactory(requester=dana, unscored=True)
    Client().post(reverse("password_reset"), {"email": "member@example.com"})
    Client().post(reverse("intake:requests-email", args=[tracking_token(task)]))
    return member, Email.objects.get(to="member@example.com"), Email.objects.get(to=dana.email)


@pytest.mark.parametrize("reader", ["lead_admin_client", "superuser_client"])
def test_no_mail_or_admin_page_shows_a_private_link(request, reader):
    client = request.getfixturevalue(reader)
    _, reset, requests_link = _ask_for_reset_and_request_links()
    for email, kind in ((reset, "password reset"), (requests_link, "link to all their requests")):
        for url, page in _every_page_of(client, email).items():
            assert RESET not in page and MINE not in page, url
        detail = client.get(email.get_absolute_url()).content.decode()
        assert f"This email carries a private link ({kind})" in detail
    # Nor is the link kept where a page, an export or a backup could read it.
    for email in Email.objects.all():
        assert RESET not in email.text + email.html and MINE not in email.text + email.html
    job_deliver(reset.job_id, last_try=False)
    job_deliver(requests_link.job_id, last_try=False)
    assert {message.to[0] for message in django_mail.outbox} == {
        "member@example.com",
        "dana@example.com",
    }
    for email in (reset, requests_link):
        for url, page in _every_page_of(client, email).items():
            assert RESET not in page and MINE not in page, url


def test_the_mail_page_names_each_kind_of_private_email(lead_client):
    _, reset, requests_link = _ask_for_reset_and_request_links()
    page = lead_client.get(requests_link.get_absolute_url()).content.decode()
    assert "link to all their requests" in page and "password reset" not in page
    page = lead_client.get(reset.get_absolute_url()).content.decode()
    assert "password reset" in page and "all their requests" not in page


@pytest.mark.django_db(transaction=True)
def test_the_member_gets_a_working_reset_link_at_the_mail_server(smtp, workers, settings):
    member = UserFactory(username="member", email="member@example.com", role=MEMBER)
    client = Client()
    client.post(reverse("password_reset"), {"email": "member@example.com"})
    workers()
    (message,) = smtp.inbox.wait_for("member@example.com")
    link = _link(message.get_body(("plain",)), RESET)
    assert link.startswith(settings.MOPSBOARD_SITE_URL + RESET)
    form = client.get(link.removeprefix(settings.MOPSBOARD_SITE_URL), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"},
        follow=True,
    )
    assert "Password set" in done.content.decode()
    signed_in = Client().post(
        reverse("login"), {"username": member.username, "password": "a-long-new-pass-42"}
    )
    assert signed_in.status_code == 302 and "_auth_user_id" in signed_in.client.session


def test_a_reset_link_is_on_the_site_address_whatever_the_host_asked(client, settings):
    settings.MOPSBOARD_SITE_URL = "https://mops.example.com"
    UserFactory(username="member", email="member@example.com")
    client.post(
        reverse("password_reset"), {"email": "member@example.com"}, HTTP_HOST="testserver:6666"
    )
    job_deliver(Email.objects.get().job_id, last_try=False)
    link = _link(django_mail.outbox[0], RESET)
    assert link.startswith("https://mops.example.com/accounts/reset/")
    assert "6666" not in django_mail.outbox[0].body


def test_the_requests_link_is_written_when_it_is_sent_and_opens_the_list(client, settings):
    dana = PersonFactory(name="Dana", email="dana@example.com")
    mine = TaskFactory(requester=dana, title="Spring webinar", unscored=True)
    client.post(reverse("intake:requests-email", args=[tracking_token(mine)]))
    job_deliver(Email.objects.get().job_id, last_try=False)
    link = _link(django_mail.outbox[0], MINE)
    assert link.startswith(settings.MOPSBOARD_SITE_URL + MINE)
    page = client.get(link.removeprefix(settings.MOPSBOARD_SITE_URL))
    assert "Spring webinar" in page.content.decode()


def _reset(address: str, ip: str = "192.0.2.1"):
    response = Client().post(reverse("password_reset"), {"email": address}, REMOTE_ADDR=ip)
    return response.status_code, response.url


def test_resets_for_one_account_stop_after_the_hours_limit_and_look_the_same(settings):
    settings.MOPSBOARD_PASSWORD_RESETS_PER_HOUR = 2
    UserFactory(username="member", email="member@example.com")
    answers = {_reset("member@example.com") for _ in range(3)}
    # From another network, in another spelling of the address: the same account.
    answers.add(_reset("MEMBER@example.com", ip="198.51.100.7"))
    answers.add(_reset("nobody@example.com"))
    assert answers == {(302, reverse("password_reset_done"))}
    assert Email.objects.count() == 2


def test_resets_from_one_network_stop_after_the_hours_limit(settings):
    settings.MOPSBOARD_PASSWORD_RESETS_PER_IP_HOUR = 2
    for n in range(3):
        UserFactory(username=f"person{n}", email=f"person{n}@example.com")
    answers = {_reset(f"person{n}@example.com") for n in range(3)}
    assert answers == {(302, reverse("password_reset_done"))}
    assert sorted(Email.objects.values_list("to", flat=True)) == [
        "person0@example.com",
        "person1@example.com",
    ]
    assert _reset("person2@example.com", ip="198.51.100.7")[0] == 302
    assert Email.objects.count() == 3


def test_a_reset_for_an_account_deleted_before_it_is_sent_is_not_sent():
    member = UserFactory(username="member", email="member@example.com")
    Client().post(reverse("password_reset"), {"email": "member@example.com"})
    member.delete()
    email = Email.objects.get()
    with pytest.raises(DeliveryFailed):
        job_deliver(email.job_id, last_try=True)
    email.refresh_from_db()
    assert not django_mail.outbox
    assert email.status == Email.Status.FAILED and "account or person is gone" in email.last_error
