"""Pulse surveys: short anonymous surveys an organisation sends to its groups, once or every quarter."""
