"""PySide6 windows. Views call services only; no SQL, files or HTTP here."""
