"""Execution of approved roadmaps (исполнение): assignments, evidence, review, reminders."""
