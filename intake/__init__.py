"""Requests from the people who ask: intake links and their public form, the team's own
request form, and the requester's page that tracks a request without an account.

Its own app because it is the one door open to people without an account; it sits above
the task apps (it creates tasks and people through their services, and shows quadrant,
RACI and planned week) and above mail (it sends the "all my requests" link).
"""
