"""Costs covered: parents who took part claim their costs; the organisation's specialists
approve or decline them with a reason, then mark them paid (SPEC §3a "Costs covered")."""
