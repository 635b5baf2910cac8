"""profiles bounded context."""
