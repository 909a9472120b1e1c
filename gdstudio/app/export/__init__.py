"""File > Export: the dialog and the window-side sources of what it draws."""
