"""The work areas of the main window, one page each."""
