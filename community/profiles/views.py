"""Profile pages, directory, topic contacts, peers."""
