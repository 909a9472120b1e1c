"""The Data dock: the scatter editor for line fitting, its table and dialogs."""
