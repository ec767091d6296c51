"""The knowledge base: thesis and intent models, and loading them from YAML with line numbers."""
