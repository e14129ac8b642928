"""guidebuild: publish professional guidance as an accessible site and PDF, with checklists."""

__version__ = "0.1.0"
