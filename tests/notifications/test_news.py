"""Who hears what, how often, and in which words: requesters and Informed people hear of
each decision, at once, in a digest, or never. The news is queued as one `tell` job in the
change's own transaction; `run_tell_jobs` runs the waiting jobs as a worker would."""

import datetime

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from backlog import services
from backlog.models import Status, TaskEvent
from capacity.services import task_plan
from mail.models import Email
from mail.tasks import job_deliver
from mopsboard.weeks import week_of
from notifications.models import News, Notification
from notifications.services import digests_send, person_token
from notifications.tasks import tell
from people.models import Person
from raci.models import Role
from raci.services import assignment_set
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requester():
    return PersonFactory(name="Rita Requester", email="rita@example.com", kind="stakeholder")


@pytest.fixture
def request_in_triage(requester):
    return TaskFactory(unscored=True, requester=requester, title="Webinar landing page")


def _news(person):
    return list(Notification.objects.filter(person=person).values_list("news", "text"))


def _waiting_jobs():
    return ProcrastinateJob.objects.filter(task_name=tell.name, status="todo")


def test_a_request_through_intake_is_acknowledged_at_once(requester, run_tell_jobs):
    task = services.task_create(by=None, via="intake", title="Webinar page", requester=requester)
    assert run_tell_jobs() == 1
    assert _news(requester) == [
        (
            News.RECEIVED,
            "We received your request “Webinar page”. "
            "We triage new requests within 2 working days.",
        )
    ]
    email = Email.objects.get()
    assert (email.to, email.task, email.event) == ("rita@example.com", task, "Received")
    assert "/requests/" in email.text


def test_a_request_the_team_types_in_is_not_acknowledged(requester, run_tell_jobs):
    services.task_create(by=None, via="task", title="Typed in", requester=requester)
    # No news, no job.
    assert run_tell_jobs() == 0
    assert not Notification.objects.exists() and not Email.objects.exists()


def test_triage_tells_the_requester_the_quadrant_and_what_it_means(
    request_in_triage, requester, run_tell_jobs
):
    services.task_rescore(
        task=request_in_triage, version=1, impact=5, effort=1, by=UserFactory(), via="triage"
    )
    run_tell_jobs()
    assert _news(requester) == [
        (
            News.TRIAGED,
            "“Webinar landing page” is a quick win. "
            "High impact for little effort: we will do it soon.",
        )
    ]


def test_planning_and_replanning_are_told_with_the_week(
    request_in_triage, requester, run_tell_jobs
):
    task = services.task_rescore(
        task=request_in_triage, version=1, impact=2, effort=2, by=None, via="triage"
    )
    monday = week_of(timezone.localdate()) + datetime.timedelta(weeks=1)
    task = task_plan(task=task, version=task.version, week=monday, by=None, via="task")
    later = monday + datetime.timedelta(weeks=1)
    task_plan(task=task, version=task.version, week=later, by=None, via="task")
    run_tell_jobs()
    planned = [text for news, text in _news(requester) if news == News.PLANNED]
    assert planned == [
        f"“Webinar landing page” is planned for the week of {monday:%-d %B %Y}.",
        f"“Webinar landing page” is moved to the week of {later:%-d %B %Y}.",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"status": Status.IN_PROGRESS},
            (News.STARTED, "Work on “Webinar landing page” has started."),
        ),
        ({"status": Status.DONE}, (News.DONE, "“Webinar landing page” is done.")),
        (
            {"status": Status.DEFERRED, "deferred_until": datetime.date(2031, 1, 6)},
            (News.DEFERRED, "“Webinar landing page” is deferred until 6 January 2031."),
        ),
        (
            {"status": Status.DECLINED, "declined_reason": "Sales owns landing pages."},
            (News.DECLINED, "“Webinar landing page” was declined: Sales owns landing pages."),
        ),
    ],
)
def test_each_status_is_told_in_plain_words(requester, change, expected, run_tell_jobs):
    task = TaskFactory(requester=requester, title="Webinar landing page")
    services.task_update(task=task, version=1, by=None, via="task", **change)
    run_tell_jobs()
    assert _news(requester) == [expected]


def test_work_back_from_deferral_is_told(requester, run_tell_jobs):
    TaskFactory(
        requester=requester,
        title="Old idea",
        status=Status.DEFERRED,
        deferred_until=timezone.localdate(),
    )
    services.deferred_tasks_return(today=timezone.localdate())
    run_tell_jobs()
    assert _news(requester) == [
        (News.RETURNED, "“Old idea” is back from deferral and waits to be triaged again.")
    ]


def test_informed_people_hear_the_same_and_raci_changes_the_requester_does_not(
    request_in_triage, requester, run_tell_jobs
):
    informed = AssignmentFactory(task=request_in_triage, role=Role.INFORMED).person
    owner = PersonFactory(name="Ann Owner")
    assignment_set(
        task=request_in_triage,
        person=owner,
        role=Role.ACCOUNTABLE,
        expected="",
        by=None,
        via="raci",
    )
    services.task_rescore(
        task=request_in_triage, version=1, impact=5, effort=1, by=None, via="triage"
    )
    assert run_tell_jobs() == 2
    assert [news for news, _ in _news(informed)] == [News.RACI, News.TRIAGED]
    assert _news(informed)[0][1] == "On “Webinar landing page”, Ann Owner is now Accountable."
    assert [news for news, _ in _news(requester)] == [News.TRIAGED]


def test_the_person_who_made_the_change_is_not_told_about_it(request_in_triage, run_tell_jobs):
    lead = UserFactory()
    AssignmentFactory(
        task=request_in_triage, role=Role.INFORMED, person=request_in_triage.requester
    )
    request_in_triage.requester.user = lead
    request_in_triage.requester.save()
    informed = AssignmentFactory(task=request_in_triage, role=Role.INFORMED).person
    services.task_rescore(
        task=request_in_triage, version=1, impact=5, effort=1, by=lead, via="triage"
    )
    assert run_tell_jobs() == 1
    # The lead asked for it and is Informed, but scored it: only the other Informed hears.
    assert set(Notification.objects.values_list("person", flat=True)) == {informed.pk}
    assert list(Email.objects.values_list("to", flat=True)) == [informed.email]


def test_no_address_or_never_means_no_news(request_in_triage, requester, run_tell_jobs):
    requester.notify = Person.Notify.NEVER
    requester.save()
    AssignmentFactory(task=request_in_triage, role=Role.INFORMED, person__email="")
    services.task_rescore(
        task=request_in_triage, version=1, impact=5, effort=1, by=None, via="triage"
    )
    assert run_tell_jobs() == 1
    assert not Notification.objects.exists()


def test_a_change_that_rolls_back_tells_nobody(request_in_triage, run_tell_jobs):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.task_rescore(
            task=request_in_triage, version=1, impact=5, effort=1, by=None, via="triage"
        )
        assert _waiting_jobs().count() == 1
        raise RuntimeError("the request failed after the write")
    # The job was queued in the change's transaction, and went with it.
    assert not _waiting_jobs().exists()
    assert run_tell_jobs() == 0
    assert not Notification.objects.exists() and not Email.objects.exists()


def test_a_committed_change_leaves_one_job_with_its_news_and_tells_nothing_yet(
    request_in_triage,
):
    lead = UserFactory()
    services.task_rescore(
        task=request_in_triage, version=1, impact=5, effort=1, by=lead, via="triage"
    )
    job = _waiting_jobs().get()
    assert (job.queue_name, job.args) == (
        "notifications",
        {
            "task_id": request_in_triage.pk,
            "version": 2,
            "moment": "",
            "news": [
                [
                    "triaged",
                    "“Webinar landing page” is a quick win. "
                    "High impact for little effort: we will do it soon.",
                ]
            ],
            "by_id": lead.pk,
            # The change as its history names it, for an undo to find its news.
            "change": str(TaskEvent.objects.get(version=2).pgh_context_id),
        },
    )
    assert not Notification.objects.exists() and not Email.objects.exists()


def test_a_raci_change_is_told_apart_from_the_next_one_on_the_same_version(request_in_triage):
    owner = PersonFactory()
    for role, expected in [(Role.ACCOUNTABLE, ""), ("", Role.ACCOUNTABLE)]:
        assignment_set(
            task=request_in_triage, person=owner, role=role, expected=expected, by=None, via="raci"
        )
    moments = [job.args["moment"] for job in _waiting_jobs()]
    assert len(moments) == 2 and all(moments) and moments[0] != moments[1]


def test_a_job_run_twice_tells_each_person_once(request_in_triage, requester):
    informed = AssignmentFactory(task=request_in_triage, role=Role.INFORMED).person
    services.task_rescore(
        task=request_in_triage, version=1, impact=5, effort=1, by=None, via="triage"
    )
    job = _waiting_jobs().get()
    tell(**job.args)
    # A worker that died before marking the job done: the job runs again.
    tell(**job.args)
    assert [news for news, _ in _news(requester)] == [News.TRIAGED]
    assert [news for news, _ in _news(informed)] == [News.TRIAGED]
    assert sorted(Email.objects.values_list("to", flat=True)) == sorted(
        [requester.email, informed.email]
    )


def test_a_task_deleted_before_its_job_runs_is_told_to_nobody(request_in_triage, run_tell_jobs):
    services.task_rescore(
        task=request_in_triage, version=1, impact=5, effort=1, by=None, via="triage"
    )
    services.task_delete(task=request_in_triage, by=None, via="task")
    assert run_tell_jobs() == 1
    assert not ProcrastinateJob.objects.filter(task_name=tell.name).exclude(status="succeeded")
    assert not Notification.objects.exists() and not Email.objects.exists()


def test_a_daily_digest_gathers_the_news_into_one_email_once(
    request_in_triage, requester, run_tell_jobs
):
    requester.notify = Person.Notify.DAILY
    requester.save()
    other = TaskFactory(unscored=True, requester=requester, title="Second ask")
    services.task_rescore(
        task=request_in_triage, version=1, impact=5, effort=1, by=None, via="triage"
    )
    services.task_rescore(task=other, version=1, impact=1, effort=5, by=None, via="triage")
    assert run_tell_jobs() == 2
    assert Notification.objects.count() == 2 and not Email.objects.exists()
    assert digests_send() == 1
    assert digests_send() == 0
    email = Email.objects.get()
    assert email.subject == "Your mopsboard digest: 2 updates"
    assert "quick win" in email.text and "money pit" in email.text
    assert set(Notification.objects.values_list("email", flat=True)) == {email.pk}


def test_every_email_has_one_click_unsubscribe(request_in_triage, requester, run_tell_jobs):
    services.task_rescore(
        task=request_in_triage, version=1, impact=5, effort=1, by=None, via="triage"
    )
    run_tell_jobs()
    email = Email.objects.get()
    job_deliver(email.job_id, last_try=False)
    headers = django_mail.outbox[0].extra_headers
    unsubscribe = reverse("notifications:unsubscribe", args=[person_token(requester)])
    assert headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A mail program posts with no CSRF token and no session.
    response = Client(enforce_csrf_checks=True).post(unsubscribe)
    assert response.status_code == 200 and "No more email" in response.content.decode()
    requester.refresh_from_db()
    assert requester.notify == Person.Notify.NEVER


def test_unsubscribe_asks_first_on_a_plain_visit(requester):
    page = Client().get(reverse("notifications:unsubscribe", args=[person_token(requester)]))
    assert "Stop email from mopsboard?" in page.content.decode()
    assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "same-origin"
    requester.refresh_from_db()
    assert requester.notify == Person.Notify.AT_ONCE


def test_preferences_are_chosen_from_the_email_link(client, requester):
    url = reverse("notifications:preferences", args=[person_token(requester)])
    assert client.post(url, {"notify": "hourly"}).status_code == 422
    response = client.post(url, {"notify": "daily"})
    assert "Saved: in a daily digest" in response.content.decode()
    requester.refresh_from_db()
    assert requester.notify == Person.Notify.DAILY


@pytest.mark.parametrize("name", ["notifications:preferences", "notifications:unsubscribe"])
def test_a_forged_link_is_not_found(client, requester, name):
    forged = person_token(requester)[:-2] + "xx"
    assert client.get(reverse(name, args=[forged])).status_code == 404
    assert client.post(reverse(name, args=[f"{requester.pk + 1}:abc"])).status_code == 404


def test_html_and_newlines_in_a_title_stay_text(requester, run_tell_jobs):
    services.task_create(
        by=None, via="intake", title="<script>x()</script>\r\nBcc: all", requester=requester
    )
    run_tell_jobs()
    email = Email.objects.get()
    assert "\n" not in email.subject
    assert "<script>x()</script>" in email.text
    assert "&lt;script&gt;x()&lt;/script&gt;" in email.html and "<script>" not in email.html


def test_a_person_made_informed_is_told_so_in_the_second_person(request_in_triage, run_tell_jobs):
    sam = PersonFactory(name="Sam Carter", email="sam@example.com")
    already = AssignmentFactory(task=request_in_triage, role=Role.INFORMED).person
    assignment_set(
        task=request_in_triage, person=sam, role=Role.INFORMED, expected="", by=None, via="raci"
    )
    run_tell_jobs()
    assert _news(sam) == [(News.RACI, "You are now Informed about “Webinar landing page”.")]
    assert _news(already) == [(News.RACI, "On “Webinar landing page”, Sam Carter is now Informed.")]
    subjects = set(Email.objects.values_list("subject", flat=True))
    assert subjects == {"Webinar landing page: RACI changed"}


def test_triage_tells_the_requester_the_date_they_asked_for(requester, run_tell_jobs):
    task = TaskFactory(
        unscored=True,
        requester=requester,
        title="Webinar page",
        due_date=datetime.date(2031, 3, 31),
    )
    services.task_rescore(task=task, version=1, impact=5, effort=1, by=None, via="triage")
    run_tell_jobs()
    [(_, text)] = _news(requester)
    assert "You asked for it by Monday 31 March 2031" in text
