"""The audit log: what auditors looked at (their reads are recorded as events, as actions are)."""
