"""Mutual help between families: needs and offers, answers, thanks."""
