"""Whose address an unsubscribe request is about: the sender's, other addresses it names, or both."""

from __future__ import annotations

import re
from dataclasses import dataclass

from inboxbot.core.addresses import is_robot_address, normalize_address
from inboxbot.core.mail import ParsedMail

MAX_OTHER_ADDRESSES = 5
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# The sender speaking of themselves as the object of the request: "unsubscribe me", "отпишите меня",
# "мені шығарыңыз", "otpishite menya".
_FIRST_PERSON = re.compile(
    r"(?<!\w)(me|myself|меня|мне|мой адрес|мою почту|мені|маған|менің|menya|mne|meni|magan)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class UnsubscribeTargets:
    sender: bool  # the sender's own address is to be unsubscribed on their word
    others: tuple[str, ...]  # other addresses named: their owners must confirm first


def unsubscribe_targets(
    mail: ParsedMail, own: frozenset[str], *, changes_data: bool = False
) -> UnsubscribeTargets:
    """A request that names only other addresses ("remove x@old.kz, I no longer use it") is about
    them, not the sender; "unsubscribe me and x@..." or naming the sender's own address is about both.

    When the same mail also asks to change personal data, an address it names is the new or old
    address of that change ("change my e-mail to x@..."), not someone else to unsubscribe.
    """
    if changes_data:
        return UnsubscribeTargets(sender=True, others=())
    named: list[str] = []
    for match in _ADDRESS.findall(mail.new_text):
        address = normalize_address(match)
        if address and address not in named:
            named.append(address)
    others = tuple(a for a in named if a != mail.from_address and a not in own and not is_robot_address(a))[
        :MAX_OTHER_ADDRESSES
    ]
    sender = not others or mail.from_address in named or bool(_FIRST_PERSON.search(mail.new_text))
    return UnsubscribeTargets(sender=sender, others=others)
