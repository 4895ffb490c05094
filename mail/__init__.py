"""The outbox: every email mopsboard sends is kept here and delivered by the task
queue's workers, retried for a day, and readable by the lead on the Mail page.

Its own app because intake, notifications and password reset all send mail and none
of them should own the delivery; it sits below them and above the task apps.
"""
