"""Which language a word, a sentence and a mail are written in: ru, kk or en.

Each word votes. Kazakh letters (әғқңөұүһі) are a strong vote for kk but not a verdict: Russian mail
quotes Kazakh names. Kazakh function words and suffix chains (-ңыз, -ларыңыз, -шы) vote kk in either
script; Russian function words and endings vote ru; English words vote en. Latin words that are not
English are read as transliteration: "otpishite menya" votes ru, "shygaryp tastanyzdarshy" votes kk.
Greetings and thanks weigh little, so "Добрый день, please remove me ... Спасибо!" comes out en.
A text written twice, a paragraph in one language and then the same in another (bilingual
auto-replies), takes the language of its first block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .concepts import C, Concept, words
from .script import skeleton

if TYPE_CHECKING:
    from .vocabulary import Lexeme

LANGS = ("ru", "kk", "en")
# Skeletons of frequent words (Cyrillic and translit spellings fold alike).
_RU_WORDS = frozenset(
    skeleton(w)
    for w in words(
        """
    и в во не на я он она мы вы они что как это с со по за к от до из у о об но а же ли бы то был была
    было были мне меня вас вам ваш ваша ваши вашей вашу вашего мой моя мои моих пожалуйста спасибо
    здравствуйте добрый день прошу можно нужно очень уже ещё еще все всё только так там тут где когда
    если чтобы потому почему больше нет да есть будет буду этот эта эти этого который которая которые
    при для без через после перед сегодня вчера завтра сколько опять снова тоже также просто ничего
    никогда сейчас хорошо ладно
    """
    )
) | frozenset(
    skeleton(w)
    for w in words(
        """
    eshe eshche vchera segodnya zavtra uzhe tozhe seichas mozhno nado nuzhno ochen horosho pozhalusta
    pozhaluysta privet zdravstvuite zdravstvuyte dobryi dobriy
    """
    )
)
_KK_WORDS = frozenset(
    skeleton(w)
    for w in words(
        """
    және мен сен сіз сіздер біз олар ол бұл осы сол маған мені менің сізге сізді сіздің біздің бе ма ме
    ба па пе ғой ғана емес жоқ бар керек үшін туралы бойынша деген енді тек бірақ сондай ақ рахмет
    сәлеметсіз сәлем салем салеметсиз қайырлы күн құрметпен құрметті өтінемін сұраймын неге қашан қалай
    қайда кім қандай бүгін кеше ертең әлі тағы барлық ешқашан
    """
    )
)
_KK_SUFFIX = re.compile(
    r"(n(yz|iz)(dar|der)?(shy|shi)?|(lar|ler|dar|der|tar|ter)(y|i)?n(yz|iz)\w*|(y|i)p|(shy|shi))$"
)
_KK_SUFFIX_CYR = re.compile(
    r"(ңыз|ңіз|ңдар|ңдер|ларың|лерің|дарың|дерің|шы|ші|ғым|гім|қым|кім)|"
    r"(мын|мін|пын|пін|мыз|міз|сыз|сіз|лардан|лерден|дардан|тардан|ларды|лерді|ларға|лерге|ымнан|інен|ынан|"
    r"ымды|імді|ыңыз|іңіз|нан|нен|дан|ден|тан|тен)$"
)
_RU_ENDING_CYR = re.compile(
    r"(ой|ый|ий|ая|яя|ое|ее|ие|ые|ого|его|ому|ему|ым|им|ом|ем|ов|ев|ами|ями|ах|ях|ать|ять|ить|еть|ешь|ет|ит|"
    r"ут|ют|ат|ят|ите|ете|ся|сь|ла|ли|ло|ть|ция|ние|ния|нию|ость|ку|ки|ка|ке|ну|ну|ра|ры|ру|та|ты)$"
)
_NOT_KK = re.compile(r"стан$")  # Казахстан, Туркестан
_RU_ENDING = re.compile(
    r"(ogo|ego|omu|emu|ymi|imi|aya|yaya|oe|ee|ye|ie|yh|ih|oi|ei|ite|aite|tsya|sya|yu|ya|ok|ili|ali|ala|ilo|"
    r"ovan|ovana|ovat|irovat|ennyi|aet|ayut|yat|it|at)$"
)
LOW_WEIGHT = 0.3  # weight of greetings, thanks and "please"
_POLITE = frozenset({C.GREETING, C.PLEASE})
_BLOCK_MIN = 4.0  # votes a paragraph needs to count as written in a language (not "Добрый день!")
_BLOCK_SHARE = 0.7
BLOCK_VOTES = _BLOCK_MIN * _BLOCK_SHARE  # below this in every language but one, a text is not bilingual


def is_function_word(skel: str) -> bool:
    """A frequent Russian or Kazakh word (skeleton), in either script."""
    return skel in _RU_WORDS or skel in _KK_WORDS


def is_polite(readings: dict[str, frozenset[Concept]]) -> bool:
    """A greeting or "please": it says little about the language of the text around it."""
    return any(concepts & _POLITE for concepts in readings.values())


def word_votes(
    text: str, skel: str, readings: dict[str, frozenset[Concept]], *, english: bool, kazakh: bool, latin: bool
) -> tuple[float, float, float]:
    """(ru, kk, en) votes of one word; ``readings`` maps each language that knows it to its concepts."""
    weight = LOW_WEIGHT if is_polite(readings) else 1.0
    if english:
        share = (0.0, 0.0, 1.0)
    elif kazakh or skel in _KK_WORDS:
        share = (0.0, 1.0, 0.0)
    elif skel in _RU_WORDS:
        share = (1.0, 0.0, 0.0)
    elif latin:
        share = _latin_share(skel, set(readings))
    else:
        share = _cyrillic_share(text, set(readings))
    return share[0] * weight, share[1] * weight, share[2] * weight


def _cyrillic_share(text: str, langs: set[str]) -> tuple[float, float, float]:
    kk_ending = _KK_SUFFIX_CYR.search(text)
    if kk_ending and len(text) > 5 and (kk_ending.group(1) or "kk" in langs or not _NOT_KK.search(text)):
        return 0.2, 0.8, 0.0
    if langs == {"kk"}:
        return 0.3, 0.7, 0.0
    if langs or _RU_ENDING_CYR.search(text):
        return 0.8, 0.0, 0.0
    return 0.4, 0.2, 0.0  # an unknown word with no Russian ending: says little


def _latin_share(skel: str, langs: set[str]) -> tuple[float, float, float]:
    if langs == {"en"}:
        return 0.0, 0.0, 1.0
    if (_KK_SUFFIX.search(skel) and len(skel) > 5) or langs == {"kk"}:
        return 0.2, 0.8, 0.0
    if "ru" in langs or _RU_ENDING.search(skel):
        return 1.0, 0.0, 0.0
    return 0.3, 0.1, 0.3  # an unknown Latin word: a name, a brand, a code


def tally(lexemes: list[Lexeme]) -> list[float]:
    ru = kk = en = 0.0
    for lexeme in lexemes:
        votes = lexeme.votes
        ru += votes[0]
        kk += votes[1]
        en += votes[2]
    return [ru, kk, en]


def bilingual_first(blocks: Sequence[tuple[int, Sequence[float]]]) -> str | None:
    """The language of the first block of a text written twice, in two languages ("Бұл автоматты
    жауап. ...\n\nЭто автоматический ответ. ..."): when two paragraphs that each say enough are in
    different languages, the first one's language is the mail's. ``blocks`` are (paragraph, votes)
    of each sentence in order. None when the text is not so."""
    first: str | None = None
    current = -1
    ru = kk = en = 0.0
    for paragraph, votes in (*blocks, (-2, (0.0, 0.0, 0.0))):
        if paragraph != current:
            lang = _block_language(ru, kk, en)
            if lang is not None:
                if first is None:
                    first = lang
                elif lang != first:
                    return first
            current, ru, kk, en = paragraph, 0.0, 0.0, 0.0
        ru, kk, en = ru + votes[0], kk + votes[1], en + votes[2]
    return None


def _block_language(ru: float, kk: float, en: float) -> str | None:
    total = ru + kk + en
    if total < _BLOCK_MIN:
        return None
    best = max(ru, kk, en)
    if best < _BLOCK_SHARE * total:
        return None
    return "ru" if best == ru else ("kk" if best == kk else "en")


def pick(totals: list[float], default: str = "ru") -> tuple[str, float]:
    """The winning language and its share of the votes (0 when there were none)."""
    total = sum(totals)
    if total <= 0:
        return default, 0.0
    best = max(range(3), key=lambda i: (totals[i], -i))
    return LANGS[best], totals[best] / total
