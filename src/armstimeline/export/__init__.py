"""Exports: CSV, iCalendar, JSON and TimelineJS, from a Timeline."""
