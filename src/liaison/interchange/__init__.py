"""Readers and writers for other formats (iCalendar, directory JSON/CSV)."""
