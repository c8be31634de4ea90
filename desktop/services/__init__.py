"""desktop/services package."""
