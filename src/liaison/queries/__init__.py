"""The read side, shared by the web pages, the API and the CLI."""
