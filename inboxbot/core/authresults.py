"""Is the sender who the From header says? Read from RFC 8601 ``Authentication-Results`` headers.

Only our own MX's verdict counts. Anyone can write an Authentication-Results header into a mail before
it reaches us, so a header is read only when its authserv-id is one we trust, and only above the topmost
``Received`` header (our MX's own: a trusted header below it was in the mail before our MX saw it, i.e.
forged, even when our MX wrote no results of its own). This assumes, as RFC 8601 section 5 asks, that the
MX writes its results above its Received header.

The sender is verified when that run says ``dmarc=pass`` with ``header.from`` equal to the From domain,
or ``dkim=pass`` whose ``header.d`` is aligned with it, and no ``dmarc=fail``. Anything else is not
verified: other results, unaligned signatures, several From addresses or headers, and any trusted header
that does not parse (comments and quoted strings are read as RFC 8601 says, so "dmarc=pass" inside
parentheses or quotes is never a result).

Alignment is the relaxed one of DMARC, made conservative so that no public-suffix list is needed: the
two domains are equal, or one is a subdomain of the other and the shorter is no bare TLD nor one of the
multi-label public suffixes in :data:`PUBLIC_SUFFIXES`. Sibling subdomains (``news.example.kz`` signed by
``mail.example.kz``) are not aligned here although DMARC would align them; that errs on "not verified".
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

# Multi-label public suffixes (registries' second levels) likely in this mailbox: a signer under one of
# them owns only its own name, never its neighbours'.
PUBLIC_SUFFIXES = frozenset(
    {
        *("com.kz", "org.kz", "edu.kz", "gov.kz", "net.kz", "mil.kz", "kz.kz", "co.kz"),
        *("com.ru", "net.ru", "org.ru", "pp.ru", "msk.ru", "spb.ru", "com.ua", "org.ua", "net.ua"),
        *("co.uz", "com.kg", "org.kg", "co.uk", "org.uk", "ac.uk", "gov.uk", "com.tr", "co.jp"),
        *("com.cn", "com.au", "co.in", "eu.org", "github.io", "blogspot.com"),
    }
)
_KEYWORD = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")
_PROPERTY = re.compile(r"^[a-z0-9-]+\.[a-z0-9][a-z0-9._-]*$")
_METHOD = re.compile(r"^(?P<name>[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)(?:/\d+)?$")


class MalformedHeader(ValueError):
    """An Authentication-Results value that does not follow RFC 8601; ``authserv_id`` when it was read."""

    def __init__(self, why: str, authserv_id: str | None = None) -> None:
        super().__init__(why)
        self.authserv_id = authserv_id


@dataclass(frozen=True)
class MethodResult:
    method: str  # "dkim", "dmarc", "spf" (lower case)
    result: str  # "pass", "fail", ... (lower case)
    reason: str = ""
    properties: tuple[tuple[str, str], ...] = ()  # ("header.d", "example.kz"), names in lower case

    def prop(self, name: str) -> str | None:
        return next((value for key, value in self.properties if key == name), None)


@dataclass(frozen=True)
class AuthenticationResults:
    authserv_id: str
    results: tuple[MethodResult, ...]


@dataclass(frozen=True)
class SenderVerdict:
    verified: bool
    reason: str  # one line, for the log and the ticket's evidence


class _Scanner:
    """A cursor over a header value that skips folding white space and (nested) comments."""

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def peek(self) -> str:
        self._skip_cfws()
        return self.text[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise MalformedHeader(f"expected {char!r} at {self.pos}")
        self.pos += 1

    def value(self, stop: str) -> str:
        """A quoted string (unescaped; with an ``@domain`` after it, as a quoted local part may have)
        or a run of characters up to white space, a parenthesis, a quote or one of ``stop``."""
        if self.peek() == '"':
            quoted = self._quoted()
            return quoted + self._run(stop) if self.text.startswith("@", self.pos) else quoted
        return self._run(stop)

    def _run(self, stop: str) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in f' \t\r\n()"{stop}':
            self.pos += 1
        if start == self.pos:
            raise MalformedHeader(f"a value is missing at {start}")
        return self.text[start : self.pos]

    def _quoted(self) -> str:
        out, self.pos = [], self.pos + 1
        while self.pos < len(self.text) and self.text[self.pos] != '"':
            self.pos += 2 if self.text[self.pos] == "\\" else 1
            out.append(self.text[self.pos - 1])
        if self.pos >= len(self.text):
            raise MalformedHeader("unterminated quoted string")
        self.pos += 1
        return "".join(out)

    def _skip_cfws(self) -> None:
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if not depth and char != "(" and not char.isspace():
                return
            if char == "\\":
                self.pos += 1
            elif char in "()":
                depth += 1 if char == "(" else -1
            self.pos += 1
        if depth:
            raise MalformedHeader("unterminated comment")


def parse_authentication_results(value: str) -> AuthenticationResults:
    """Parse one header value; raises :class:`MalformedHeader`."""
    scan = _Scanner(value)
    authserv_id = scan.value(";=").lower()
    try:
        if scan.peek().isdigit() and scan.value(";") != "1":
            raise MalformedHeader("unsupported version")
        if not scan.peek():
            raise MalformedHeader("no results")
        results: list[MethodResult] = []
        while scan.peek():
            scan.expect(";")
            if scan.peek() and (result := _resinfo(scan)) is not None:
                results.append(result)
        return AuthenticationResults(authserv_id, tuple(results))
    except MalformedHeader as exc:
        raise MalformedHeader(str(exc), authserv_id) from None


def _resinfo(scan: _Scanner) -> MethodResult | None:
    method = _METHOD.match(scan.value(";=").lower())
    if method is None:
        raise MalformedHeader("invalid method name")
    if method.group("name") == "none" and scan.peek() in ("", ";"):
        return None
    scan.expect("=")
    result = scan.value(";=").lower()
    if not _KEYWORD.match(result):
        raise MalformedHeader("invalid result")
    reason, props = "", []
    while scan.peek() not in ("", ";"):
        name = scan.value(";=").lower()
        scan.expect("=")
        text = scan.value(";")
        if name == "reason":
            reason = text
        elif _PROPERTY.match(name):
            props.append((name, text))
        else:
            raise MalformedHeader(f"unexpected {name!r}")
    return MethodResult(method.group("name"), result, reason, tuple(props))


def verify_sender(
    headers: Sequence[tuple[str, str]], from_domain: str, trusted_ids: Collection[str]
) -> SenderVerdict:
    """Whether our MX verified that the mail comes from ``from_domain``, with the reason in one line.

    ``headers``: the mail's (name, value) pairs, topmost first (``ParsedMail.headers``); its From header
    must hold exactly one address, at ``from_domain``. ``trusted_ids``: our MX's authserv-ids.
    """
    domain = _domain(from_domain)
    problem = _from_problem(headers, domain)
    if problem:
        return SenderVerdict(False, problem)
    try:
        results = _trusted_results(headers, {i.casefold() for i in trusted_ids})
    except MalformedHeader as exc:
        return SenderVerdict(False, f"Authentication-Results of {exc.authserv_id} is malformed: {exc}")
    if results is None:
        return SenderVerdict(False, "no Authentication-Results from a trusted server")
    return _judge(results, domain)


def _from_problem(headers: Sequence[tuple[str, str]], domain: str) -> str:
    """Why the From header does not name exactly one mailbox at ``domain``; "" when it does.
    (A decoded display name may hold a comma, so only entries with an "@" count as addresses.)"""
    values = [value for name, value in headers if name.lower() == "from"]
    if len(values) != 1:
        return f"{len(values)} From headers"
    addresses = [address for _, address in email.utils.getaddresses(values) if "@" in address]
    if len(addresses) != 1 or addresses[0].count("@") != 1:
        return "the From header does not hold exactly one address"
    actual = _domain(addresses[0].rsplit("@", 1)[1])
    return "" if actual and actual == domain else f"the From domain {actual!r} is not {domain!r}"


def trusted_results(
    headers: Sequence[tuple[str, str]], trusted_ids: Collection[str]
) -> list[MethodResult] | None:
    """The results our MX wrote (the topmost run of headers with a trusted authserv-id); None when there
    is no trusted header. Raises :class:`MalformedHeader` when a trusted header does not parse."""
    return _trusted_results(headers, {i.casefold() for i in trusted_ids})


def _trusted_results(headers: Sequence[tuple[str, str]], trusted: set[str]) -> list[MethodResult] | None:
    """The results of the trusted headers above the topmost ``Received``; None when there is none.

    Our MX prepends its results above (or right around) its own Received header; anything below the
    topmost Received was in the mail before our MX saw it, whatever authserv-id it names."""
    results: list[MethodResult] = []
    reading = False
    for name, value in headers:
        if name.lower() == "received":
            break
        if name.lower() != "authentication-results":
            continue
        try:
            parsed = parse_authentication_results(value)
        except MalformedHeader as exc:
            if exc.authserv_id is not None and exc.authserv_id.casefold() in trusted:
                raise
            continue
        if parsed.authserv_id.casefold() in trusted:
            reading = True
            results.extend(parsed.results)
    return results if reading else None


def _judge(results: list[MethodResult], domain: str) -> SenderVerdict:
    dmarc = [r for r in results if r.method == "dmarc"]
    if any(r.result == "fail" for r in dmarc):
        return SenderVerdict(False, "dmarc=fail")
    for r in dmarc:
        if r.result == "pass" and _domain(r.prop("header.from") or "") == domain:
            return SenderVerdict(True, f"dmarc=pass for {domain}")
    passed = [r for r in results if r.method == "dkim" and r.result == "pass"]
    signers = [_domain(r.prop("header.d") or "") for r in passed]
    for signer in signers:
        if aligned(signer, domain):
            return SenderVerdict(True, f"dkim=pass by {signer}, aligned with {domain}")
    seen = ", ".join(f"{r.method}={r.result}" for r in results) or "none"
    unaligned = f"; dkim=pass only for {', '.join(s or '?' for s in signers)}" if signers else ""
    return SenderVerdict(False, f"no dmarc=pass or aligned dkim=pass for {domain} ({seen}{unaligned})")


def aligned(signer: str, from_domain: str) -> bool:
    """Relaxed alignment, conservatively (see the module's docstring)."""
    signer, from_domain = _domain(signer), _domain(from_domain)
    if not signer or not from_domain:
        return False
    if signer == from_domain:
        return True
    shorter, longer = sorted((signer, from_domain), key=len)
    return longer.endswith("." + shorter) and "." in shorter and shorter not in PUBLIC_SUFFIXES


def _domain(value: str) -> str:
    """A domain in lower-case IDNA form without its trailing dot; "" for anything that is not a name."""
    value = value.strip().rstrip(".").lower()
    try:
        ascii_name = value.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    labels = ascii_name.split(".")
    if not all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", label) for label in labels):
        return ""
    return ascii_name
