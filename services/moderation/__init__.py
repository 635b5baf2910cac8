"""moderation bounded context."""
