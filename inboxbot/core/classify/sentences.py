"""One sentence, analysed: each word's reading in the sentence's language, multi-word expressions
and Kazakh compound verbs (see :mod:`.phrases`), auxiliaries, negation, which predicates are requests
(with wished results and reported speech, see :mod:`.clauses`; an English word after a determiner is
a noun: "I appreciate the updates"), and which predicate each object belongs to ("удалите мой
аккаунт, рассылку можно оставить": the list belongs to "оставить"; an object reaches across a comma
or dash only when no verb is nearer: "удалите мою учётку — пользоваться не планирую"; a «quoted» name
belongs to nothing outside its quotes).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from . import clauses, negation, phrases
from .concepts import MODALS, PREDICATES, C, Concept, F
from .negation import Word
from .tokens import RawSentence
from .vocabulary import Lexeme, Vocabulary

OBJECTS = frozenset(
    {
        C.LIST, C.SUBSCRIPTION, C.MAIL, C.SMS, C.SPAM, C.MARKETING, C.DATA, C.NUMBER, C.ACCOUNT, C.BASE,
        C.CONSENT, C.ME, C.PRONOUN, C.LANGUAGE, C.PHONE, C.NAME, C.ADDRESS, C.EMAIL, C.BIRTH, C.REQUISITES,
        C.CONTACT, C.PASSPORT, C.COPY, C.POSITION,
    }
)  # fmt: skip
_BINDERS = PREDICATES - MODALS - {C.CAN}
_QUESTION_WORDS = frozenset({C.WHAT, C.WHOM, C.SOURCE, C.WHERE, C.HOW, C.PURPOSE})
_REQUEST_CONTEXT = frozenset({C.PLEASE, C.WANT, C.NEED, C.HOW, C.INTEND})
_LEAD_IN = frozenset({C.GREETING, C.PLEASE, C.SKIP, C.YOU, C.ME})
_RELATIVE_HEADS = frozenset(
    {"все", "всё", "всего", "то", "everything", "anything", "all", "бәрін", "барлығын"}
)
_WISHES = (C.WANT, C.NEED)
_PHRASE_MAX = 6
_PHRASE_PARTS = OBJECTS | _LEAD_IN | {C.FROM, C.OWN, C.PERSONAL, C.MORE, C.OFF}
_HEARD = (C.RECEIVE, C.SEND)  # a reported message was received or sent to the sender
# An English word after a determiner is a noun: "I appreciate the updates" asks for no update.
_DETERMINERS = frozenset({"the", "these", "those", "your", "our", "their", "a", "an", "any", "some", "its"})
_ACROSS_CLAUSES = 2.0  # an object reaches across a comma or dash only when no verb is nearer


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
    paragraph: int = 0

    def has(self, *concepts: Concept) -> bool:
        return not self.index.keys().isdisjoint(concepts)

    def with_(self, *concepts: Concept) -> list[Word]:
        index = self.index
        if len(concepts) == 1:
            return index.get(concepts[0]) or []
        found: list[Word] = []
        for c in concepts:
            words = index.get(c)
            if words:
                found.extend(words)
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
        sentence = Sentence(
            [None] * len(texts), texts, where, position, raw.question, lang, votes, raw.values
        )
        sentence.paragraph = raw.paragraph
        return sentence
    words, index, negators, predicates = _words(lexemes, raw, lang)
    changed = phrases.call_recordings(words, index) if C.RECORDING in index else False
    if C.ALL in index:
        changed = phrases.bare_all(index[C.ALL], texts, raw.breaks) or changed
    if lang == "en" and predicates and clauses.may_have_auxiliary(texts):
        changed = clauses.drop_auxiliaries(words, texts) or changed
    skels = [lex.skel for lex in lexemes]
    if (lang == "kk" or not phrases.MWE_FIRSTS.isdisjoint(skels)) and phrases.multiword(
        words, texts, skels, lang
    ):
        predicates = changed = True  # "take me off", "бас тарту", "-ғым келмейді" may have made one
    if lang == "kk":
        changed = phrases.kazakh_compounds(words, skels) or changed
        negators = True  # negation inside Kazakh verbs, or a "-ғым келмейді" just found
    if changed:
        index = _index(words)
    sentence = Sentence(words, texts, where, position, raw.question, lang, votes, raw.values, index)
    sentence.breaks = raw.breaks
    sentence.paragraph = raw.paragraph
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
    texts = sentence.texts
    for word in predicates:
        word.directive = (
            not word.quoted
            and (
                bool(word.form & (F.IMPERATIVE | F.DESIRE))
                or sentence.where == "subject"
                or contents <= 1
                or (context and not word.form & F.PAST)
                or (word.lang == "en" and word.index == first)
            )
            and not (word.lang == "en" and word.index and texts[word.index - 1] in _DETERMINERS)
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


def _clause_edges(words: list[Word | None], breaks: frozenset[int]) -> list[int]:
    """Where clauses begin: the commas, colons and dashes, less those around a lead-in ("Удалите,
    пожалуйста, мою учётку": one clause). A word's clause is ``bisect_right(edges, index)``."""
    return [
        i
        for i in sorted(breaks)
        if i < len(words) and not (_lead_in(words[i]) or (i and _lead_in(words[i - 1])))
    ]


def _lead_in(word: Word | None) -> bool:
    return word is not None and word.concepts <= _LEAD_IN


def _bind(sentence: Sentence, quotes: bool) -> None:
    """Attach each object word to its nearest predicate, preferring the language's word order."""
    heads = [w for w in sentence.words if w is not None and w.concepts & _BINDERS]
    if not heads:
        return
    object_first = sentence.lang == "kk"
    edges = _clause_edges(sentence.words, sentence.breaks) if sentence.breaks and len(heads) > 1 else None
    for word in sentence.words:
        if word is None or not word.concepts & OBJECTS or word.concepts & _BINDERS:
            continue
        clause = bisect_right(edges, word.index) if edges else 0
        best, best_cost = None, 1e9
        for head in heads:
            if quotes and head.quoted != word.quoted:
                continue  # «Настройка CRM» is a name: its words are nobody's object
            gap = word.index - head.index
            against = (gap > 0) if object_first else (gap < 0)
            cost = abs(gap) + (1.5 if against else 0.0)
            if edges and bisect_right(edges, head.index) != clause:
                cost += _ACROSS_CLAUSES  # "удалите мою учётку — пользоваться не планирую"
            if cost < best_cost:
                best, best_cost = head, cost
        if best is not None:
            word.head = best.index
