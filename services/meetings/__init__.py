"""meetings bounded context."""
