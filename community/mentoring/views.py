"""Mentoring pages."""
