"""``python -m inboxbot`` is the ``inboxbot`` command."""

from inboxbot.cli import main

main()
