"""Peer groups of schools (кластеры): built from the schools' context data by an explicit rule, and
the cluster averages the school card and the overview compare with."""
