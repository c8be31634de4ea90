"""The local database: append-only journal, projections, queries and migrations (no Qt)."""
