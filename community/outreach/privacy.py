"""E-mail preferences and sent e-mails: exported, erased, and removed after the retention period."""

from community.outreach.services import erase, export, retain

__all__ = ["erase", "export", "retain"]
