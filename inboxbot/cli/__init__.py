"""The ``inboxbot`` command line. Command names and options are a contract other tools script against."""

from inboxbot.cli.main import main

__all__ = ["main"]
