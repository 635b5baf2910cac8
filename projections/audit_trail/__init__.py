"""The audit trail: staff actions and auditors' reads, listed with filters."""
