"""What happens in the pipeline, for other apps to act on (follow-up rules, later rewards).

Sent inside the transaction of the change, so that what a receiver writes (a task, an email in the outbox)
commits or rolls back with it. Receivers get the actor, `at` (the time of the change) and `via` (the channel).
"""

from django.dispatch import Signal

# referral, actor, at, via
introduction_recorded = Signal()
# referral, from_stage, to_stage, actor, at, via  (also sent when a closed referral is reopened)
referral_moved = Signal()
# referral, from_owner, actor, at, via
referral_reassigned = Signal()
# ask, actor, at, via
ask_recorded = Signal()
# ask, asked_on_before, actor, at, via: its outcome, date or follow-up date may have changed
ask_updated = Signal()
# referral, actor, at, via: its value, company or who earned it changed
referral_updated = Signal()
# workspace, actor, at, previous_hours: the contact time changed (it was previous_hours), and with it the deadline
# of referrals waiting for first contact
contact_time_changed = Signal()
