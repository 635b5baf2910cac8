"""The platform's tenants: the registry (write side), the directory (read side), resolution."""
