"""desktop/ui package."""
