"""Accounts: registration, verification, sessions, passwords, profile, my data."""
