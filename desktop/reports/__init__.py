"""desktop/reports package."""
