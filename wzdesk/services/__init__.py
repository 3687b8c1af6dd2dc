"""Services: the use cases. The only code that writes to the store.

Each use case validates its input, checks the acting user's role, runs in one transaction and
writes its audit record. Faces (the console, the command line) call these and nothing below.
"""
