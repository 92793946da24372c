"""Community pages."""
