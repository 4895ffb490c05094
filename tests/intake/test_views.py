"""The request form from the outside: what a requester (or a program) sends and sees."""

import datetime
import html
import io

import pytest
from django.core import mail as django_mail
from django.core import signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status, Task
from intake.models import IntakeLink
from intake.tracking import requester_token, tracking_token
from mail.models import Email
from mail.tasks import job_deliver
from people.models import Person
from tests.factories import CategoryFactory, IntakeLinkFactory, PersonFactory, TaskFactory
from tests.intake.conftest import request_data

pytestmark = pytest.mark.django_db

HTML = '<script>alert("x")</script><b>bold</b>'


def form_url(link) -> str:
    return reverse("intake:link-form", args=[link.token])


def test_an_anonymous_requester_sends_a_request_and_gets_a_receipt(
    client, intake_link, run_tell_jobs
):
    page = client.get(form_url(intake_link))
    assert page.status_code == 200
    assert "we triage new requests within 2 working days" in page.content.decode()
    response = client.post(form_url(intake_link), request_data())
    task = Task.objects.get()
    assert response.status_code == 303
    assert response.url == reverse("intake:receipt", args=[tracking_token(task)])
    receipt = client.get(response.url)
    text = receipt.content.decode()
    assert "Request sent" in text
    assert "An acknowledgement email is on its way to <strong>dana@example.com</strong>" in text
    assert reverse("intake:request", args=[tracking_token(task)]) in text
    assert receipt["Cache-Control"] == "no-store"
    # Reloading the receipt sends nothing again.
    client.get(response.url)
    assert Task.objects.count() == 1
    assert run_tell_jobs() == 1
    acknowledgement = Email.objects.get()
    assert (acknowledgement.to, acknowledgement.event) == ("dana@example.com", "Received")


def test_the_link_picks_its_category_in_advance(client):
    link = IntakeLinkFactory(category=CategoryFactory(name="Reporting"))
    page = client.get(form_url(link)).content.decode()
    assert f'<option value="{link.category.pk}" selected>Reporting</option>' in page


@pytest.mark.parametrize("case", ["forged", "revoked", "expired", "share-link token"])
def test_a_link_that_does_not_work_says_so_with_a_404(client, case):
    link = IntakeLinkFactory()
    token = link.token
    if case == "forged":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif case == "revoked":
        IntakeLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    elif case == "expired":
        IntakeLink.objects.filter(pk=link.pk).update(
            expires_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    else:
        token = signing.Signer(salt="raci.share-link").sign(str(link.pk))
    for response in (
        client.get(reverse("intake:link-form", args=[token])),
        client.post(reverse("intake:link-form", args=[token]), request_data()),
    ):
        assert response.status_code == 404
        assert "This request link no longer works" in response.content.decode()
    assert not Task.objects.exists()


def test_a_link_expiring_today_still_works(client):
    link = IntakeLinkFactory(expires_on=timezone.localdate())
    assert client.get(form_url(link)).status_code == 200


def test_the_honeypot_stores_nothing_and_looks_like_a_receipt(client, intake_link):
    response = client.post(form_url(intake_link), request_data(website="http://spam.example"))
    assert response.status_code == 303
    page = client.get(response.url)
    assert "Request sent" in page.content.decode()
    assert not Task.objects.exists()
    assert not Person.objects.exists()


def test_the_honeypot_is_out_of_sight_and_out_of_reach(client, intake_link):
    page = client.get(form_url(intake_link)).content.decode()
    assert '<div class="honeypot" aria-hidden="true">' in page
    hidden = page[page.index('<div class="honeypot"') :]
    hidden = hidden[: hidden.index("</div>")]
    assert 'name="website"' in hidden and 'tabindex="-1"' in hidden


def test_the_eleventh_request_from_one_address_in_an_hour_is_refused(client, intake_link):
    for n in range(10):
        assert (
            client.post(form_url(intake_link), request_data(title=f"Request {n}")).status_code
            == 303
        )
    refused = client.post(form_url(intake_link), request_data(title="One too many"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    text = refused.content.decode()
    assert "Too many requests" in text and "more than the form takes" in text
    assert Task.objects.count() == 10
    # Another address is not held back.
    other = client.post(form_url(intake_link), request_data(), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 303


def test_refused_input_counts_towards_the_limit_too(client, intake_link, settings):
    settings.MOPSBOARD_INTAKE_PER_IP_HOUR = 2
    for _ in range(2):
        assert client.post(form_url(intake_link), request_data(email="nope")).status_code == 422
    assert client.post(form_url(intake_link), request_data()).status_code == 429


def test_one_link_takes_at_most_its_hourly_share(client, settings):
    settings.MOPSBOARD_INTAKE_PER_LINK_HOUR = 3
    link, other = IntakeLinkFactory(), IntakeLinkFactory(label="Events")
    for n in range(3):
        sent = client.post(form_url(link), request_data(), REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert sent.status_code == 303
    refused = client.post(form_url(link), request_data(), REMOTE_ADDR="192.0.2.99")
    assert refused.status_code == 429
    assert "This request link has taken as many requests as it can" in refused.content.decode()
    assert client.post(form_url(other), request_data(), REMOTE_ADDR="192.0.2.99").status_code == 303


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * 201, "at most 200 characters"),
        ("details", "x" * 4001, "at most 4000 characters"),
        ("why", "x" * 2001, "at most 2000 characters"),
        ("name", "x" * 121, "at most 120 characters"),
        ("team", "x" * 121, "at most 120 characters"),
        ("email", "not-an-address", "Enter a valid email address."),
        ("email", "dana@example.com\nBcc: all@example.com", "Enter a valid email address."),
        ("name", "Dana\nBcc: all@example.com", "Remove the control characters"),
        ("name", "Dana\rWhitfield", "Remove the control characters"),
        ("title", "Tab\there", "Remove the control characters"),
        ("details", "Bell\x07", "Remove the control characters"),
        ("why", "Escape\x1b[31m", "Remove the control characters"),
        ("wanted_by", "2000-01-01", "Choose today or a later date."),
        ("links", "not a link", "is not a web address"),
        ("links", "javascript:alert(1)", "is not a web address"),
        ("links", "\n".join(f"https://example.com/{n}" for n in range(6)), "at most 5 links"),
        ("title", "", "This field is required."),
        ("why", "", "This field is required."),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(
    client, intake_link, field, value, message
):
    response = client.post(form_url(intake_link), request_data(**{field: value}))
    assert response.status_code == 422
    text = html.unescape(response.content.decode())
    # The message stands in the field's own group, between its label and the next field's.
    start = text.index(f'<label for="id_{field}"')
    end = text.find("<label for=", start + 1)
    assert message in text[start:end]
    assert not Task.objects.exists()
    assert not Person.objects.exists()


def test_html_is_kept_as_typed_and_shown_as_text_everywhere(client, lead_client, intake_link):
    data = request_data(
        title=HTML, details=HTML, why=HTML, name=HTML, team=HTML, email="dana@example.com"
    )
    response = client.post(form_url(intake_link), data)
    task = Task.objects.get()
    assert task.title == HTML
    assert task.description.count(HTML) == 2  # details and why; who sent it is the requester
    assert task.requester.name == HTML and task.requester.title == HTML
    pages = [
        client.get(response.url),
        client.get(reverse("intake:request", args=[tracking_token(task)])),
        lead_client.get(reverse("backlog:triage")),
        lead_client.get(task.get_absolute_url()),
    ]
    for page in pages:
        text = page.content.decode()
        assert HTML not in text, page.request["PATH_INFO"]
        assert "&lt;script&gt;" in text, page.request["PATH_INFO"]


def test_the_signed_in_form_starts_from_the_members_own_name(member_client, member):
    PersonFactory(name="Tom Becker", email="tom@example.com", title="Automation", user=member)
    page = member_client.get(reverse("intake:request-form")).content.decode()
    assert 'value="Tom Becker"' in page and 'value="tom@example.com"' in page
    response = member_client.post(
        reverse("intake:request-form"),
        request_data(name="Marco Rossi", email="marco@example.com", team="Sales"),
    )
    task = Task.objects.get()
    assert response.status_code == 303
    assert task.requester.email == "marco@example.com"
    assert task.status == Status.NEW


def test_the_signed_in_form_is_not_rate_limited(member_client, settings):
    settings.MOPSBOARD_INTAKE_PER_IP_HOUR = 1
    for _ in range(3):
        assert member_client.post(reverse("intake:request-form"), request_data()).status_code == 303


@pytest.mark.parametrize("role", ["member_client", "viewer_client"])
def test_intake_links_are_the_leads(request, role):
    client = request.getfixturevalue(role)
    assert client.get(reverse("intake:links")).status_code == 403
    assert client.post(reverse("intake:link-create"), {"label": "Sneaky"}).status_code == 403
    assert not IntakeLink.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_for_intake_links(client):
    response = client.get(reverse("intake:links"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_lead_creates_copies_and_revokes_an_intake_link(lead_client):
    category = CategoryFactory(name="Campaign build")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = lead_client.post(
        reverse("intake:link-create"),
        {"label": "Events team", "category": category.pk, "expires_on": tomorrow.isoformat()},
    )
    assert response.status_code == 302
    link = IntakeLink.objects.get()
    assert (link.label, link.category, link.expires_on) == ("Events team", category, tomorrow)
    page = lead_client.get(reverse("intake:links")).content.decode()
    assert f'value="http://testserver{link.get_absolute_url()}"' in page
    assert 'aria-label="Intake link for Events team"' in page
    confirm = lead_client.get(reverse("intake:link-revoke", args=[link.pk]))
    assert "Revoke the intake link for Events team?" in confirm.content.decode()
    lead_client.post(reverse("intake:link-revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert "Revoked" in lead_client.get(reverse("intake:links")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": ""}, "This field is required."),
        ({"label": "Sales\nteam"}, "Remove the control characters"),
        ({"label": "Sales", "expires_on": "2000-01-01"}, "Choose today or a later date."),
    ],
)
def test_bad_intake_link_input_gets_422(lead_client, data, message):
    response = lead_client.post(reverse("intake:link-create"), data)
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert not IntakeLink.objects.exists()


def test_intake_links_are_paged(lead_client):
    IntakeLinkFactory.create_batch(51)
    page = lead_client.get(reverse("intake:links")).content.decode()
    assert "Page 1 of 2" in page
    assert "Page 2 of 2" in lead_client.get(reverse("intake:links") + "?page=2").content.decode()


# --- The requester's tokens --------------------------------------------------------------


def test_forged_tracking_and_list_tokens_are_404(client):
    task = TaskFactory(unscored=True)
    good = tracking_token(task)
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    for name in ("intake:request", "intake:receipt"):
        response = client.get(reverse(name, args=[forged]))
        assert response.status_code == 404
        assert "does not work" in response.content.decode()
    assert client.post(reverse("intake:requests-email", args=[forged])).status_code == 404
    mine = requester_token(task.requester)
    assert client.get(reverse("intake:mine", args=[mine[:-2] + "zz"])).status_code == 404


def test_an_expired_list_token_is_404_and_says_so(client, settings):
    task = TaskFactory(unscored=True)
    old = timezone.now() - datetime.timedelta(days=8)
    signer = signing.TimestampSigner(salt="intake.requester")
    signer.timestamp = lambda: signing.b62_encode(int(old.timestamp()))
    token = signer.sign(str(task.requester.pk))
    response = client.get(reverse("intake:mine", args=[token]))
    assert response.status_code == 404
    assert "has expired" in response.content.decode()
    settings.MOPSBOARD_REQUESTS_LINK_DAYS = 9
    assert client.get(reverse("intake:mine", args=[token])).status_code == 200


def test_a_token_opens_its_own_thing_and_nothing_else(client):
    first, second = TaskFactory(unscored=True), TaskFactory(unscored=True)
    token = tracking_token(first)
    page = client.get(reverse("intake:request", args=[token])).content.decode()
    assert first.title in page and second.title not in page
    # Request 1's token is no list of requests, and a list token is no request.
    assert client.get(reverse("intake:mine", args=[token])).status_code == 404
    list_token = requester_token(first.requester)
    assert client.get(reverse("intake:request", args=[list_token])).status_code == 404
    # Neither opens an intake link, nor the other way round.
    link = IntakeLinkFactory()
    assert client.get(reverse("intake:link-form", args=[token])).status_code == 404
    assert client.get(reverse("intake:request", args=[link.token])).status_code == 404
    # A token for request 2 made with request 1's signature does not open request 2.
    swapped = f"{second.pk}:{token.split(':', 1)[1]}"
    assert client.get(reverse("intake:request", args=[swapped])).status_code == 404


def test_a_deleted_request_says_so(client):
    task = TaskFactory(unscored=True)
    token = tracking_token(task)
    task.delete()
    response = client.get(reverse("intake:request", args=[token]))
    assert response.status_code == 404
    assert "The team has removed this request from its list." in response.content.decode()


# --- All my requests ----------------------------------------------------------------------


def test_all_my_requests_are_emailed_as_an_expiring_link(client, settings):
    dana = PersonFactory(name="Dana", email="dana@example.com")
    mine = [TaskFactory(requester=dana, title=f"Mine {n}", unscored=n == 0) for n in range(3)]
    theirs = TaskFactory(title="Someone else's")
    token = tracking_token(mine[0])
    response = client.post(reverse("intake:requests-email", args=[token]))
    assert response.status_code == 303
    assert response.url == reverse("intake:request", args=[token])
    email = Email.objects.get()
    assert email.to == "dana@example.com" and email.private
    job_deliver(email.job_id, last_try=False)
    (sent,) = django_mail.outbox
    url = sent.body.split("\n\n")[2].strip()
    assert url.startswith(settings.MOPSBOARD_SITE_URL + "/requests/mine/")
    assert "works for 7 days" in sent.body
    followed = client.get(response.url).content.decode()
    assert "We have emailed a link to all your requests to the address the team has" in followed
    page = client.get(url.removeprefix(settings.MOPSBOARD_SITE_URL))
    text = page.content.decode()
    assert page["Cache-Control"] == "no-store" and page["X-Robots-Tag"].startswith("noindex")
    for task in mine:
        assert task.title in text
        assert reverse("intake:request", args=[tracking_token(task)]) in text
    assert theirs.title not in text
    assert "Received, waiting for triage" in text


def test_all_my_requests_is_rate_limited(client, settings):
    settings.MOPSBOARD_REQUESTS_EMAILS_PER_HOUR = 2
    task = TaskFactory(unscored=True)
    url = reverse("intake:requests-email", args=[tracking_token(task)])
    assert [client.post(url).status_code for _ in range(3)] == [303, 303, 429]
    assert Email.objects.count() == 2
    # From another address too: the limit is the requester's inbox.
    assert client.post(url, REMOTE_ADDR="192.0.2.50").status_code == 429


def test_a_requester_without_an_address_gets_no_button_and_no_email(client):
    task = TaskFactory(unscored=True, requester=PersonFactory(email=""))
    token = tracking_token(task)
    page = client.get(reverse("intake:request", args=[token])).content.decode()
    assert "Email me a link to all my requests" not in page
    response = client.post(reverse("intake:requests-email", args=[token]), follow=True)
    assert "no email address" in response.content.decode()
    assert not Email.objects.exists()


def test_the_public_form_checks_csrf_and_keeps_its_origin(intake_link):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get(form_url(intake_link))
    # The site's same-origin policy: under no-referrer a browser would post "Origin: null".
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cache-Control"] == "no-store" and page["X-Robots-Tag"].startswith("noindex")
    assert client.post(form_url(intake_link), request_data()).status_code == 403
    assert not Task.objects.exists()
    token = page.context["csrf_token"]
    sent = client.post(form_url(intake_link), {**request_data(), "csrfmiddlewaretoken": str(token)})
    assert sent.status_code == 303


def test_the_task_page_history_names_the_intake_link_and_the_requester(client, lead_client):
    link = IntakeLinkFactory(label="Events team")
    client.post(form_url(link), request_data(name="Sam Carter"))
    task = Task.objects.get()
    text = lead_client.get(task.get_absolute_url()).content.decode()
    assert "Came in through the intake link “Events team” by <strong>Sam Carter</strong>" in text


def test_with_no_live_intake_link_the_command_says_where_to_make_one(db, settings):
    settings.MOPSBOARD_SITE_URL = "https://mops.example.com"
    out = io.StringIO()
    call_command("intake_links", stdout=out)
    assert out.getvalue() == (
        "No intake link opens yet: the lead makes one at https://mops.example.com/intake-links/\n"
    )
