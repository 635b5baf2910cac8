"""Point-in-time replay: a tenant's read models rebuilt as of a moment, apart from the live ones."""
