"""Sessions of the window: document (path, dirty, open/save), autosave, recovery, recent files
and the File menu, built together by manager.SessionManager."""
