"""The web face: ``wzdesk serve``'s ASGI application (Starlette), the client API under
``/api/v1`` and the client portal at ``/``. Like the other faces it reaches data through the
services only; handlers run the services' synchronous use cases in a worker thread, each with
a database connection of its own."""
