"""The web face: the client portal (server-rendered pages for client admins)."""
