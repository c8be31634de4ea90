"""dengji: the counter client for unemployment registration in Gansu's employment service halls."""

__version__ = "0.1.0"
