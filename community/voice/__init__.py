"""You said — we did: members' suggestions to their group or organisation, and the answers."""
