"""Ambassador pages."""
