"""Notifications: the email outbox (in-app notifications and preferences grow here)."""
