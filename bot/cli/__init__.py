"""The `thesis` command (main.py) and one module per subcommand."""
