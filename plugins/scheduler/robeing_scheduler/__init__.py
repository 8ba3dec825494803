"""Scheduler: one meeting time shown in every participant's time zone, DST included."""
