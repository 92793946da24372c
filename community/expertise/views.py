"""Tag pages and curation (see issue: profiles, taxonomy, directory)."""
