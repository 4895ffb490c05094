"""Goals the team is measured on: a KPI with its baseline, target and deadline, its steps,
check-ins and the tasks that serve it.

A goal is neither a task nor a role on one: it weighs the KPI's trend against the work
linked to it and the hours the team has left, so it needs the backlog, RACI's people and
capacity's load, and sits above them all in an app of its own.
"""
