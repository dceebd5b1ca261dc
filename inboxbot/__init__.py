"""inboxbot: turns the mail in a support inbox into tickets, acknowledgements and unsubscribes."""

__version__ = "0.1.0"
