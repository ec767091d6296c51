"""thesis-bot: answers questions about the team's investment theses."""

__version__ = "0.1.0"
