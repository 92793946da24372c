"""Audit trail: who did what to whom, when (role changes, decisions, reveals, analysis views)."""
