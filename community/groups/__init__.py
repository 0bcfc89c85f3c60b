"""Parent-led groups: directory, membership, roles, feed, messages between members."""
