"""Emulators that speak the real device protocols, for demo mode and tests."""
