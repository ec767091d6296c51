"""Command-line commands that are not Slack or digest: ask and validate."""
