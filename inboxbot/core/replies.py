"""Whether an automatic answer may go to a sender (RFC 3834 manners and a loop guard)."""

from __future__ import annotations

from dataclasses import dataclass

from inboxbot.core.addresses import is_robot_address
from inboxbot.core.intents import Classification
from inboxbot.core.mail import ParsedMail


@dataclass(frozen=True)
class ReplyDecision:
    send: bool
    reason: str  # why not, for the ticket's event log; "ok" when sending


def may_auto_reply(
    mail: ParsedMail,
    classification: Classification,
    *,
    own_addresses: frozenset[str],
    sent_to_sender_today: int,
    daily_limit: int,
) -> ReplyDecision:
    """Never answer robots, null senders, ourselves, or anyone more than ``daily_limit`` times a day."""
    address = mail.from_address
    checks = (
        (classification.is_automated, "automated mail"),
        (not address, "no sender address"),
        (mail.return_path == "", "null sender (bounce)"),
        (address in own_addresses, "mail from our own address"),
        (is_robot_address(address), "robot sender address"),
        (
            sent_to_sender_today >= daily_limit,
            f"loop guard: {sent_to_sender_today} replies to this sender today",
        ),
    )
    for failed, reason in checks:
        if failed:
            return ReplyDecision(send=False, reason=reason)
    return ReplyDecision(send=True, reason="ok")
