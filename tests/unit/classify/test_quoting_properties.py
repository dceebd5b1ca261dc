"""Property: quoting any message under a new text never changes the intents of the new text, in the
">" style, the Gmail "On ... wrote:" style and the Outlook "-----Original Message-----" style."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inboxbot.core.classify import classify

from .mails import make_mail

NEW_TEXTS = [
    "Отпишите меня от рассылки, пожалуйста.",
    "Смените мой номер телефона на +7 701 000 11 22.",
    "Удалите мой аккаунт и все мои данные.",
    "Какие мои персональные данные вы храните?",
    "Спасибо, жду ответа.",
    "Когда будет готов счёт по заказу 5512?",
    "Мені таратылымнан шығарыңыз.",
    "Рахмет, күтемін.",
    "Please stop sending me your newsletter.",
    "Thanks, looking forward to your reply.",
    "otpishite menya ot rassylki",
    "Не отписывайте меня, просто смените почту на new@mail.kz",
]
QUOTED_TEXTS = [
    "ONETEXNO | Новости ноября\nЧтобы отписаться от рассылки, нажмите «Отписаться».",
    "Ваше обращение HB-2026-000412 зарегистрировано. Если хотите отписаться, ответьте словом «Отписаться».",
    "Please unsubscribe me and delete all my personal data.",
    "Срочно обновите персональные данные по ссылке, иначе аккаунт будет удалён.",
    "Таратылымнан бас тарту үшін «Жазылымнан шығу» түймесін басыңыз.",
    "Какие данные обо мне у вас есть? Кому вы их передавали?",
    "Hello! Meet our new cloud plans.",
]
_LINE = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs")), max_size=60)


def _gt(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.split("\n"))


def _gmail(text: str) -> str:
    return "On Mon, 23 Nov 2026 at 10:00, ONETEXNO <hello@1texno.kz> wrote:\n" + _gt(text)


def _outlook(text: str) -> str:
    header = "-----Original Message-----\nFrom: ONETEXNO <hello@1texno.kz>\nSent: Monday, November 23, 2026\n"
    return header + "To: client@example.kz\nSubject: ONETEXNO\n\n" + text


STYLES = {"gt": _gt, "gmail": _gmail, "outlook": _outlook}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    new=st.sampled_from(NEW_TEXTS),
    quoted=st.one_of(st.sampled_from(QUOTED_TEXTS), st.lists(_LINE, min_size=1, max_size=4).map("\n".join)),
    style=st.sampled_from(sorted(STYLES)),
)
def test_quoting_a_message_never_changes_the_intents_of_the_new_text(
    new: str, quoted: str, style: str
) -> None:
    alone = classify(make_mail(new, "Re: ONETEXNO"))
    with_quote = classify(make_mail(f"{new}\n\n{STYLES[style](quoted)}", "Re: ONETEXNO"))
    assert with_quote.intents == alone.intents


@settings(max_examples=60, deadline=None)
@given(new=st.sampled_from(NEW_TEXTS), quoted=st.sampled_from(QUOTED_TEXTS))
def test_quoting_twice_in_different_styles_changes_nothing(new: str, quoted: str) -> None:
    nested = _outlook(f"Previous reply.\n\n{_gmail(quoted)}")
    alone = classify(make_mail(new, "RE: RE: ONETEXNO"))
    assert classify(make_mail(f"{new}\n\n{nested}", "RE: RE: ONETEXNO")).intents == alone.intents
