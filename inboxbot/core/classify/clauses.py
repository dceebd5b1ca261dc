"""Readings that belong to a clause, not a word: auxiliaries, wished results and reported speech.

- An English auxiliary before a participle is no predicate of its own: in "my number has changed"
  "has" does not hold anything, in "nothing gets deleted" "gets" receives nothing.
- A past form after a wish is the wished result, i.e. a request: "I want my account closed and my data
  erased", "I'd like my profile removed", "мне нужно, чтобы вы закрыли мою учётную запись"; so is one
  after a causative request ("please have my profile erased").
- Thanks for something done is no request: "thanks for removing me", "спасибо, что удалили",
  "рахмет, аккаунтым жабылды" (what "you" did, or "for" + the act, in a sentence that thanks).
- Someone else's words are not the sender's requests: in a sentence that reports a message the sender
  received ("мне пришло письмо якобы от вас с просьбой «обновить данные карты»", "«деректеріңізді
  жаңартыңыз» деген хат келді", "someone texted me claiming to be you and asking me to update my
  card"), quoted words and the words after a report marker (before it in Kazakh) are ``reported``.
  Quoted unsubscribe buttons stay the sender's own ("нажал «Отписаться», а письма идут").
"""

from __future__ import annotations

from .concepts import MODALS, PREDICATES, C, F
from .negation import Word

_AUXILIARIES = frozenset({"has", "have", "had", "'ve", "get", "gets", "got", "getting"})
_AUX_GAP = frozenset({"been", "already", "just", "not", "never", "finally", "recently", "now", "be"})
_SUBJUNCTIVE = frozenset({"чтобы", "чтоб"})
_CONDITIONAL = "бы"
_WISHES = frozenset({C.WANT, C.NEED})
_VERBS = PREDICATES - MODALS - {C.CAN}
_OBJECTS = frozenset(
    {C.ACCOUNT, C.DATA, C.PRONOUN, C.PHONE, C.NAME, C.ADDRESS, C.EMAIL, C.BIRTH, C.REQUISITES, C.LANGUAGE,
     C.CONTACT, C.PASSPORT, C.POSITION, C.NUMBER, C.BASE, C.LIST, C.SUBSCRIPTION, C.MAIL, C.ME, C.SMS}
)  # fmt: skip
# Report markers: a word, or a word after a given one ("с просьбой", "asking me"). Matched on the text,
# so a sentence without any is not looked at (translit spellings listed too).
_REPORT_WORDS = frozenset(
    {"saying", "claiming", "claimed", "supposedly", "allegedly", "purporting", "pretending", "якобы",
     "yakoby", "просят", "деген", "делінген", "degen"}
)  # fmt: skip
_REPORT_PAIRS = frozenset(
    {("с", "просьбой"), ("с", "текстом"), ("с", "требованием"), ("asking", "me"), ("asked", "me"),
     ("telling", "me"), ("told", "me"), ("urging", "me")}
)  # fmt: skip
_REPORT_TEXTS = (
    _REPORT_WORDS
    | {second for _, second in _REPORT_PAIRS if second != "me"}
    | {first for first, second in _REPORT_PAIRS if second == "me"}
)
_HEARD = frozenset({C.RECEIVE, C.SEND})
_AGENTS = frozenset({"you", "you've", "they", "they've"})
_AUX_OR_AGENT = _AUXILIARIES | _AGENTS
_CAUSATIVES = frozenset({"have", "get"})  # "please have my profile erased"
_ASKING = frozenset({C.PLEASE, C.CAN})
_LEAD = frozenset({C.OWN, C.SKIP, C.YOU, C.PERSONAL})
_CAUSATIVE_SPAN = 6
_THANKED_FOR = frozenset({"for", "что", "за"})
_PAST = F.PAST | F.PAST_YOU


def may_have_auxiliary(texts: tuple[str, ...]) -> bool:
    return not _AUX_OR_AGENT.isdisjoint(texts)


def may_report(texts: tuple[str, ...]) -> bool:
    return not _REPORT_TEXTS.isdisjoint(texts)


def drop_auxiliaries(words: list[Word | None], texts: tuple[str, ...]) -> bool:
    """'has changed', 'gets deleted': the auxiliary carries no meaning of its own; in a causative
    request ('please have my profile erased') the participle is what is asked for. 'you changed',
    'you've removed' tell what "you" did, like Russian "поменяли". True when a word was dropped."""
    dropped = False
    for i, text in enumerate(texts):
        if text not in _AUX_OR_AGENT or i + 1 == len(texts):
            continue
        word = words[i]
        if text in _AGENTS:
            agent_of = words[i + 1]
            if agent_of is not None and agent_of.form & F.PAST:
                agent_of.form |= F.PAST_YOU
            continue
        if word is None:
            continue
        j = i + 1
        while j < len(texts) and texts[j] in _AUX_GAP:
            j += 1
        nxt = words[j] if j < len(words) else None
        if nxt is not None and nxt.form & F.PAST and nxt.concepts & PREDICATES:
            words[i] = None
            dropped = True
        elif text in _CAUSATIVES and _asking(words, i):
            dropped = _causative(words, i) or dropped
    return dropped


def _asking(words: list[Word | None], i: int) -> bool:
    return not i or any(w is not None and w.concepts & _ASKING for w in words[:i])


def _causative(words: list[Word | None], i: int) -> bool:
    for j in range(i + 1, min(len(words), i + _CAUSATIVE_SPAN)):
        word = words[j]
        if word is None or word.concepts & (_OBJECTS | _LEAD):
            continue
        if word.concepts & _VERBS and word.form & F.PAST:
            word.form &= ~_PAST
            words[i] = None
            return True
        return False
    return False


def mark_wishes(words: list[Word | None], texts: tuple[str, ...], first: int) -> None:
    """A past form after "want/need/would like" + an object, or after "хочу, чтобы", is a request.
    ``first`` is the index of the first wish word."""
    wish = False
    objects = False
    for i in range(first, len(words)):
        word = words[i]
        if texts[i] in _SUBJUNCTIVE and wish:
            objects = True  # "хочу, чтобы вы закрыли": the past after чтобы is wished
        if word is None:
            continue
        if word.concepts & _WISHES and word.positive and _wishing(word, texts, i):
            wish, objects = True, False
            continue
        if not wish:
            continue
        if word.concepts & _VERBS:
            if word.form & F.PAST and objects and not word.quoted:
                word.form &= ~_PAST
                word.directive = True
                continue  # "closed and ... erased": the wish goes on
            wish = False
        elif word.concepts & _OBJECTS:
            objects = True


def _wishing(word: Word, texts: tuple[str, ...], i: int) -> bool:
    if not word.form & F.PAST:
        return True
    return _CONDITIONAL in texts[max(0, i - 1) : i + 2]  # "хотелось бы", "я бы хотел"


def mark_thanked(words: list[Word | None], texts: tuple[str, ...]) -> None:
    """In a sentence that thanks, what "you" did ("телефон поменяли", "аккаунтым жабылды") or the act
    thanked for ("thanks for removing me", "спасибо, что удалили") is done, not asked for."""
    for i, word in enumerate(words):
        if word is None or word.negated or not word.concepts & _VERBS or word.form & F.IMPERATIVE:
            continue
        if word.form & F.PAST_YOU or (i and texts[i - 1] in _THANKED_FOR):
            word.reported = True
            word.directive = False


def mark_reported(words: list[Word | None], texts: tuple[str, ...], lang: str) -> None:
    """Words of a message the sender reports having received are not the sender's requests."""
    marker = _marker(texts)
    heard = any(
        w is not None and w.concepts & _HEARD and (C.RECEIVE in w.concepts or w.form & _PAST)
        for w in (words if marker < 0 else words[:marker] if lang != "kk" else words)
    )
    if not heard:
        return
    mail = marker >= 0 or any(w is not None and w.concepts & {C.MAIL, C.SMS} for w in words)
    if not mail:
        return
    for i, word in enumerate(words):
        if word is None:
            continue
        after = marker >= 0 and (i < marker if lang == "kk" else i > marker)
        if (word.quoted and C.UNSUB not in word.concepts) or after:
            word.reported = True
            word.directive = False


def _marker(texts: tuple[str, ...]) -> int:
    for i, text in enumerate(texts):
        if text in _REPORT_WORDS:
            return i
        if i + 1 < len(texts) and (text, texts[i + 1]) in _REPORT_PAIRS:
            return i + 1
    return -1
