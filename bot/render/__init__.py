"""Answer -> what a person sees: plain text for the terminal, Block Kit for Slack."""
