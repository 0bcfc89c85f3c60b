"""Keeping a group safe: reports, hiding what breaks the rules, blocking, suspending accounts,
and the nudge before posting what looks like a child's data or a phone number."""
