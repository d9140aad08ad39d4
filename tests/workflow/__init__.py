"""Working a lead: every change staff make, what it writes, what they see, and the conflict when
someone else changed the lead meanwhile."""
