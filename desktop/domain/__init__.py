"""desktop/domain package."""
