"""Word going back out: who hears about what happens to a task (its requester, the
people Informed on it, and whoever is given or loses a role on it), how often (at once, a
daily digest, never), and the emails that say it, queued through mail. A change's news
is queued as one job in the change's own transaction; a worker writes who hears it and
queues their emails (notifications.tasks).

Its own app because it listens to every other one: it hears task changes from the
backlog, capacity and RACI services (backlog.signals), shared comments from the
conversation (conversation.signals), finished imports (imports.signals: one email a person
for all the parts an import gave them), and links to intake's requester and RACI pages,
so it sits above them all, below the demo only.
"""
