"""The conversation on a task: the team's comments, internal or shared with the requester
(and the people Informed), and the requester's replies from their page.

Its own app because both sides read it: the task page (backlog's, through this app's
template tag) and the requester's page (intake's), and notifications emails it. It sits
on the backlog and people, below intake and notifications, which need it.
"""
