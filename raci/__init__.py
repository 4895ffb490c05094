"""Who is who and who owns what: people, their roles on tasks, share links.

Person lives here rather than in backlog because a person matters to mopsboard as a
holder of RACI roles (team member or stakeholder); the backlog only points at one
as a task's requester.
"""
