"""mentoring bounded context."""
