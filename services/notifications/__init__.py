"""Notifications: what members are told, on which channel, how often, and when not."""
