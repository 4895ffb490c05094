"""The lead's Webhooks pages: add an endpoint (its secret shown once), refuse private and
odd addresses, the delivery log with "send again", enable, disable, delete; HTML in what
the lead typed is shown as text; the log costs the same queries at any length."""

import pytest
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from tests.factories import DeliveryFactory, EndpointFactory
from tests.webhooks.addresses import HIDDEN_PRIVATE
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db
PAGE = reverse("webhooks:endpoints")


def test_a_new_webhook_shows_its_secret_once(lead_client, lead, settings):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True
    response = lead_client.post(
        PAGE,
        {
            "url": "http://127.0.0.1:8125/hooks",
            "description": "Team chat",
            "events": ["task.declined", "review.recorded"],
        },
    )
    assert response.status_code == 201
    endpoint = Endpoint.objects.get()
    assert (endpoint.events, endpoint.created_by) == (["task.declined", "review.recorded"], lead)
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert endpoint.secret not in lead_client.get(PAGE).content.decode()
    assert endpoint.secret not in lead_client.get(endpoint.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:8000/hooks", "private, loopback"),
        ("http://localhost/hooks", "private, loopback"),
        ("http://10.1.2.3/hooks", "private, loopback"),
        ("http://169.254.169.254/latest/meta-data/", "private, loopback"),
        ("http://[::1]:8000/", "private, loopback"),
        ("http://[::ffff:127.0.0.1]/", "private, loopback"),
        ("http://0.0.0.0/", "private, loopback"),
        ("http://224.0.0.1/", "private, loopback"),
        ("http://user:pw@8.8.8.8/", "user name and password"),
        ("ftp://8.8.8.8/hooks", "Use an http:// or https:// address"),
        ("http://no-such-host.invalid/", "could not be found"),
    ],
)
def test_a_private_or_unusable_address_is_refused(lead_client, url, says):
    response = lead_client.post(PAGE, {"url": url, "events": ["task.created"]})
    assert response.status_code == 422
    assert says in response.content.decode()
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("address", HIDDEN_PRIVATE)
def test_an_ipv6_address_hiding_a_private_network_is_refused(lead_client, resolver, address):
    resolver["hooks.example.com"] = address
    for url in (f"http://[{address}]/hooks", "https://hooks.example.com/hooks"):
        response = lead_client.post(PAGE, {"url": url, "events": ["task.created"]})
        assert response.status_code == 422, url
        assert "private, loopback" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_a_public_server_behind_nat64_is_accepted(lead_client, resolver):
    # How a DNS64 network resolves every IPv4-only name: here 8.8.8.8.
    resolver["hooks.example.com"] = "64:ff9b::808:808"
    response = lead_client.post(
        PAGE, {"url": "https://hooks.example.com/hooks", "events": ["task.created"]}
    )
    assert response.status_code == 201
    assert Endpoint.objects.get().url == "https://hooks.example.com/hooks"


@pytest.mark.parametrize("address", [*HIDDEN_PRIVATE, "127.0.0.1", "169.254.169.254"])
def test_the_admin_refuses_what_the_page_refuses(lead_admin_client, resolver, address):
    resolver["hooks.example.com"] = address
    endpoint = EndpointFactory(url="https://hooks0.example.com/mopsboard")
    resolver["hooks0.example.com"] = "2606:4700::1111"
    unsafe = {"url": "https://hooks.example.com/hooks", "events": ["task.created"]}
    response = lead_admin_client.post(reverse("admin:webhooks_endpoint_add"), unsafe)
    assert response.status_code == 200
    assert "private, loopback" in response.content.decode()
    response = lead_admin_client.post(
        reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]), unsafe
    )
    assert response.status_code == 200
    assert "private, loopback" in response.content.decode()
    assert list(Endpoint.objects.values_list("url", flat=True)) == [endpoint.url]


def test_the_admin_saves_a_public_address(lead_admin_client, resolver):
    resolver["hooks.example.com"] = "2606:4700::1111"
    form = {"url": "https://hooks.example.com/hooks", "description": "CRM"}
    response = lead_admin_client.post(
        reverse("admin:webhooks_endpoint_add"), {**form, "events": ["task.created"]}
    )
    assert response.status_code == 302
    endpoint = Endpoint.objects.get()
    assert (endpoint.url, endpoint.events) == ("https://hooks.example.com/hooks", ["task.created"])
    assert (
        endpoint.secret
        not in lead_admin_client.get(
            reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])
        ).content.decode()
    )


def test_events_must_be_chosen_from_the_list(lead_client, settings):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True
    response = lead_client.post(PAGE, {"url": "http://127.0.0.1/", "events": ["task.deleted"]})
    assert response.status_code == 422
    assert "task.deleted is not one of the available choices" in response.content.decode()
    response = lead_client.post(PAGE, {"url": "http://127.0.0.1/"})
    assert "Choose at least one event." in response.content.decode()


def test_html_in_the_url_and_description_is_shown_as_text(lead_client):
    endpoint = EndpointFactory(
        url='https://hooks.example.com/?q="><script>alert(1)</script>',
        description="<img src=x onerror=alert(2)>",
    )
    DeliveryFactory(endpoint=endpoint, response_excerpt="<b>bold</b>", response_status=500)
    for url in (
        PAGE,
        endpoint.get_absolute_url(),
        reverse("webhooks:endpoint-delete", args=[endpoint.pk]),
    ):
        page = lead_client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(1)" in page
    assert (
        "&lt;b&gt;bold&lt;/b&gt;" in lead_client.get(endpoint.get_absolute_url()).content.decode()
    )


def test_the_list_shows_state_events_last_delivery_and_failures(lead_client):
    broken = EndpointFactory(
        description="CRM",
        consecutive_failures=20,
        disabled_reason="Disabled after 20 failed tries in a row.",
    )
    Endpoint.objects.filter(pk=broken.pk).update(disabled_at="2026-01-01T00:00Z")
    DeliveryFactory(endpoint=broken, failed=True, event="task.planned")
    page = lead_client.get(PAGE).content.decode()
    assert "1 webhook is disabled" in page
    assert "Disabled after 20 failed tries in a row." in page
    assert "task.planned, failed" in page
    assert "Webhooks</a>" in page  # in the menu


def test_the_delivery_log_costs_the_same_queries_at_any_length(
    lead_client, django_assert_max_num_queries
):
    short, long = EndpointFactory(), EndpointFactory()
    DeliveryFactory.create_batch(2, endpoint=short)
    DeliveryFactory.create_batch(120, endpoint=long, failed=True)
    with django_assert_max_num_queries(20) as small:
        lead_client.get(short.get_absolute_url())
    with django_assert_max_num_queries(len(small)):
        page = lead_client.get(long.get_absolute_url())
    assert page.content.decode().count("Send again</button>") == 50
    assert "Deliveries 1\N{EN DASH}50 of 120" in page.content.decode()


def test_the_list_costs_the_same_queries_for_any_number_of_webhooks(
    lead_client, django_assert_max_num_queries
):
    DeliveryFactory.create_batch(2)
    with django_assert_max_num_queries(20) as small:
        lead_client.get(PAGE)
    DeliveryFactory.create_batch(30)
    with django_assert_max_num_queries(len(small)):
        page = lead_client.get(PAGE)
    assert page.content.decode().count("data-endpoint-id=") == 32


def test_send_again_queues_a_failed_delivery(lead_client):
    delivery = DeliveryFactory(failed=True)
    response = lead_client.post(reverse("webhooks:delivery-resend", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert ProcrastinateJob.objects.filter(args={"delivery_id": delivery.pk}).exists()
    again = lead_client.post(reverse("webhooks:delivery-resend", args=[delivery.pk]), follow=True)
    assert "still being tried" in again.content.decode()


def test_send_again_by_htmx_gets_the_row_and_the_message(htmx_client):
    delivery = DeliveryFactory(failed=True)
    response = htmx_client.post(reverse("webhooks:delivery-resend", args=[delivery.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="delivery-{delivery.pk}" data-status="pending"')
    assert 'hx-swap-oob="true"' in body and "is queued again" in body
    assert "HX-Request" in response["Vary"]


def test_disable_enable_and_a_test_event(lead_client, lead):
    endpoint = EndpointFactory(consecutive_failures=4)
    lead_client.post(reverse("webhooks:endpoint-disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason == "Disabled by lead."
    refused = lead_client.post(reverse("webhooks:endpoint-test", args=[endpoint.pk]), follow=True)
    assert "is disabled: enable it first" in refused.content.decode()
    assert not Delivery.objects.exists()
    lead_client.post(reverse("webhooks:endpoint-enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.consecutive_failures == 0
    lead_client.post(reverse("webhooks:endpoint-test", args=[endpoint.pk]))
    test = Delivery.objects.get()
    assert (test.event, test.payload["data"]["endpoint"]["id"]) == ("webhook.test", endpoint.pk)


def test_delete_asks_first_then_takes_the_log_with_it(lead_client):
    delivery = DeliveryFactory()
    url = reverse("webhooks:endpoint-delete", args=[delivery.endpoint_id])
    assert "Delete the webhook" in lead_client.get(url).content.decode()
    assert Endpoint.objects.exists()
    assert lead_client.post(url)["Location"] == PAGE
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_the_log_reloads_itself_while_a_delivery_is_pending(lead_client, htmx_client):
    delivery = DeliveryFactory()
    page = lead_client.get(delivery.endpoint.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page
    fragment = htmx_client.get(delivery.endpoint.get_absolute_url()).content.decode()
    assert fragment.lstrip().startswith('<section id="delivery-log"')
    Delivery.objects.update(status="delivered")
    assert (
        "hx-trigger" not in lead_client.get(delivery.endpoint.get_absolute_url()).content.decode()
    )
