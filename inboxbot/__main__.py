"""``python -m inboxbot`` is the ``inboxbot`` command."""

from inboxbot.cli import main

if __name__ == "__main__":  # spawned parse processes import this module too, and must not run the CLI
    main()
