"""The JSON API under /api/v1/ and the personal tokens that open it.

Its own app, on top of every other but the demo: it is one more door into the same
services (backlog, RACI, capacity), through which scripts and other tools act as the
person whose token they hold. Nothing below it knows it exists, so a page and the API
can never disagree about a rule, and webhooks can send its task representation later.
"""
