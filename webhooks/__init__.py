"""Signed webhooks: the lead's endpoints, each told of the task and review events it chose,
delivered by the task queue's workers with a delivery log. Its own app because it listens to
the backlog, capacity and RACI through their signals and sends the API's own representation
of a task, so it sits above `api`; nothing below needs to know it exists."""
