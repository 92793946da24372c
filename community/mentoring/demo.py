"""Demo data for this feature."""


def seed(ctx) -> None:
    """Filled in when the feature lands."""
