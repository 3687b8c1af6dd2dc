"""wzdesk: a keyboard-driven terminal helpdesk console for a software vendor's support desk."""

__version__ = "0.1.0"
