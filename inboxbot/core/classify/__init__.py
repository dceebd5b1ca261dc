"""The mail classifier: what an inbound mail asks for, in Russian, Kazakh or English.

``classify(mail)`` is a pure function of a :class:`~inboxbot.core.mail.ParsedMail`: no I/O, no
network, deterministic. The pipeline (see docs/classifier.md):

1. :mod:`.automated` — headers and MIME structure, then bounce / out-of-office / receipt text;
   a machine-written mail is ``automated`` whatever its text says.
2. :mod:`.tokens`, :mod:`.sentences` — the sender's new text (quotes and signature already cut by
   the parser) and the subject, unless it is a "Re:"/"Fwd:" of an earlier mail, are split into
   sentences; each word is read through :mod:`.vocabulary` (lexicons, transliteration, morphology,
   typo matching), then negation scope, requests and object binding are worked out.
3. :mod:`.unsubscribe`, :mod:`.personal_data`, :mod:`.data_access`, :mod:`.consent` — rule families,
   each a predicate x an object.
4. :mod:`.verdict` — conflicts, the rules' confidence level, needs_review, evidence.
5. :mod:`.second_opinion` — an independent linear model grades the verdict: the confidence becomes a
   probability that the verdict is right, calibrated on the rules' first runs on held-out sets.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from inboxbot.core.intents import Classification, Evidence, Intent
from inboxbot.core.mail import ParsedMail

from .automated import automated_evidence
from .concepts import C
from .consent import consent_findings
from .data_access import ACCESS_TRIGGERS, access_findings
from .findings import STRONG, Finding
from .foreign import UND, ForeignText
from .language import BLOCK_VOTES, bilingual_first, pick
from .personal_data import CHANGE_TRIGGERS, DELETION_TRIGGERS, change_findings, deletion_findings
from .second_opinion import SecondOpinion, features
from .second_opinion import load as load_second_opinion
from .sentences import Sentence, analyse
from .spam import SpamPolicy, spam_evidence
from .tokens import sentences as split_sentences
from .unsubscribe import TRIGGERS as UNSUB_TRIGGERS
from .unsubscribe import senders_own, unsubscribe_findings
from .verdict import REVIEW_BELOW, classification, decide
from .vocabulary import Vocabulary

__all__ = ["Classifier", "ConfiguredClassifier", "SpamPolicy", "classify"]

_REPLY_SUBJECT = re.compile(r"^\s*((re|fwd?|aw|wg|sv|vs|ответ|отв|пересл)\s*(\[\d+\])?\s*:\s*)+", re.I)
_SUBJECT_POSITION = -100
_MIN_LANGUAGE_VOTES = 0.9
_WEAK_AUTOMATED = 0.85
_SPAM_CONFIDENCE = 0.95
_TRIGGERS = UNSUB_TRIGGERS | CHANGE_TRIGGERS | DELETION_TRIGGERS | ACCESS_TRIGGERS | {C.CONSENT}


class Classifier:
    """Holds the compiled vocabulary; build once, call for every mail."""

    def __init__(self, opinion: SecondOpinion | None = None) -> None:
        self.vocabulary = Vocabulary()
        self.foreign = ForeignText(self.vocabulary)
        self._opinion = opinion

    @property
    def opinion(self) -> SecondOpinion:
        """The trained second opinion, read on first use (training reads sentences before it exists)."""
        if self._opinion is None:
            self._opinion = load_second_opinion()
        return self._opinion

    def __call__(self, mail: ParsedMail, spam_policy: SpamPolicy | None = None) -> Classification:
        spam = spam_evidence(mail, spam_policy or SpamPolicy())
        auto, auto_confidence = automated_evidence(mail)
        if spam:  # spam and phishing: nobody's request, whatever the text says
            language, _ = self._language(mail, None)
            return _automated([*spam, *auto], _SPAM_CONFIDENCE, language)
        if auto and auto_confidence >= _WEAK_AUTOMATED:  # decided: only the language is left to find
            language, _ = self._language(mail, None)
            return _automated(auto, auto_confidence, language)
        sentences = self.sentences(mail)
        language, known = self._language(mail, sentences)
        findings = _findings(sentences)
        if auto and not _outweighs(findings, auto):
            return _automated(auto, auto_confidence, language)
        result = classification(decide(findings), language, known, _request_words(sentences))
        result = self._graded(result, sentences)
        if auto:  # weak automated signs lost to an explicit request: a person should look
            return Classification(
                result.intents, result.language, min(result.confidence, 0.6), True, result.evidence
            )
        return result

    def _graded(self, result: Classification, sentences: list[Sentence]) -> Classification:
        """The rules' verdict with a calibrated confidence: the probability that each request found
        is asked for (the least of them), or that an ``other`` asks for nothing. A verdict the rules
        already send to review keeps its lower level; a graded one under the review line goes too."""
        opinion = self.opinion.model.probabilities(features(sentences))
        level = result.confidence
        if result.requests:
            confidence = min(self.opinion.request(opinion[i], level) for i in result.requests)
            said = tuple(_opinion(i, opinion[i]) for i in result.requests)
        else:
            strongest = max(opinion, key=opinion.__getitem__)
            confidence = self.opinion.other(opinion[strongest], level)
            disagrees = opinion[strongest] >= 0.5
            said = (_opinion(strongest, opinion[strongest], Intent.OTHER),) if disagrees else ()
        if result.needs_review:
            confidence = min(confidence, level)
        return Classification(
            result.intents,
            result.language,
            round(confidence, 3),
            result.needs_review or confidence < REVIEW_BELOW,
            result.evidence + said,
        )

    def _language(self, mail: ParsedMail, sentences: list[Sentence] | None) -> tuple[str, bool]:
        """The language of the new text (of its first block when it is written twice, in two
        languages); of the subject when the text says too little. ``und``, and not known (so the
        mail is flagged for a person), when the text is in a language other than ru, kk and en."""
        text = _own_text(mail)
        if sentences is None:
            raws = split_sentences(text)
            words = [raw.words for raw in raws]
            blocks = [(raw.paragraph, self._votes(raw.words)) for raw in raws]
        else:
            words = [s.texts for s in sentences if s.where == "body"]
            blocks = None
        language, known, subject = self._voted_language(mail, sentences, blocks)
        foreign = self.foreign.language(text, words, language)
        if foreign is None and subject is not None:  # the text said too little: the subject spoke
            foreign = self.foreign.language(subject[0], subject[1], language)
        return (UND, False) if foreign is not None else (language, known)

    def _voted_language(
        self, mail: ParsedMail, sentences: list[Sentence] | None, blocks: list[tuple[int, list[float]]] | None
    ) -> tuple[str, bool, tuple[str, list[tuple[str, ...]]] | None]:
        """The word votes' language, whether there were any, and the subject and its words if they
        were read."""
        if blocks is not None:
            body = [sum(v[0] for _, v in blocks), sum(v[1] for _, v in blocks), sum(v[2] for _, v in blocks)]
        else:
            assert sentences is not None
            ru = kk = en = 0.0
            for s in sentences:
                if s.where == "body":
                    votes = s.votes
                    ru, kk, en = ru + votes[0], kk + votes[1], en + votes[2]
            body = [ru, kk, en]
        if (body[0] >= BLOCK_VOTES) + (body[1] >= BLOCK_VOTES) + (body[2] >= BLOCK_VOTES) > 1:
            if blocks is None:
                assert sentences is not None
                blocks = [(s.paragraph, s.votes) for s in sentences if s.where == "body"]
            first = bilingual_first(blocks)
            if first is not None:
                return first, True, None
        totals = body
        subject: tuple[str, list[tuple[str, ...]]] | None = None
        if sum(totals) < _MIN_LANGUAGE_VOTES and mail.subject:
            own_subject = _REPLY_SUBJECT.sub("", mail.subject)
            subject = (own_subject, [raw.words for raw in split_sentences(own_subject)])
            extra = [0.0, 0.0, 0.0]
            for subject_words in subject[1]:
                extra = [a + b for a, b in zip(extra, self._votes(subject_words), strict=True)]
            totals = [a + b for a, b in zip(body, extra, strict=True)]
        language, share = pick(totals)
        return language, sum(totals) > 0 and share > 0, subject

    def _votes(self, words: tuple[str, ...]) -> list[float]:
        totals = [0.0, 0.0, 0.0]
        lookup = self.vocabulary.lexeme
        for word in words:
            votes = lookup(word).votes
            totals[0] += votes[0]
            totals[1] += votes[1]
            totals[2] += votes[2]
        return totals

    def sentences(self, mail: ParsedMail) -> list[Sentence]:
        out: list[Sentence] = []
        subject = mail.subject or ""
        if subject and not _REPLY_SUBJECT.match(subject):
            for i, raw in enumerate(split_sentences(subject)):
                out.append(analyse(raw, self.vocabulary, "subject", _SUBJECT_POSITION + i))
        for i, raw in enumerate(split_sentences(_own_text(mail))):
            out.append(analyse(raw, self.vocabulary, "body", i))
        return out


def _opinion(intent: Intent, p: float, about: Intent | None = None) -> Evidence:
    """The second opinion as evidence a person can read: "unsubscribe 0.97" on the intent it grades."""
    return Evidence(about or intent, "second_opinion", "text", f"{intent.value} {p:.2f}")


def _own_text(mail: ParsedMail) -> str:
    """The sender's new text. When the quote splitter kept none although the mail answers nothing
    (no "Re:"/"Fwd:", no In-Reply-To or References), the "quote" is the sender's own letter that opens
    with a header block ("От: ...\nДата: ..." above a formal application): read all of it."""
    if mail.reply.new.strip() or not mail.text.strip():
        return mail.reply.new
    replying = bool(_REPLY_SUBJECT.match(mail.subject or "")) or mail.in_reply_to or mail.references
    return mail.reply.new if replying else mail.text


def _findings(sentences: list[Sentence]) -> list[Finding]:
    found: list[Finding] = []
    for sentence in sentences:
        present = sentence.index.keys()
        if present.isdisjoint(_TRIGGERS):
            continue
        if not present.isdisjoint(UNSUB_TRIGGERS):
            found.extend(unsubscribe_findings(sentence, sentences))
        if not present.isdisjoint(CHANGE_TRIGGERS):
            found.extend(change_findings(sentence, sentences))
        if not present.isdisjoint(DELETION_TRIGGERS):
            found.extend(deletion_findings(sentence, sentences))
        if C.CONSENT in present:
            found.extend(consent_findings(sentence))
        if not present.isdisjoint(ACCESS_TRIGGERS) or (C.SEND in present and C.DATA in present):
            found.extend(access_findings(sentence, sentences))
    return senders_own(found, sentences)


_REQUEST_WORDS = frozenset(
    {C.UNSUB, C.REMOVE, C.ERASE, C.CLOSE, C.CHANGE, C.WITHDRAW, C.CONSENT, C.STOP, C.EXIT, C.CANCEL, C.REFUSE}
)


def _request_words(sentences: list[Sentence]) -> tuple[Evidence, ...]:
    """The sender's own words of a request (not negated, not someone else's), whatever became of them."""
    found = []
    for sentence in sentences:
        for word in sentence.positive(*_REQUEST_WORDS):
            found.append(Evidence(Intent.OTHER, "request_words", sentence.where, word.text))
    return tuple(found)


def _outweighs(findings: list[Finding], auto: list[Evidence]) -> bool:
    """An explicit request beats weak signs that are only out-of-office or auto-responder wording:
    people write "I was on vacation" and "thanks for your letter" too. Newsletter footers, "do not
    reply" notices and ticket acknowledgements they do not."""
    rules = {e.rule for e in auto}
    explicit = any(
        f.strength >= STRONG and f.directive and f.where == "body" for f in findings if f.intent != "keep"
    )
    return explicit and rules <= {"out_of_office_text", "auto_reply_text"}


def _automated(evidence: list[Evidence], confidence: float, language: str) -> Classification:
    return Classification(
        intents=(Intent.AUTOMATED,),
        language=language,
        confidence=confidence,
        needs_review=confidence < REVIEW_BELOW,
        evidence=tuple(evidence),
    )


_default: Classifier | None = None
_lock = threading.Lock()


def default_classifier() -> Classifier:
    global _default  # noqa: PLW0603  (built lazily once per process: the vocabulary is not free)
    if _default is None:
        with _lock:
            if _default is None:
                _default = Classifier()
    return _default


def classify(mail: ParsedMail) -> Classification:
    """Classify one parsed inbound mail. Pure and deterministic."""
    return default_classifier()(mail)


@dataclass(frozen=True)
class ConfiguredClassifier:
    """:func:`classify` with the deployment's spam policy (trusted MX, score threshold); small and
    picklable, so the parse processes get it, and each builds its vocabulary once."""

    spam_policy: SpamPolicy

    def __call__(self, mail: ParsedMail) -> Classification:
        return default_classifier()(mail, self.spam_policy)
