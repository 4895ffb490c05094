"""Load a realistic marketing-ops team, its backlog and its RACI. Safe to run twice."""

import datetime
import os
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from backlog import services
from backlog.models import (
    OPEN_STATUSES,
    Category,
    Quadrant,
    Status,
    Task,
    TaskEvent,
    new_year_after,
)
from capacity.agenda import review_figures
from capacity.models import Review
from capacity.services import task_plan, time_off_set
from conversation.services import comment_post, reply_post
from goals.models import CheckIn, Direction, Goal, Step, Unit
from goals.services import check_in_save, goal_save, step_save, task_goals_set
from intake.models import IntakeLink
from intake.services import request_confirm, request_submit
from mopsboard.jobs import jobs_run
from mopsboard.roles import LEAD, MEMBER, VIEWER
from mopsboard.weeks import week_of, working_days_after
from notifications.tasks import QUEUE as NOTIFICATIONS
from people.models import Person
from raci.models import AssignmentEvent, Role, ShareLink
from raci.services import assignment_set

# The door the demo's changes come through, as their history records it.
DEMO = "demo"

CATEGORIES = [
    "Campaign build",
    "Compliance/privacy",
    "Data cleanup",
    "Documentation",
    "Integration/sync",
    "Platform admin",
    "Reporting",
]

# name, title, kind, weekly hours, login
PEOPLE = [
    ("Priya Shah", "Marketing operations lead", "team", 32, LEAD),
    ("Tom Becker", "Marketing automation specialist", "team", 36, MEMBER),
    ("Ana Lima", "Data & integrations engineer", "team", 36, None),
    ("Kenji Mori", "Reporting analyst", "team", 32, None),
    ("Ruth Okafor", "Web & forms developer (part-time)", "team", 20, None),
    ("Dana Whitfield", "Demand generation", "stakeholder", 0, None),
    ("Marco Rossi", "Sales development", "stakeholder", 0, None),
    ("Lena Fischer", "Product marketing", "stakeholder", 0, None),
    ("Sam Carter", "Events", "stakeholder", 0, None),
    ("Olivia Grant", "Chief marketing officer", "stakeholder", 0, VIEWER),
    ("Northwind Agency", "Creative agency", "stakeholder", 0, None),
]

# title, category, requester, impact, effort, days ago received, due in days (or None)
SCORED = [
    ("Fix CRM sync errors on lead owner field", "Integration/sync", "Marco Rossi", 5, 2, 20, 7),
    (
        "Set communication limits in the automation platform",
        "Platform admin",
        "Dana Whitfield",
        4,
        1,
        18,
        None,
    ),
    ("Bounce management campaign", "Campaign build", "Dana Whitfield", 4, 2, 16, 14),
    ("Deactivate users who left the company", "Platform admin", "Priya Shah", 3, 1, 30, None),
    ("Repair the demo-request form hidden fields", "Campaign build", "Marco Rossi", 5, 1, 3, 3),
    ("Add UTM capture to landing-page forms", "Campaign build", "Dana Whitfield", 4, 2, 12, 21),
    (
        "Lead routing rules for the new EMEA territory",
        "Integration/sync",
        "Marco Rossi",
        5,
        2,
        9,
        10,
    ),
    (
        "Unsubscribe link audit on all email templates",
        "Compliance/privacy",
        "Olivia Grant",
        4,
        1,
        7,
        None,
    ),
    ("Build a preference centre", "Compliance/privacy", "Dana Whitfield", 5, 4, 40, 60),
    (
        "Privacy and consent program for the EU database",
        "Compliance/privacy",
        "Olivia Grant",
        5,
        5,
        45,
        90,
    ),
    ("Attribution dashboard for campaign influence", "Reporting", "Olivia Grant", 4, 4, 35, 45),
    (
        "Integrate the intent-data tool with the CRM",
        "Integration/sync",
        "Lena Fischer",
        4,
        5,
        28,
        None,
    ),
    (
        "Deduplicate and normalise the contact database",
        "Data cleanup",
        "Marco Rossi",
        4,
        4,
        50,
        None,
    ),
    ("Lead lifecycle documentation and SLA", "Documentation", "Marco Rossi", 3, 3, 25, 30),
    ("Webinar program template with reminders", "Campaign build", "Sam Carter", 3, 3, 14, 28),
    ("Rebuild lead scoring model", "Platform admin", "Dana Whitfield", 5, 4, 60, None),
    (
        "Subscription centre with topic choices",
        "Compliance/privacy",
        "Lena Fischer",
        3,
        4,
        22,
        None,
    ),
    ("Rename programs to the naming convention", "Platform admin", "Priya Shah", 2, 2, 33, None),
    ("Archive programs older than two years", "Platform admin", "Priya Shah", 2, 1, 29, None),
    (
        "Tidy the folder structure in the automation platform",
        "Documentation",
        "Priya Shah",
        1,
        2,
        27,
        None,
    ),
    (
        "Remove unused channels and duplicate channels",
        "Platform admin",
        "Priya Shah",
        2,
        1,
        26,
        None,
    ),
    ("Update tokens in the email footer", "Campaign build", "Northwind Agency", 2, 1, 11, None),
    ("Refresh the newsletter email template", "Campaign build", "Lena Fischer", 2, 2, 10, None),
    ("Clean up unused scoring fields", "Data cleanup", "Kenji Mori", 1, 1, 19, None),
    ("List upload for the trade-show leads", "Data cleanup", "Sam Carter", 2, 1, 2, 5),
    ("Evaluate the stack: what to retire", "Platform admin", "Olivia Grant", 2, 5, 70, None),
    (
        "Migrate to a new marketing automation platform",
        "Platform admin",
        "Lena Fischer",
        2,
        5,
        90,
        None,
    ),
    (
        "Custom object sync for product usage data",
        "Integration/sync",
        "Lena Fischer",
        2,
        4,
        41,
        None,
    ),
    ("Rebuild every legacy nurture program", "Campaign build", "Dana Whitfield", 1, 4, 55, None),
    ("Chat tool integration pilot", "Integration/sync", "Marco Rossi", 2, 3, 37, None),
    ("ABM platform evaluation", "Integration/sync", "Olivia Grant", 2, 4, 48, None),
    ("Year in review of campaigns: open and click rates", "Reporting", "Olivia Grant", 3, 2, 6, 30),
    ("Event program for the user conference", "Campaign build", "Sam Carter", 4, 3, 21, 40),
]

# Requests still waiting for a score: the triage inbox.
INBOX = [
    ("Audit users not logged in for 90 days", "Platform admin", "Priya Shah", 8),
    ("New landing page form for the partner program", "Campaign build", "Lena Fischer", 6),
    ("Sales wants a weekly MQL report by region", "Reporting", "Marco Rossi", 5),
    ("Connect the events app to the CRM", "Integration/sync", "Sam Carter", 4),
    ("Fix broken images in the welcome email", "Campaign build", "Northwind Agency", 3),
    ("Document the campaign request process", "Documentation", "Dana Whitfield", 2),
    ("Cookie banner consent sync with the CRM", "Compliance/privacy", "Olivia Grant", 1),
    ("Normalise job titles for persona reporting", "Data cleanup", "Kenji Mori", 1),
]

# Who does what, by category: (Responsible, Accountable). The requester is Consulted.
OWNERS = {
    "Campaign build": ("Tom Becker", "Priya Shah"),
    "Compliance/privacy": ("Ruth Okafor", "Priya Shah"),
    "Data cleanup": ("Ana Lima", "Priya Shah"),
    "Documentation": ("Priya Shah", "Priya Shah"),
    "Integration/sync": ("Ana Lima", "Tom Becker"),
    "Platform admin": ("Tom Becker", "Priya Shah"),
    "Reporting": ("Kenji Mori", "Priya Shah"),
}
# Left broken on purpose, so the RACI health checks have something to show.
NO_ACCOUNTABLE = {"Attribution dashboard for campaign influence", "Chat tool integration pilot"}
NO_RESPONSIBLE = {"Subscription centre with topic choices"}
DEMO_SHARE_LINK = "Demo: the whole matrix"

# Work that has moved on from the backlog: its status, and its week (0 is this week).
PROGRESS = {
    "Fix CRM sync errors on lead owner field": (Status.IN_PROGRESS, 0),
    "Set communication limits in the automation platform": (Status.DONE, -2),
    "Bounce management campaign": (Status.PLANNED, 0),
    "Deactivate users who left the company": (Status.IN_PROGRESS, -1),
    "Rebuild lead scoring model": (Status.PLANNED, 0),
    "Webinar program template with reminders": (Status.PLANNED, 0),
    "Attribution dashboard for campaign influence": (Status.PLANNED, 1),
    "Build a preference centre": (Status.PLANNED, 1),
    "Lead lifecycle documentation and SLA": (Status.IN_PROGRESS, 0),
    "Repair the demo-request form hidden fields": (Status.PLANNED, 0),
    "Lead routing rules for the new EMEA territory": (Status.PLANNED, 0),
    "Privacy and consent program for the EU database": (Status.PLANNED, 3),
    "Add UTM capture to landing-page forms": (Status.PLANNED, 1),
    "Integrate the intent-data tool with the CRM": (Status.PLANNED, 2),
}
# Major projects planned over several weeks from their week, so the horizon shows a span.
SPANS = {"Integrate the intent-data tool with the CRM": 4}
# Ruth is at a conference next week; Tom is off a day this week, which tips him over.
TIME_OFF = [("Ruth Okafor", 1, 16, "Conference"), ("Tom Becker", 0, 8, "Half-term")]
DEFERRED = ["Evaluate the stack: what to retire", "Migrate to a new marketing automation platform"]
# Deferred until today, so it comes back in the week after last week's review.
RETURNS_TODAY = "Archive programs older than two years"
# What happened since last week's review, for this week's agenda.
FINISHED_THIS_WEEK = "Deactivate users who left the company"
MOVED_THIS_WEEK = ("Rename programs to the naming convention", Quadrant.QUICK_WIN)
NINE_AM = datetime.time(9)
LAST_REVIEW_DECISIONS = (
    "Ruth's preference centre work starts next week, after her conference.\n"
    "The stack evaluation waits for the new year."
)
# Public request forms, and what came in through them (through intake's own service, so
# they are real intake requests): link, title, requester (name, email, team), details,
# why, days ago received, and the scores it got after so many working days (None: waiting).
INTAKE_LINKS = [("Sales requests", None), ("Events team", "Campaign build")]
INTAKE_REQUESTS = [
    (
        "Sales requests",
        "Book-a-demo button on the pricing page form",
        ("Marco Rossi", "Marco@example.com", "Sales development"),
        "A button under the pricing table that opens the demo form with the plan filled in.",
        "Prospects on the pricing page leave without talking to us; sales asked twice.",
        16,
        (1, 5, 1),
    ),
    (
        "Sales requests",
        "Lead alert emails for the new SDR pod",
        ("Jamie Park", "jamie.park@example.com", "Sales development"),
        "Alert the four new SDRs when a lead in their territory fills in a form.",
        "They start on Monday; without alerts they call leads a day late.",
        11,
        (3, 4, 2),
    ),
    (
        "Events team",
        "Registration page and reminders for the spring roadshow",
        ("Sam Carter", "sam@example.com", "Events"),
        "Five cities, one registration page, a reminder a week and a day before.",
        "Invitations go out next month; without the page we take sign-ups by email.",
        # Left waiting past the triage SLA on purpose: the inbox and the review show it.
        7,
        None,
    ),
    (
        "Events team",
        "Badge-scan list upload after the trade show",
        ("Sam Carter", "sam@example.com", "Events"),
        "About 600 badge scans as a spreadsheet, to load and route to sales.",
        "Leads go cold within a week of the show.",
        0,
        None,
    ),
    (
        "Sales requests",
        "Track clicks on the competitor comparison page",
        ("Ines Duarte", "ines.duarte@example.com", "Sales enablement"),
        "Which comparison rows people open, by account.",
        "We are rewriting the battlecards and want to know what prospects read.",
        1,
        None,
    ),
]
# The conversation on the first request from intake: the lead's question shared with the
# requester, their answer from their page, and a note for the team alone.
CONVERSATION = {
    "Book-a-demo button on the pricing page form": (
        "Should the form open with the plan filled in for every plan, or only the paid ones? "
        "The current form is at https://example.com/demo",
        "Every plan, please: the free plan's visitors are the ones sales wants to call.",
        "Marco's team owns the pricing page copy; check with them before we ship.",
    )
}
DECLINED = {
    "Rebuild every legacy nurture program": "Most of these programs have no active members; "
    "we will retire them instead. Ask for the two you still need.",
}


# The goals the team is measured on: title, short name, owner, KPI, direction, baseline,
# months since the baseline, target, months to the deadline, the monthly check-ins
# since the baseline (oldest first). Leads are on track; clicks are at risk because the
# big rebuild linked to them cannot fit before their deadline; sync errors have no work.
GOALS = [
    (
        "Grow email-sourced leads 40% year on year",
        "Leads +40%",
        "Priya Shah",
        "Email-sourced leads a month",
        Direction.UP,
        500,
        5,
        700,
        7,
        [520, 545, 560, 590, 610],
    ),
    (
        "Email clicks +25% in a year",
        "Clicks +25%",
        "Tom Becker",
        "Email clicks a month",
        Direction.UP,
        8000,
        11,
        10000,
        1,
        [8150, 8400, 8600, 8800, 9000, 9200, 9350, 9500, 9700, 9850, 9950],
    ),
    (
        "CRM sync errors below 50 a week",
        "Sync errors <50",
        "Ana Lima",
        "CRM sync errors a week",
        Direction.DOWN,
        180,
        3,
        50,
        3,
        [160, 130, 100],
    ),
]
# The clicks goal's work: more hours than the team has free before its deadline.
CLICKS_WORK = [
    ("Rebuild every email template for mobile", "Campaign build", 600),
    ("Send-time optimisation for all newsletters", "Platform admin", 500),
]


def months_from(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, 28))


class Command(BaseCommand):
    help = "Load the demo marketing-ops team, its logins and ≥ 40 requests. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already has tasks or users (what `make run` does).",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and (Task.objects.exists() or get_user_model().objects.exists()):
            self.stdout.write("The database has data already; demo data not loaded.")
        else:
            self._seed(options["verbosity"])
        link = ShareLink.objects.filter(label=DEMO_SHARE_LINK, revoked_at__isnull=True).first()
        if link and options["verbosity"]:
            host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
            password = settings.MOPSBOARD_DEMO_PASSWORD
            self.stdout.write(
                f"Demo logins: lead, member, viewer (password {password!r}).\n"
                f"Stakeholder share link: http://{host}:{port}{link.get_absolute_url()}"
            )

    @transaction.atomic
    def _seed(self, verbosity):
        password = settings.MOPSBOARD_DEMO_PASSWORD
        users = self._users(password)
        lead = users[LEAD]
        people = self._people(users)
        categories = {name: Category.objects.get_or_create(name=name)[0] for name in CATEGORIES}
        now = timezone.now()
        made_now = {}
        for title, category, requester, impact, effort, days_ago, due_in in SCORED:
            task, made = self._task(
                lead,
                title=title,
                category=categories[category],
                requester=people[requester],
                impact=impact,
                effort=effort,
                created_at=now - datetime.timedelta(days=days_ago),
                due_date=(now + datetime.timedelta(days=due_in)).date() if due_in else None,
            )
            if made:
                made_now[title] = task
                self._move_on(task, lead)
                self._assign(task, people, lead)
        for title, category, requester, days_ago in INBOX:
            task, made = self._task(
                lead,
                title=title,
                category=categories[category],
                requester=people[requester],
                created_at=now - datetime.timedelta(days=days_ago),
            )
            if made:
                made_now[title] = task
        ShareLink.objects.get_or_create(label=DEMO_SHARE_LINK, defaults={"created_by": lead})
        for name, weeks_from_now, hours, note in TIME_OFF:
            week = week_of(timezone.localdate()) + datetime.timedelta(weeks=weeks_from_now)
            time_off_set(person=people[name], week=week, hours=hours, note=note)
        story = {FINISHED_THIS_WEEK, MOVED_THIS_WEEK[0], RETURNS_TODAY}
        if story <= made_now.keys() and not Review.objects.exists():
            ids = [task.pk for task in made_now.values()]
            self._last_weeks_review(lead, people, ids)
            self._this_week(lead, made_now)
        self._intake(lead, categories, now)
        self._goals(lead, people, categories)
        # The demo's news told now, as a worker would: its mail is on the Mail page at once.
        jobs_run(queue=NOTIFICATIONS)
        if verbosity:
            self.stdout.write(
                f"Demo data ready: {len(made_now)} new tasks, {Task.objects.count()} in all."
            )

    def _intake(self, lead, categories, now):
        """Intake links, and requests sent through them as a requester would, received
        days ago; the triaged ones with their history dated to the day they were scored."""
        links = {}
        for label, category in INTAKE_LINKS:
            links[label], _ = IntakeLink.objects.get_or_create(
                label=label,
                defaults={"created_by": lead, "category": category and categories[category]},
            )
        for label, title, requester, details, why, days_ago, triaged in INTAKE_REQUESTS:
            if Task.objects.filter(title=title).exists():
                continue
            name, email, team = requester
            received = now - datetime.timedelta(days=days_ago)
            task = request_submit(
                link=links[label],
                by=None,
                title=title,
                details=details,
                why=why,
                wanted_by=None,
                category=None,
                links=[],
                name=name,
                email=email,
                team=team,
                received_at=received,
            )
            TaskEvent.objects.filter(pgh_obj=task).update(pgh_created_at=received)
            if triaged:
                after, impact, effort = triaged
                services.task_rescore(
                    task=task, version=task.version, impact=impact, effort=effort, by=lead, via=DEMO
                )
                day = working_days_after(timezone.localdate(received), after)
                scored = timezone.make_aware(datetime.datetime.combine(day, NINE_AM))
                TaskEvent.objects.filter(pgh_obj=task, pgh_label="update").update(
                    pgh_created_at=min(scored, now)
                )
            if title in CONVERSATION:
                question, answer, note = CONVERSATION[title]
                comment_post(task=task, body=question, shared=True, by=lead, via=DEMO)
                # Their answer follows the link in the email, which confirms it is theirs.
                request_confirm(task_id=task.pk)
                reply_post(task_id=task.pk, body=answer)
                comment_post(task=task, body=note, shared=False, by=lead, via=DEMO)

    def _goals(self, lead, people, categories):
        """Three goals with their monthly check-ins, the leads goal's four quarterly steps,
        and linked work in every state."""
        today = timezone.localdate()
        for title, short, owner, kpi, direction, base, ago, target, ahead, values in GOALS:
            if Goal.objects.filter(title=title).exists():
                continue
            baseline_date = months_from(today, -ago)
            goal = goal_save(
                goal=Goal(
                    title=title,
                    short_name=short,
                    owner=people[owner],
                    kpi_name=kpi,
                    unit=Unit.COUNT,
                    direction=direction,
                    baseline=base,
                    baseline_date=baseline_date,
                    target=target,
                    deadline=months_from(today, ahead),
                ),
                by=lead,
                via=DEMO,
            )
            for month, value in enumerate(values, start=1):
                check_in_save(
                    check_in=CheckIn(goal=goal, on=months_from(baseline_date, month), value=value),
                    by=lead,
                    via=DEMO,
                )
            if short == "Leads +40%":
                self._leads_work(goal, lead, people, baseline_date)
            elif short == "Clicks +25%":
                for task_title, category, hours in CLICKS_WORK:
                    task, _ = self._task(
                        lead,
                        title=task_title,
                        category=categories[category],
                        requester=people["Dana Whitfield"],
                        impact=4,
                        effort=5,
                        estimate_hours=hours,
                    )
                    task_goals_set(task=task, goals=[goal], steps=[], by=lead, via=DEMO)

    def _leads_work(self, goal, lead, people, baseline_date):
        steps = [
            step_save(
                step=Step(
                    goal=goal,
                    title=f"Quarter {quarter}: leads +10%",
                    owner=people[owner],
                    due_date=months_from(baseline_date, 3 * quarter),
                    target=goal.baseline * (1 + Decimal("0.1") * quarter),
                    reached=556 if quarter == 1 else None,
                ),
                by=lead,
                via=DEMO,
            )
            for quarter, owner in enumerate(
                ["Tom Becker", "Tom Becker", "Ruth Okafor", "Kenji Mori"], start=1
            )
        ]
        # One task of every state serves it, the open ones through this quarter's step.
        for status in Status:
            task = Task.objects.filter(status=status).order_by("title").first()
            if task is None:
                continue
            if status in OPEN_STATUSES:
                task_goals_set(task=task, goals=[], steps=[steps[1]], by=lead, via=DEMO)
            else:
                task_goals_set(task=task, goals=[goal], steps=[], by=lead, via=DEMO)

    def _users(self, password):
        users = {}
        for role in (LEAD, MEMBER, VIEWER):
            user, made = get_user_model().objects.get_or_create(username=role)
            if made:
                user.set_password(password)
                user.is_staff = role == LEAD
                user.save()
            user.groups.add(Group.objects.get(name=role))
            users[role] = user
        return users

    def _people(self, users):
        people = {}
        for name, title, kind, hours, login in PEOPLE:
            person, _ = Person.objects.get_or_create(
                name=name,
                defaults={
                    "title": title,
                    "kind": kind,
                    "weekly_capacity_hours": hours,
                    "email": f"{name.split()[0].lower()}@example.com",
                    "user": users.get(login),
                },
            )
            people[name] = person
        return people

    def _task(self, by, *, title, **fields):
        existing = Task.objects.filter(title=title).first()
        if existing:
            return existing, False
        return services.task_create(by=by, via=DEMO, title=title, **fields), True

    def _assign(self, task, people, by):
        if task.status == Status.DECLINED:
            return
        responsible, accountable = OWNERS[task.category.name]
        roles = {task.requester.name: Role.CONSULTED}
        if task.title not in NO_RESPONSIBLE:
            roles[responsible] = Role.RESPONSIBLE
        if task.title not in NO_ACCOUNTABLE:
            roles[accountable] = (
                Role.ACCOUNTABLE_RESPONSIBLE if accountable == responsible else Role.ACCOUNTABLE
            )
        if task.category.name == "Compliance/privacy":
            roles.setdefault("Olivia Grant", Role.INFORMED)
        for name, role in roles.items():
            assignment_set(task=task, person=people[name], role=role, expected="", by=by, via=DEMO)

    def _move_on(self, task, by):
        if task.title in PROGRESS:
            status, weeks_from_now = PROGRESS[task.title]
            week = week_of(timezone.localdate()) + datetime.timedelta(weeks=weeks_from_now)
            if task.title in SPANS:
                # Weeks ahead: planned as the lead would, its estimate spread over them.
                until = week + datetime.timedelta(weeks=SPANS[task.title] - 1)
                task = task_plan(
                    task=task, version=task.version, week=week, until=until, by=by, via=DEMO
                )
            else:
                # The demo's weeks are its story (some past, one over capacity on purpose),
                # so it writes them as they were rather than asking the planning rules.
                task = services.task_update(
                    task=task,
                    version=task.version,
                    by=by,
                    via=DEMO,
                    status=Status.PLANNED,
                    planned_week=week,
                )
            if status != Status.PLANNED:
                services.task_set_status(
                    task=task, version=task.version, status=status, by=by, via=DEMO
                )
        elif task.title == RETURNS_TODAY:
            services.task_update(
                task=task,
                version=task.version,
                by=by,
                via=DEMO,
                status=Status.DEFERRED,
                deferred_until=timezone.localdate(),
            )
        elif task.title in DEFERRED:
            services.task_defer(
                task=task,
                version=task.version,
                until=new_year_after(timezone.localdate()),
                by=by,
                via=DEMO,
            )
        elif task.title in DECLINED:
            services.task_decline(
                task=task, version=task.version, reason=DECLINED[task.title], by=by, via=DEMO
            )

    def _last_weeks_review(self, lead, people, task_ids):
        """Date the history of the tasks just loaded back to when each request came in,
        then record last week's review over it, so this week's agenda has a real "since".
        Only those tasks' history: anything else in the database keeps its dates."""
        TaskEvent.objects.filter(pgh_obj_id__in=task_ids).update(pgh_created_at=F("created_at"))
        AssignmentEvent.objects.filter(task_id__in=task_ids).update(
            pgh_created_at=Subquery(
                Task.objects.filter(pk=OuterRef("task_id")).values("created_at")[:1]
            )
        )
        now = timezone.now()
        for task in Task.objects.filter(pk__in=task_ids, title__in=PROGRESS):
            # Planned the Friday before its week, done on its Friday; never after now.
            monday = timezone.make_aware(datetime.datetime.combine(task.planned_week, NINE_AM))
            planned = max(monday - datetime.timedelta(days=3), task.created_at)
            TaskEvent.objects.filter(
                pgh_obj=task, status__in=[Status.PLANNED, Status.IN_PROGRESS]
            ).update(pgh_created_at=min(planned, now))
            TaskEvent.objects.filter(pgh_obj=task, status=Status.DONE).update(
                pgh_created_at=min(monday + datetime.timedelta(days=4), now)
            )
        held_on = timezone.localdate() - datetime.timedelta(days=7)
        since = now - datetime.timedelta(days=14)
        review = Review.objects.create(
            held_on=held_on,
            recorded_at=now - datetime.timedelta(days=7),
            since=since,
            recorded_by=lead,
            notes="Ruth is at a conference next week; Tom is off a day the week after.",
            decisions=LAST_REVIEW_DECISIONS,
            figures=review_figures(today=held_on, since=since),
        )
        review.attendees.set([p for p in people.values() if p.kind == Person.Kind.TEAM])

    def _this_week(self, lead, made_now):
        finished = Task.objects.get(pk=made_now[FINISHED_THIS_WEEK].pk)
        services.task_set_status(
            task=finished, version=finished.version, status=Status.DONE, by=lead, via=DEMO
        )
        title, quadrant = MOVED_THIS_WEEK
        moved = Task.objects.get(pk=made_now[title].pk)
        services.task_move_to_quadrant(
            task=moved, version=moved.version, quadrant=quadrant, by=lead, via=DEMO
        )
        services.deferred_tasks_return(today=timezone.localdate())
