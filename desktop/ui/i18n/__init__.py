"""Translations of the user interface: Chinese source strings, an English .ts kept by lupdate."""
