"""Sync between a counter's local journal and the province's central PostgreSQL (docs/sync.md)."""
