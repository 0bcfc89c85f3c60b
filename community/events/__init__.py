"""Events of a group, co-organised with parents: registration, waitlist, attendance, feedback."""
