"""Involvement: an organisation (or a group's leaders) invites parents to take part in its
work — opportunities with open criteria, fair choice, preparation, sessions — and covers
their costs (`claims`). SPEC §3a "Opportunities to take part" and "Costs covered"."""
