"""impact bounded context."""
