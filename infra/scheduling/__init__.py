"""Work that falls due: derived from each tenant's stream exactly once into the `due_work` table
beside it, and carried out when due, under leases, by the scheduler."""
