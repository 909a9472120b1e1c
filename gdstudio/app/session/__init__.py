"""Sessions of the window: File menu, document, autosave and recovery."""
