"""One sentence, analysed: each word's reading in the sentence's language, multi-word expressions,
Kazakh compound verbs, auxiliaries, negation, which predicates are requests (with wished results and
reported speech, see :mod:`.clauses`), and which predicate each object belongs to ("удалите мой
аккаунт, рассылку можно оставить": the list belongs to "оставить"; a «quoted» name belongs to nothing
outside its quotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import clauses, negation
from .concepts import MODALS, PREDICATES, C, Concept, F
from .negation import Word
from .script import skeleton
from .tokens import RawSentence
from .vocabulary import Lexeme, Vocabulary

OBJECTS = frozenset(
    {
        C.LIST, C.SUBSCRIPTION, C.MAIL, C.SMS, C.SPAM, C.MARKETING, C.DATA, C.NUMBER, C.ACCOUNT, C.BASE,
        C.CONSENT, C.ME, C.PRONOUN, C.LANGUAGE, C.PHONE, C.NAME, C.ADDRESS, C.EMAIL, C.BIRTH, C.REQUISITES,
        C.CONTACT, C.PASSPORT, C.COPY,
    }
)  # fmt: skip
_BINDERS = PREDICATES - MODALS - {C.CAN}
_QUESTION_WORDS = frozenset({C.WHAT, C.WHOM, C.SOURCE, C.WHERE, C.HOW, C.PURPOSE})
_REQUEST_CONTEXT = frozenset({C.PLEASE, C.WANT, C.NEED, C.HOW, C.INTEND})
_LEAD_IN = frozenset({C.GREETING, C.PLEASE, C.SKIP, C.ME})
_RELATIVE_HEADS = frozenset(
    {"все", "всё", "всего", "то", "everything", "anything", "all", "бәрін", "барлығын"}
)
_WISHES = (C.WANT, C.NEED)
_PHRASE_MAX = 6
_PHRASE_PARTS = OBJECTS | _LEAD_IN | {C.FROM, C.OWN, C.PERSONAL, C.MORE, C.OFF}
_HEARD = (C.RECEIVE, C.SEND)  # a reported message was received or sent to the sender
# (first words, second-word roots, window, concept, on which word: 0 first / 1 second)
_MWES: tuple[tuple[frozenset[str], tuple[str, ...], int, Concept, int], ...] = (
    (frozenset({"все", "всё"}), ("равно",), 1, C.CONTINUE, 1),
    (frozenset({"about", "regarding", "on"}), ("me",), 1, C.ABOUT_ME, 1),
    (frozenset({"мен"}), ("туралы",), 1, C.ABOUT_ME, 1),
    (frozenset({"маған"}), ("қатысты",), 1, C.ABOUT_ME, 1),
    (frozenset({"обо"}), ("мне",), 1, C.ABOUT_ME, 1),
    (frozenset({"opt"}), ("out",), 2, C.UNSUB, 0),
    (frozenset({"қайтарып", "кері"}), ("ал",), 2, C.WITHDRAW, 1),
    (frozenset({"sign"}), ("up",), 1, C.SUBSCRIBE, 0),
    (frozenset({"take", "get", "drop", "strike", "cross", "turn", "switch"}), ("off",), 3, C.REMOVE, 0),
    (frozenset({"add", "put"}), ("back",), 3, C.RESTORE, 0),
    (frozenset({"third"}), ("part",), 1, C.THIRD_PARTY, 1),
    (frozenset({"третьим", "третьих", "третьи", "третьему", "третьей"}), ("лиц",), 1, C.THIRD_PARTY, 1),
    (frozenset({"үшінші"}), ("тұлға",), 1, C.THIRD_PARTY, 1),
    (frozenset({"бас"}), ("тарт",), 1, C.REFUSE, 1),
    (frozenset({"қайта"}), ("тіркел",), 1, C.CHANGE, 1),
    (frozenset({"қалпына"}), ("келтір",), 1, C.RESTORE, 1),
    (frozenset({"келе", "келіп"}), ("бер", "жатыр"), 1, C.CONTINUE, 1),
    (frozenset({"сколько"}), ("можно",), 1, C.FED_UP, 1),
    (frozenset({"каждый", "every"}), ("день", "day"), 1, C.CONTINUE, 1),
    (frozenset({"our", "their"}), ("customer", "client", "patient", "employee", "user"), 1, C.THIRD_OWNER, 1),
    (frozenset({"subject"}), ("access",), 1, C.PERSONAL, 1),
    (frozenset({"no"}), ("longer", "more"), 1, C.MORE, 1),
    (frozenset({"from"}), ("now",), 1, C.INSTEAD, 1),  # "from now on"
    (
        frozenset({"our", "their"}),
        ("subscriber", "audience", "lead", "campaign", "newsletter", "mailing"),
        2,
        C.AUDIENCE,
        1,
    ),
    (frozenset({"how"}), ("many",), 1, C.METRIC, 1),
    (frozenset({"email", "mail", "text", "message"}), ("me", "us"), 1, C.SEND, 0),  # "email me in Kazakh"
)
# Kazakh auxiliaries after a converb ("шығарып жіберіңіз", "жаңартып қойыңыз"): they carry the mood,
# not a meaning of their own. таста- ("throw away") keeps its meaning of removal.
_AUX_ROOTS = ("zhiber", "koi", "koy", "ber", "al", "ket", "sal", "otyr", "tur")
_LIGHT_VERBS = ("etip", "etib", "kylyp", "zhasap", "ete")
_MOOD_BITS = F.IMPERATIVE | F.NEG_INSIDE | F.PAST | F.PAST_YOU | F.INFINITIVE | F.DESIRE


@dataclass(slots=True)
class Sentence:
    words: list[Word | None]
    texts: tuple[str, ...]
    where: str  # "subject" or "body"
    position: int
    question: bool
    lang: str
    votes: list[float]
    values: frozenset[str]  # "phone", "email": values written in the sentence
    index: dict[Concept, list[Word]] = field(default_factory=dict)
    breaks: frozenset[int] = frozenset()  # indices of words a comma, colon or dash stands before

    def has(self, *concepts: Concept) -> bool:
        return not self.index.keys().isdisjoint(concepts)

    def with_(self, *concepts: Concept) -> list[Word]:
        if len(concepts) == 1:
            return self.index.get(concepts[0]) or []
        found: list[Word] = []
        for c in concepts:
            found.extend(self.index.get(c, ()))
        return found

    def positive(self, *concepts: Concept) -> list[Word]:
        return [w for w in self.with_(*concepts) if w.positive]

    def objects_of(self, head: Word) -> set[Concept]:
        found: set[Concept] = set()
        for word in self.words:
            if word is not None and word.head == head.index:
                found |= word.concepts
        return found

    def near(self, word: Word, concepts: frozenset[Concept], span: int = 3) -> bool:
        lo, hi = max(0, word.index - span), min(len(self.words), word.index + span + 1)
        return any(w is not None and w.concepts & concepts for w in self.words[lo:hi] if w is not word)


def analyse(raw: RawSentence, vocab: Vocabulary, where: str, position: int) -> Sentence:
    memo, lookup = vocab.memo.get, vocab.lexeme
    lexemes = [memo(w) or lookup(w) for w in raw.words]
    ru = kk = en = 0.0
    relevant = False
    for lex in lexemes:
        ru, kk, en = ru + lex.votes[0], kk + lex.votes[1], en + lex.votes[2]
        relevant = relevant or lex.relevant
    votes = [ru, kk, en]
    lang = "en" if en > ru and en > kk else ("kk" if kk > ru else "ru")
    texts = raw.words
    if not relevant:  # "Добрый день!", a name, a phone line
        return Sentence([None] * len(texts), texts, where, position, raw.question, lang, votes, raw.values)
    words, index, negators, predicates = _words(lexemes, raw, lang)
    changed = False
    if lang == "en" and predicates and clauses.may_have_auxiliary(texts):
        changed = clauses.drop_auxiliaries(words, texts)
    skels = [lex.skel for lex in lexemes]
    if (lang == "kk" or not _MWE_FIRSTS.isdisjoint(skels)) and _multiword(words, texts, skels, lang):
        predicates = changed = True  # "take me off", "бас тарту", "-ғым келмейді" may have made one
    if lang == "kk":
        changed = _kazakh_compounds(words, skels) or changed
        negators = True  # negation inside Kazakh verbs, or a "-ғым келмейді" just found
    if changed:
        index = _index(words)
    sentence = Sentence(words, texts, where, position, raw.question, lang, votes, raw.values, index)
    sentence.breaks = raw.breaks
    if predicates or lang == "kk":  # without a predicate there is no request to qualify or bind
        _qualify(sentence, bool(raw.quoted), negators)
    return sentence


def _qualify(sentence: Sentence, quoted: bool, negators: bool) -> None:
    """Negation, requests, wished results, reported and thanked-for acts, then object binding."""
    words, texts, lang, index = sentence.words, sentence.texts, sentence.lang, sentence.index
    if negators:
        negation.mark(words, texts, lang, sentence.breaks)
    _mark_directives(sentence)
    if lang != "kk" and not index.keys().isdisjoint(_WISHES):
        clauses.mark_wishes(words, texts, min(w.index for w in sentence.with_(*_WISHES)))
    if not index.keys().isdisjoint(_HEARD) and (quoted or clauses.may_report(texts)):
        clauses.mark_reported(words, texts, lang)
    if C.THANKS in index:
        clauses.mark_thanked(words, texts)
    _bind(sentence, quoted)


def _words(
    lexemes: list[Lexeme], raw: RawSentence, lang: str
) -> tuple[list[Word | None], dict[Concept, list[Word]], bool, bool]:
    """The words that carry concepts in this sentence's language, indexed by concept; whether any
    negates; whether any is a predicate."""
    words: list[Word | None] = []
    index: dict[Concept, list[Word]] = {}
    negators = predicates = False
    for i, lex in enumerate(lexemes):
        reading = lex.in_lang[lang] if lex.readings else None
        if reading is None:
            words.append(None)
            continue
        concepts = reading.concepts
        if reading.asks:
            concepts = _question(concepts, raw, i, lang)
        quoted = bool(raw.quoted) and i in raw.quoted
        if not concepts:
            words.append(None)
            continue
        negators = negators or reading.negates
        predicates = predicates or reading.predicate
        word = Word(lex.text, concepts, reading.form, reading.lang, lex.typo, quoted, i)
        words.append(word)
        for concept in concepts:
            index.setdefault(concept, []).append(word)
    return words, index, negators, predicates


def _index(words: list[Word | None]) -> dict[Concept, list[Word]]:
    index: dict[Concept, list[Word]] = {}
    for word in words:
        if word is not None:
            for concept in word.concepts:
                index.setdefault(concept, []).append(word)
    return index


def _question(concepts: frozenset[Concept], raw: RawSentence, i: int, lang: str) -> frozenset[Concept]:
    """A question word's concepts in context: "не" is "not" in Russian and "what" in Kazakh;
    "откуда-то" and "всё, что вы храните" ask nothing."""
    if C.NEG in concepts and C.WHAT in concepts:
        concepts = concepts - ({C.NEG} if lang == "kk" else {C.WHAT})
    if raw.indefinite and i in raw.indefinite:
        concepts = concepts - _QUESTION_WORDS
    elif C.WHAT in concepts and i and raw.words[i - 1] in _RELATIVE_HEADS:
        concepts = concepts - {C.WHAT}
    return concepts


# Keyed by skeleton, so "men turaly" finds "мен туралы".
_MWE_BY_FIRST: dict[str, list[tuple[tuple[str, ...], int, Concept, int]]] = {}
for _firsts, _seconds, _window, _concept, _target in _MWES:
    for _first in _firsts:
        _entry = (tuple(skeleton(s) for s in _seconds), _window, _concept, _target)
        _MWE_BY_FIRST.setdefault(skeleton(_first), []).append(_entry)
_MWE_FIRSTS = frozenset(_MWE_BY_FIRST)
_DESIRE = re.compile(r"(g|k)(y|i)(m|myz|miz|s(y|i))$")  # Kazakh -ғым/-гім/-ғысы: "алғым келмейді"


def _multiword(words: list[Word | None], texts: tuple[str, ...], skels: list[str], lang: str) -> bool:
    """Give multi-word expressions their meaning; True when any was found."""
    added = False
    for i, skel in enumerate(skels):
        if i and skel.startswith("kel") and _DESIRE.search(skels[i - 1]):
            _desire(words, texts, skels, i, lang)
            added = True
            continue
        for seconds, window, concept, target in _MWE_BY_FIRST.get(skel, ()):
            for j in range(i + 1, min(len(skels), i + 1 + window)):
                if skels[j].startswith(seconds):
                    _add(words, texts, i if target == 0 else j, concept, lang)
                    added = True
                    break
    return added


def _desire(words: list[Word | None], texts: tuple[str, ...], skels: list[str], i: int, lang: str) -> None:
    """ "-ғым келеді" is "I want to" (not "it comes"); "-ғым келмейді" is "I do not want to"."""
    rest = skels[i][3:]
    form = F.NEG_INSIDE if rest[:2] in ("ma", "me", "ba", "be", "pa", "pe") else F.NONE
    words[i] = Word(texts[i], frozenset({C.WANT}), form, "kk", False, False, i)


def _add(words: list[Word | None], texts: tuple[str, ...], i: int, concept: Concept, lang: str) -> None:
    word = words[i]
    if word is None:
        words[i] = Word(texts[i], frozenset({concept}), F.NONE, lang, False, False, i)
    else:
        word.concepts = word.concepts | {concept}


def _kazakh_compounds(words: list[Word | None], skels: list[str]) -> bool:
    """ "шығарып жіберіңіз": the auxiliary gives the verb its mood and leaves. True when one left."""
    merged = False
    for i in range(1, len(skels)):
        aux = skels[i]
        if not aux.startswith(_AUX_ROOTS) and not aux.startswith("tasta"):
            continue
        converb = skels[i - 1]
        if not converb.endswith(("yp", "ip", "a", "e")) or len(converb) < 3:
            continue
        mood = _aux_mood(words[i], aux)
        if aux.startswith("al") and converb.endswith(("a", "e")):
            mood &= ~F.NEG_INSIDE  # "шыға алмай жатырмын": cannot leave, like "не могу отписаться"
        head = i - 1
        if converb.startswith(_LIGHT_VERBS) and i >= 2:
            head = i - 2  # "отписаться етіп жіберіңізші", "удалить етіп"
        target = words[head]
        if target is not None and target.concepts & PREDICATES:
            target.form = (target.form & ~F.CONVERB) | mood
            if not aux.startswith("tasta") and words[i] is not None:
                words[i] = None
                merged = True
    return merged


def _aux_mood(word: Word | None, aux: str) -> int:
    if word is not None:
        return word.form & _MOOD_BITS
    from .morphology import kazakh_form  # noqa: PLC0415  (rare path: an auxiliary outside the lexicon)

    root = next((r for r in _AUX_ROOTS if aux.startswith(r)), "")
    return kazakh_form(aux[len(root) :], verb=True) & _MOOD_BITS


def _mark_directives(sentence: Sentence) -> None:
    words = sentence.words
    context = False
    first = -1
    contents = 0
    predicates: list[Word] = []
    for i, w in enumerate(words):
        if w is None or not w.concepts & _LEAD_IN:
            contents += 1
            if first < 0:
                first = i
        if w is not None:
            context = context or not w.concepts.isdisjoint(_REQUEST_CONTEXT)
            if not w.concepts.isdisjoint(PREDICATES):
                predicates.append(w)
    if sentence.question and not context:  # "could you send ...?", "можно ли получать ...?"
        context = any(w.positive for w in sentence.index.get(C.CAN, ()))
    for word in predicates:
        word.directive = not word.quoted and (
            bool(word.form & (F.IMPERATIVE | F.DESIRE))
            or sentence.where == "subject"
            or contents <= 1
            or (context and not word.form & F.PAST)
            or (word.lang == "en" and word.index == first)
        )
    if sentence.where != "subject" and not context:
        _mark_bare_requests(sentence, predicates)


def _mark_bare_requests(sentence: Sentence, predicates: list[Word]) -> None:
    """ "Step two: delete it all." (an English verb opening a clause), "Удалить аккаунт." (a sentence
    that is a verb and its objects)."""
    present = [w for w in predicates if not w.directive and not w.quoted and not w.form & F.PAST]
    if not present:
        return
    starts = _clause_starts(sentence) if sentence.lang == "en" and sentence.breaks else ()
    phrase = len(predicates) == 1 and _verb_phrase(sentence.words, predicates[0])
    for word in present:
        word.directive = phrase or word.index in starts


def _verb_phrase(words: list[Word | None], verb: Word) -> bool:
    """A sentence that is only a verb and its objects ("Удалить аккаунт", "Delete my account")."""
    if len(words) > _PHRASE_MAX:
        return False
    unknown = 0
    for w in words:
        if w is None:
            unknown += 1
        elif w is not verb and not w.concepts & _PHRASE_PARTS:
            return False
    return unknown <= 1


def _clause_starts(sentence: Sentence) -> set[int]:
    """The first content word after each comma, colon or dash: where an English imperative stands."""
    starts: set[int] = set()
    words = sentence.words
    for start in sentence.breaks:
        for j in range(start, len(words)):
            w = words[j]
            if w is None or not w.concepts & _LEAD_IN:
                starts.add(j)
                break
    return starts


def _bind(sentence: Sentence, quotes: bool) -> None:
    """Attach each object word to its nearest predicate, preferring the language's word order."""
    heads = [w for w in sentence.words if w is not None and w.concepts & _BINDERS]
    if not heads:
        return
    object_first = sentence.lang == "kk"
    for word in sentence.words:
        if word is None or not word.concepts & OBJECTS or word.concepts & _BINDERS:
            continue
        best, best_cost = None, 1e9
        for head in heads:
            if quotes and head.quoted != word.quoted:
                continue  # «Настройка CRM» is a name: its words are nobody's object
            gap = word.index - head.index
            against = (gap > 0) if object_first else (gap < 0)
            cost = abs(gap) + (1.5 if against else 0.0)
            if cost < best_cost:
                best, best_cost = head, cost
        if best is not None:
            word.head = best.index
