"""Network dashboard and exports."""
