"""The Slack app: a Bolt factory and one listener module per surface (messages, commands,
actions, home). Listeners translate the request, call the engine, and hand the rendered card
to Bolt; they never match text or read YAML."""
