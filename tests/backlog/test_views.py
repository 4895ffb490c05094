"""Each backlog page as a plain request and as an htmx request, and what bad input gets."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backlog.models import Quadrant, Status, Task, new_year_after
from mail.models import Email
from tests.factories import CategoryFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

NEW_YEAR = new_year_after(datetime.date.today()).isoformat()

HTMX = {"HX-Request": "true"}


def test_home_goes_to_the_board(lead_client):
    assert lead_client.get("/").url == reverse("backlog:board")


def test_board_shows_four_quadrants_with_actions_counts_and_cards(lead_client):
    TaskFactory(title="Repair the demo-request form", impact=5, effort=1)
    TaskFactory(title="Migrate the platform", impact=1, effort=5)
    TaskFactory(title="Done already", status=Status.DONE)
    page = lead_client.get(reverse("backlog:board")).content.decode()
    for quadrant in Quadrant:
        assert f'data-quadrant="{quadrant.value}"' in page
        assert quadrant.action in page
    assert "Repair the demo-request form" in page
    assert "Migrate the platform" in page
    assert "Done already" not in page


def test_the_board_lists_z_among_its_keys(lead_client):
    page = lead_client.get(reverse("backlog:board")).content.decode()
    keys = page.split('id="board-keys"')[1].split("</p>")[0]
    assert "<kbd>z</kbd> undoes what you just did" in keys


def test_board_htmx_request_gets_only_the_quadrants(lead_client):
    TaskFactory(title="Bounce management campaign")
    response = lead_client.get(reverse("backlog:board"), headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="board-quadrants"')
    assert "<html" not in body
    assert "Bounce management campaign" in body


def test_board_history_restore_gets_the_whole_page(lead_client):
    response = lead_client.get(
        reverse("backlog:board"), headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_board_filters_by_text_category_requester_status_and_due_date(lead_client):
    data = CategoryFactory(name="Data cleanup")
    dana = PersonFactory(name="Dana Whitfield")
    TaskFactory(title="Deduplicate contacts", category=data, requester=dana, due_date="2026-12-01")
    TaskFactory(title="Email template refresh")
    url = reverse("backlog:board")
    assert "Deduplicate contacts" not in lead_client.get(url, {"q": "template"}).content.decode()
    for params in (
        {"q": "dedup"},
        {"category": data.pk},
        {"requester": dana.pk},
        {"due_before": "2026-12-02"},
    ):
        body = lead_client.get(url, params).content.decode()
        assert "Deduplicate contacts" in body, params
        assert "Email template refresh" not in body, params
    TaskFactory(title="Archived work", status=Status.DONE)
    assert "Archived work" in lead_client.get(url, {"status": "done"}).content.decode()


def test_board_shows_top_cards_and_a_link_to_the_rest(lead_client, settings):
    settings.MOPSBOARD_QUADRANT_PAGE_SIZE = 3
    TaskFactory.create_batch(5, impact=5, effort=1)
    body = lead_client.get(reverse("backlog:board")).content.decode()
    assert body.count('class="card"') == 3
    assert "Show all 5" in body


def test_board_counts_stop_at_the_cap(lead_client, settings):
    settings.MOPSBOARD_COUNT_CAP = 4
    TaskFactory.create_batch(6, impact=5, effort=1)
    TaskFactory.create_batch(4, impact=1, effort=5)
    body = lead_client.get(reverse("backlog:board")).content.decode()
    assert '<span class="count">4+</span>' in body
    assert '<span class="count">4</span>' in body


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"task": 999999, "quadrant": "quick-win"}, 422, "That task no longer exists."),
        ({"task": ""}, 422, "Pick the task to act on."),
        ({"task": "abc", "quadrant": "quick-win"}, 422, "That task no longer exists."),
        ({"quadrant": "top-left"}, 422, "one of the four quadrants"),
        ({"action": "delete"}, 422, "That action is not offered here."),
    ],
    ids=["unknown-task", "no-task", "text-task", "unknown-quadrant", "unknown-action"],
)
def test_bad_moves_get_a_4xx_with_a_message(htmx_client, data, status, message):
    task = TaskFactory()
    data = {"task": task.pk, "action": "move", "version": 1, **data}
    response = htmx_client.post(reverse("backlog:board-action"), data)
    assert response.status_code == status
    assert message in response.content.decode()


def test_quadrant_page_pages_through_cards_plain_and_htmx(lead_client, settings):
    settings.MOPSBOARD_QUADRANT_PAGE_SIZE = 3
    TaskFactory.create_batch(5, impact=5, effort=1)
    url = reverse("backlog:quadrant", args=["quick-win"])
    first = lead_client.get(url).content.decode()
    assert first.count('class="card"') == 3
    assert "Show more (3 of 5 shown)" in first
    more = lead_client.get(url, {"page": 2}, headers=HTMX).content.decode()
    assert more.count('class="card"') == 2
    assert "<html" not in more


def test_unknown_quadrant_is_a_404(lead_client):
    assert lead_client.get("/board/not-a-quadrant/").status_code == 404


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_invalid_filter_is_a_422_with_a_message_htmx_swaps_in(lead_client, headers):
    response = lead_client.get(
        reverse("backlog:board"), {"due_before": "next tuesday"}, headers=headers
    )
    assert response.status_code == 422
    assert "Some filters were not understood" in response.content.decode()


def test_scatter_plots_scored_tasks_as_links(lead_client):
    task = TaskFactory(impact=5, effort=1, estimate_hours=8)
    TaskFactory(unscored=True)
    body = lead_client.get(reverse("backlog:scatter")).content.decode()
    assert (
        body.count('class="point" href="#mark-quick-win" data-quadrant="quick-win" transform') == 1
    )
    assert f'href="/tasks/{task.pk}/"' in body
    htmx_body = lead_client.get(reverse("backlog:scatter"), headers=HTMX).content.decode()
    assert htmx_body.lstrip().startswith('<figure id="scatter-chart"')


def test_scatter_reads_without_colour_with_a_key_and_a_table(lead_client):
    """Each quadrant has its own shape, named in a legend; the top tasks are numbered on the
    chart and listed beside it; a table says the same for a screen reader."""
    TaskFactory(title="Fix the lead form", impact=5, effort=1, estimate_hours=2)
    TaskFactory(title="New data platform", impact=5, effort=5, estimate_hours=80)
    TaskFactory(title="Tidy the folders", impact=1, effort=1)
    body = lead_client.get(reverse("backlog:scatter")).content.decode()
    for quadrant, shape in [
        ("quick-win", "circle"),
        ("major-project", "rect"),
        ("fill-in", "polygon"),
        ("money-pit", "polygon"),
    ]:
        assert f'<{shape} id="mark-{quadrant}"' in body
    legend = body[body.index('class="scatter-legend"') : body.index("</ul>")]
    assert "<strong>Do now</strong> Quick win · 1" in legend
    assert "<strong>Defer to new year</strong> Money pit · 0" in legend
    top = body[body.index('class="scatter-top"') : body.index("</ol>", body.index("scatter-top"))]
    assert top.index("Fix the lead form") < top.index("New data platform")
    assert body.count('<text class="rank"') == 3
    table = body[body.index("<table") : body.index("</table>")]
    assert '<th scope="row">New data platform</th><td>Major project — Plan</td>' in table
    assert "<td>5</td><td>5</td><td>80 h</td>" in table


def test_move_rescores_the_card_and_redraws_the_board(htmx_client):
    task = TaskFactory(impact=2, effort=4)
    response = htmx_client.post(
        reverse("backlog:board-action"),
        {"task": task.pk, "action": "move", "quadrant": "quick-win", "version": 1},
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="board-quadrants"')
    task.refresh_from_db()
    assert (task.impact, task.effort) == (3, 2)


@pytest.mark.parametrize(
    ("estimate", "said"),
    [
        # Hours that followed effort 4 (16 h) stay 16 h at effort 2, and the lead is told.
        (None, "Its estimate stays 16 h, so nobody&#x27;s load changes; effort 2 usually"),
        (Decimal("6.5"), "Its estimate stays 6.5 h, so nobody&#x27;s load changes"),
    ],
)
def test_a_move_keeps_the_hours_and_says_so(htmx_client, estimate, said):
    task = TaskFactory(impact=2, effort=4, estimate_hours=estimate)
    response = htmx_client.post(
        reverse("backlog:board-action"),
        {"task": task.pk, "action": "move", "quadrant": "quick-win", "version": 1},
    )
    task.refresh_from_db()
    assert (task.effort, task.estimate) == (2, estimate or 16)
    assert said in response.content.decode()


def test_move_without_htmx_redirects_back_to_the_filtered_board(lead_client):
    task = TaskFactory(impact=2, effort=4)
    response = lead_client.post(
        reverse("backlog:board-action") + "?q=crm",
        {"task": task.pk, "action": "move", "quadrant": "major-project", "version": 1},
    )
    assert response.url == reverse("backlog:board") + "?q=crm"


def test_stale_move_is_refused_with_a_conflict_message(htmx_client):
    task = TaskFactory(impact=2, effort=4)
    Task.objects.filter(pk=task.pk).update(impact=5, version=2)
    response = htmx_client.post(
        reverse("backlog:board-action"),
        {"task": task.pk, "action": "move", "quadrant": "fill-in", "version": 1},
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    task.refresh_from_db()
    assert (task.impact, task.effort) == (5, 4)


def test_triage_lists_unscored_requests_oldest_first(lead_client):
    newer = TaskFactory(unscored=True, title="Newer request")
    older = TaskFactory(unscored=True, title="Older request")
    Task.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2025))
    body = lead_client.get(reverse("backlog:triage")).content.decode()
    assert body.index("Older request") < body.index("Newer request")
    assert '<span id="triage-count">2</span>' in body


def test_past_a_thousand_requests_the_inbox_says_so_rather_than_counting_on(
    lead_client, htmx_client, monkeypatch
):
    monkeypatch.setattr("backlog.views.TRIAGE_COUNTED", 2)
    monkeypatch.setattr("backlog.models.TRIAGE_COUNTED", 2)
    first, second, *_ = TaskFactory.create_batch(4, unscored=True)
    body = lead_client.get(reverse("backlog:triage")).content.decode()
    assert '<span id="triage-count">2+</span>' in body

    def score(task) -> str:
        return htmx_client.post(
            reverse("backlog:triage-action", args=[task.pk, "score"]),
            {"impact": 5, "effort": 1, "version": 1},
        ).content.decode()

    assert '<span id="triage-count" hx-swap-oob="true">2+</span>' in score(first)
    assert '<span id="triage-count" hx-swap-oob="true">2</span>' in score(second)


def test_triage_empty_state(lead_client):
    assert "Inbox zero" in lead_client.get(reverse("backlog:triage")).content.decode()


def test_scoring_in_triage_removes_the_row_and_updates_the_counter(htmx_client):
    task, _ = TaskFactory.create_batch(2, unscored=True)
    response = htmx_client.post(
        reverse("backlog:triage-action", args=[task.pk, "score"]),
        {"impact": 5, "effort": 1, "version": 1},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="triage-row-{task.pk}"' not in body
    assert '<span id="triage-count" hx-swap-oob="true">1</span>' in body
    assert "Quick win — Do now" in body
    task.refresh_from_db()
    assert task.status == Status.BACKLOG


def test_scoring_a_request_emails_its_requester_for_a_few_queries(
    htmx_client, django_assert_num_queries, run_tell_jobs
):
    task = TaskFactory(unscored=True)
    # 9, one of them the `tell` job queued with the change; who hears it, the
    # notification and its email are the job's, on a worker.
    with django_assert_num_queries(9):
        response = htmx_client.post(
            reverse("backlog:triage-action", args=[task.pk, "score"]),
            {"impact": 5, "effort": 1, "version": 1},
        )
    assert response.status_code == 200
    assert run_tell_jobs() == 1
    assert Email.objects.get().to == task.requester.email


def test_scoring_without_htmx_redirects_to_the_inbox(lead_client):
    task = TaskFactory(unscored=True)
    response = lead_client.post(
        reverse("backlog:triage-action", args=[task.pk, "score"]),
        {"impact": 1, "effort": 1, "version": 1},
    )
    assert response.url == reverse("backlog:triage")


def test_defer_from_triage_defaults_to_the_new_year(htmx_client):
    task = TaskFactory(unscored=True)
    page = htmx_client.get(reverse("backlog:triage"), headers={"HX-Request": ""})
    assert 'name="until" value="' in page.content.decode()
    response = htmx_client.post(
        reverse("backlog:triage-action", args=[task.pk, "defer"]),
        {"until": "2099-01-01", "version": 1},
    )
    assert response.status_code == 422
    assert "within the next three years" in response.content.decode()


def test_decline_needs_a_reason(htmx_client):
    task = TaskFactory(unscored=True)
    url = reverse("backlog:triage-action", args=[task.pk, "decline"])
    response = htmx_client.post(url, {"reason": "  ", "version": 1})
    assert response.status_code == 422
    assert "Give the requester a reason." in response.content.decode()
    response = htmx_client.post(url, {"reason": "Covered by the Q1 audit", "version": 1})
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.status, task.declined_reason) == (Status.DECLINED, "Covered by the Q1 audit")


@pytest.mark.parametrize(
    ("impact", "effort"),
    [(0, 3), (6, 3), (3, 0), (3, 6), ("abc", 3), (3, ""), (None, 3)],
)
def test_bad_scores_get_422_with_a_message_and_change_nothing(htmx_client, impact, effort):
    task = TaskFactory(unscored=True)
    data = {"version": 1, "impact": impact, "effort": effort}
    response = htmx_client.post(
        reverse("backlog:triage-action", args=[task.pk, "score"]),
        {key: value for key, value in data.items() if value is not None},
    )
    assert response.status_code == 422
    assert "Choose a score from 1 to 5." in response.content.decode()
    task.refresh_from_db()
    assert (task.impact, task.effort, task.version) == (None, None, 1)


def test_unknown_task_is_a_404(lead_client, htmx_client):
    assert lead_client.get(reverse("backlog:task-detail", args=[999999])).status_code == 404
    response = htmx_client.post(
        reverse("backlog:triage-action", args=[999999, "score"]),
        {"impact": 3, "effort": 3, "version": 1},
    )
    assert response.status_code == 404


def test_new_request_goes_to_triage(lead_client):
    response = lead_client.post(
        reverse("backlog:task-new"), {"title": "Webinar program for the user conference"}
    )
    task = Task.objects.get()
    assert response.url == task.get_absolute_url()
    assert task.status == Status.NEW


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("x" * 10_000, "Ensure this value has at most 200 characters"),
        ("", "This field is required."),
    ],
    ids=["10000-characters", "empty"],
)
def test_bad_titles_get_422_with_a_message(lead_client, title, message):
    response = lead_client.post(reverse("backlog:task-new"), {"title": title})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Task.objects.exists()


def test_a_title_with_html_is_stored_as_typed_and_shown_as_text(lead_client):
    title = "Add <noscript> pixel & <script>alert(1)</script>"
    response = lead_client.post(reverse("backlog:task-new"), {"title": title}, follow=True)
    assert Task.objects.get().title == title
    body = response.content.decode()
    assert "Add &lt;noscript&gt; pixel &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<noscript>" not in body


def test_one_score_without_the_other_is_refused(lead_client):
    response = lead_client.post(reverse("backlog:task-new"), {"title": "Half scored", "impact": 3})
    assert response.status_code == 422
    assert "Score both impact and effort" in response.content.decode()


def test_html_already_stored_in_a_title_renders_escaped(lead_client):
    task = TaskFactory(title="<script>alert(1)</script>")
    body = lead_client.get(task.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def _edit(client, task, version, **changes):
    data = {
        "title": task.title,
        "impact": task.impact,
        "effort": task.effort,
        "version": version,
        **changes,
    }
    return client.post(task.get_absolute_url(), data, headers=HTMX)


def test_edit_saves_and_reloads_the_task_page(htmx_client):
    task = TaskFactory(impact=2, effort=2)
    response = _edit(htmx_client, task, 1, title="Rebuild lead scoring model", impact=5)
    assert response.status_code == 200
    assert response["HX-Redirect"] == task.get_absolute_url()
    task.refresh_from_db()
    assert (task.title, task.impact, task.version) == ("Rebuild lead scoring model", 5, 2)


def test_two_editors_one_wins_the_other_sees_the_conflict(lead, member):
    from tests.conftest import _logged_in

    task = TaskFactory(title="Attribution dashboard", impact=3, effort=4)
    first, second = _logged_in(lead, HTMX), _logged_in(member, HTMX)
    assert _edit(first, task, 1, title="Attribution dashboard v2").status_code == 200
    response = _edit(second, task, 1, title="Attribution dashboard (draft)", effort=2)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this task" in body
    assert "Attribution dashboard v2" in body  # the newer values
    assert 'value="Attribution dashboard (draft)"' in body  # the loser's input, not lost
    assert 'name="version" value="2"' in body
    task.refresh_from_db()
    assert (task.title, task.effort, task.version) == ("Attribution dashboard v2", 4, 2)


def test_task_page_shows_the_history_timeline(lead_client, lead):
    from backlog import services

    task = TaskFactory(impact=2, effort=4)
    services.task_rescore(task=task, version=1, impact=4, effort=4, by=lead, via="task")
    body = lead_client.get(task.get_absolute_url()).content.decode()
    assert "Changed by <strong>lead</strong>" in body
    assert "<del>2</del> → <ins>4</ins>" in body


def test_status_defer_and_decline_from_the_task_page(lead_client):
    task = TaskFactory()
    lead_client.post(
        reverse("backlog:task-action", args=[task.pk, "status"]),
        {"status": "in_progress", "version": 1},
    )
    lead_client.post(
        reverse("backlog:task-action", args=[task.pk, "defer"]), {"until": NEW_YEAR, "version": 2}
    )
    task.refresh_from_db()
    assert (task.status, str(task.deferred_until)) == (Status.DEFERRED, NEW_YEAR)
    response = lead_client.post(
        reverse("backlog:task-action", args=[task.pk, "decline"]),
        {"reason": "", "version": 3},
        follow=True,
    )
    assert response.redirect_chain == [(task.get_absolute_url(), 302)]
    assert "Give the requester a reason." in response.content.decode()


def test_delete_asks_first_then_deletes(lead_client):
    task = TaskFactory(title="Chat tool pilot")
    url = reverse("backlog:task-delete", args=[task.pk])
    assert "Delete “Chat tool pilot”?" in lead_client.get(url).content.decode()
    assert Task.objects.filter(pk=task.pk).exists()
    lead_client.post(url)
    assert not Task.objects.filter(pk=task.pk).exists()


def test_export_has_the_documented_columns_and_respects_filters(lead_client):
    TaskFactory(title="=HYPERLINK(evil)", impact=5, effort=1)
    TaskFactory(title="Fill-in work", impact=1, effort=1)
    response = lead_client.get(reverse("backlog:task-export"), {"q": "evil"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    for column in (
        "id", "title", "requester", "category", "impact", "effort", "quadrant",
        "status", "estimate_hours", "planned_week", "deferred_until", "created_at",
    ):  # fmt: skip
        assert column in rows[0]
    assert rows[0]["quadrant"] == "quick-win"
    assert rows[0]["title"] == "'=HYPERLINK(evil)"


def test_an_unscored_request_cannot_be_planned_before_it_is_scored(lead_client):
    task = TaskFactory(unscored=True)
    response = lead_client.post(
        reverse("backlog:task-action", args=[task.pk, "status"]),
        {"status": "in_progress", "version": 1},
        follow=True,
    )
    assert response.redirect_chain == [(task.get_absolute_url(), 302)]
    assert "Score impact and effort first" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.NEW


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("status", {"status": "in_progress", "version": 1}),
        ("defer", {"until": NEW_YEAR, "version": 1}),
        ("decline", {"reason": "Out of scope this year", "version": 1}),
    ],
)
def test_task_actions_over_htmx_reload_the_task_page(htmx_client, name, data):
    task = TaskFactory()
    response = htmx_client.post(reverse("backlog:task-action", args=[task.pk, name]), data)
    assert response.status_code == 200
    assert response["HX-Redirect"] == task.get_absolute_url()
    task.refresh_from_db()
    assert task.version == 2


def test_stale_task_action_is_refused_with_a_message(lead_client):
    task = TaskFactory()
    Task.objects.filter(pk=task.pk).update(version=5, title="Renamed meanwhile")
    response = lead_client.post(
        reverse("backlog:task-action", args=[task.pk, "status"]),
        {"status": "done", "version": 1},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.BACKLOG


def test_password_change_and_logout(lead_client):
    assert lead_client.get(reverse("password_change")).status_code == 200
    response = lead_client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert lead_client.get(reverse("backlog:board")).status_code == 302


def test_date_fields_render_iso_dates_the_browser_picker_reads(lead_client):
    task = TaskFactory(due_date="2026-12-24")
    body = lead_client.get(task.get_absolute_url()).content.decode()
    assert 'type="date" name="due_date" value="2026-12-24"' in body
    new_year = new_year_after(timezone.localdate())
    assert f'type="date" name="until" value="{new_year:%Y-%m-%d}"' in body


def test_triage_htmx_request_gets_only_the_list(lead_client):
    TaskFactory(unscored=True, title="Connect the events app to the CRM")
    body = lead_client.get(reverse("backlog:triage"), headers=HTMX).content.decode()
    assert body.lstrip().startswith('<div id="triage-list"')
    assert "Connect the events app to the CRM" in body


def test_edit_without_htmx_redirects_to_the_task(lead_client):
    task = TaskFactory(impact=2, effort=2)
    data = {"title": "Webinar program template", "impact": 3, "effort": 2, "version": 1}
    response = lead_client.post(task.get_absolute_url(), data)
    assert response.url == task.get_absolute_url()
    task.refresh_from_db()
    assert task.title == "Webinar program template"


def test_a_request_that_left_triage_is_not_triaged_again(htmx_client):
    task = TaskFactory(status=Status.DECLINED, impact=None, effort=None, declined_reason="No")
    response = htmx_client.post(
        reverse("backlog:triage-action", args=[task.pk, "score"]),
        {"impact": 5, "effort": 1, "version": 1},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "has left triage already: it is Declined" in body
    assert f'id="triage-row-{task.pk}"' not in body
    task.refresh_from_db()
    assert (task.status, task.impact) == (Status.DECLINED, None)


@pytest.mark.parametrize("name", ["backlog:board", "backlog:scatter"])
def test_filtering_over_htmx_updates_the_export_and_view_links(lead_client, name):
    body = lead_client.get(reverse(name), {"q": "crm"}, headers=HTMX).content.decode()
    assert 'id="view-links" class="views" aria-label="Views" hx-swap-oob="true"' in body
    assert 'href="/tasks/export.csv?q=crm"' in body


def test_the_inbox_lists_deferred_work_that_is_due_without_writing(lead_client):
    TaskFactory(
        title="Evaluate the stack",
        status=Status.DEFERRED,
        deferred_until=timezone.localdate(),
    )
    body = lead_client.get(reverse("backlog:triage")).content.decode()
    assert "Evaluate the stack" in body
    assert "Back from deferral today" in body
    task = Task.objects.get()
    assert (task.status, task.version) == (Status.DEFERRED, 1)
    response = lead_client.post(
        reverse("backlog:triage-action", args=[task.pk, "score"]),
        {"impact": 4, "effort": 2, "version": 1},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.impact, task.deferred_until) == (Status.BACKLOG, 4, None)


@pytest.mark.parametrize(
    "url", ["/board/", "/board/scatter/", "/board/quick-win/", "/triage/", "/raci/"]
)
def test_pages_and_their_fragments_vary_on_htmx(lead_client, url):
    for headers in ({}, HTMX):
        response = lead_client.get(url, headers=headers)
        assert "HX-Request" in response["Vary"], (url, headers)


def test_quadrant_urls_do_not_swallow_other_board_pages(lead_client):
    assert lead_client.get("/board/act/").url == reverse("backlog:board")
    assert lead_client.get("/board/scatter/").status_code == 200
