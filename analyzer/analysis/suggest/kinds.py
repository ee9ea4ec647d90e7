"""What each sentence of a draft is, as an editor sorts them: a heading, a dateline, a feature, a price...

Only five kinds can be rewrite targets (`TARGET_KINDS`): the announcement, a feature, a benefit
figure, a price and a claim about the product. Everything else is structure (headings, datelines,
bylines, schedules, addresses, contact lines, calls to action, list fragments, attributions,
legal and About boilerplate), someone's words (quotes), company news meant to inform (events,
hires, awards, funding, offices, anniversaries, photos: `news`) or a sentence that already
argues for change. The rules read the raw text and its place in the draft, not spaCy's parser: every
sentence of every document goes through them, and the parser is kept for the few targets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from analyzer.analysis.suggest import lexicon
from analyzer.analysis.suggest.lexicon import CTA_VERBS, IMPERATIVE_VERBS
from analyzer.analysis.suggest.news import NEWS_WORDS, PARTNERS_SUBJECT, PARTNERSHIP, STRONG_NEWS
from analyzer.analysis.suggest.stakes import names_a_loss, without_cannot
from analyzer.text.guarded import guarded

HEADING: Final = "heading"
DATELINE: Final = "dateline"
BYLINE: Final = "byline"
SCHEDULE: Final = "schedule"
CONTACT: Final = "contact"
CTA: Final = "cta"
LIST_FRAGMENT: Final = "list-fragment"
ATTRIBUTION: Final = "attribution"
BOILERPLATE: Final = "boilerplate"
NEWS: Final = "news"
QUOTE: Final = "quote"
ARGUMENT: Final = "argument"
OTHER: Final = "other"
ANNOUNCEMENT: Final = "announcement"
FEATURE: Final = "feature"
BENEFIT: Final = "benefit"
PRICE: Final = "price"
CLAIM: Final = "claim"

#: The kinds an editor rewrites; every other kind is never a target.
TARGET_KINDS: Final = frozenset({ANNOUNCEMENT, FEATURE, BENEFIT, PRICE, CLAIM})


@dataclass(frozen=True, slots=True)
class Line:
    """A sentence of the draft and where it sits."""

    text: str
    start: int
    end: int
    label: str  # the sentence model's label: a case-for-change sentence already argues


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?"
_DATE = guarded(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?(?:[\u2013-]\d{{1,2}})?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b)",
    re.IGNORECASE,
)
_MORE_IMPERATIVES = lexicon.MORE_IMPERATIVES
_OBJECT_STARTS = lexicon.OBJECT_STARTS
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:a\.?m\.?|p\.?m\.?)(?!\w)", re.IGNORECASE)
_DATELINE = re.compile(r"^[A-Z][A-Z.'\u2019 -]{2,},.{0,60}?\b(?:19|20)\d{2}\b.*(?:--|\u2014|\u2013)\s*$")
_RELEASED = re.compile(r"^(?:released|published|posted|updated|last updated)\b")
_BYLINE = re.compile(r"^(?:by|posted by|written by|words by|from)\s+[A-Z]|^the\s+\w+\s+team,?$", re.IGNORECASE)
_CONTACT = re.compile(r"@|https?://|www\.|\b[\w-]+\.(?:com|io|dev|co|org|net|eu|ai|app)\b|\+?\d[\d ()-]{7,}\d")
_CONTACT_WORDS = re.compile(r"^(?:media|press|contact|tel|phone|e-?mail|fax|write|reach|questions)\b")
#: A list item's marker: "- ", "* ", "• ", "→ ", "1. ", "2) ".
BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u2192\u2013\u2014\u25aa\u25b8\u2713\u2714>]+|\d{1,2}[.)])\s+")
_QUOTE_OPEN = re.compile(r"[\u201c\u201d\"]")
_SAID = re.compile(r"^(?:said|says|adds|added|explains|explained)\b|^[\u2014\u2013-]\s*[A-Z]", re.IGNORECASE)
#: The end of a quotation whose opening mark fell in an earlier sentence: '... who called," says Dr. Monroe.'
_QUOTE_END = re.compile(r"[,.!?][\"\u201d]\s+(?:says|said|adds|added|explains|explained)\b")
_HASHTAGS = re.compile(r"^(?:#\w+\s*)+$")
_GREETING = re.compile(r"^(?:hi|hello|dear|hey|thanks|thank you|cheers|best|regards)\b.{0,30}[,!]?$")

_BOILERPLATE = guarded(
    r"^(?:about\b|founded in|headquartered|[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)* (?:is|are) (?:a|an|the) (?:leading )?"
    r"(?:provider|maker|developer|subsidiary|company|team)\b|"
    r"[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)* (?:builds|makes|develops) "
    r"\w+(?: \w+){0,4} (?:software|platforms?|tools|products|apps?|hardware|systems?)\b)|"
    r"\b(?:all rights reserved|forward-looking|trademarks? of|terms and conditions|privacy policy|copyright)\b",
    re.IGNORECASE,
)
#: "The Lindenhof is a family-run hotel in ...": a description of who someone is, not a claim to argue.
_DESCRIPTION = re.compile(
    r"^(?:The )?[A-Z][\w'\u2019&.-]*(?: [A-Z][\w'\u2019&.-]*)* (?:is|are) (?:a|an) (?!\w+ (?:way|tool|app)\b)"
)
_ABOUT_HEADING = re.compile(r"^(?:about|who we are|our story|media contact|contact|legal|disclaimer)\b")
#: The same, as a whole line of plain text: "About Ledgerlark", "Media contact"; not a standfirst
#: that starts with a product named "Contact Clock".
ABOUT_LINE = re.compile(
    r"^(?:about [^.:;!?]{1,60}|who we are|our story|(?:media |press )?contacts?(?: us)?|legal|disclaimer)[:.]?$"
)
_MINOR_HEADING = re.compile(
    r"^(?:fixes|bug fixes|fixed|deprecations?|deprecated|breaking changes|known issues|agenda|speakers|schedule|"
    r"programme|program|who should attend|faq|frequently asked)\b"
)

_ANNOUNCE = re.compile(
    r"\b(?:today (?:announced|launched|released|introduced|unveiled)|announc(?:e|es|ed|ing)|introduc(?:e|es|ing)|"
    r"(?:we're|we are|we've|we have) (?:releasing|launching|shipping|rolling out|launched|released|introducing)|"
    r"(?:now|generally) available|is (?:now )?live|from today|is here|"
    r"starting (?:today|tomorrow|this week|next week|monday|tuesday|wednesday|thursday|friday)|"
    # not a boat: "delivered by our own launch, the Carrick Belle" (batch 20)
    r"(?<!before )(?<!after )(?<!since )(?<!your )(?<!their )(?<!'s )(?<!our own )launch(?:es|ed|ing)?"
    r"(?! dates?\b| days?\b|, the )|"
    r"brings?\b.*\b(?:new|\d+\.\d+)|\b\d+\.\d+(?:\.\d+)? (?:adds|brings)\b)"  # "Version 4.2 adds ..."
)
_VERSION = re.compile(r"\b(?:v?\d+\.\d+(?:\.\d+)?|\d+\.0)\b")
#: What a product sentence says that scene-setting does not: something new, what the reader can now do, who made it.
_NEWNESS = re.compile(
    r"\b(?:now|new|today|this (?:week|month)|you can|can now|lets?|we(?! (?:spent|were|had|used|did|went|started))|"
    r"we're|we've|our|us|introduc\w*|launch\w*|releas\w*)\b"
)
#: Words that date a piece to a launch or a release; a page without any is evergreen copy.
_LAUNCH = re.compile(
    r"\b(?:today|tonight|this (?:week|month|season|spring|summer|fall|autumn|winter|quarter)|"
    r"starting (?:today|now|this|next|on|mon|tue|wed|thu|fri|sat|sun|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|"
    r"introduc(?:ing|es|ed)|launch(?:es|ed|ing)|releas(?:es|ed|ing)|release notes|"
    r"(?:this|new|latest) (?:release|update)|"
    r"beta|early access|now (?:live|available)|is (?:now )?out|rolls? out|rolling out|what's new|new in|"
    r"version \d|v\d+(?:\.\d+)+|(?:we've|we have) (?:just )?(?:added|built|shipped|launched|released)|"
    r"just (?:added|shipped))\b",
    re.IGNORECASE,
)
_CURRENCY = guarded(
    r"[$\u00a3\u20ac\u00a5\u20b9]\s?\d|\d\s?(?:usd|eur|gbp)\b|\b(?:at|for) no (?:extra )?cost\b|\bfree\b|"
    r"\bbilled at\b|\bat cost\b"
)
_PER_UNIT = guarded(
    r"\bper\s+\w+|\b(?:a|each|every)\s+(?:month|year|user|seat|unit)\b|/(?:mo|month|yr|year|user|seat)\b|"
    r"\bbilled\b|\bpriced\b|\bstarts? at\b|\bno (?:extra )?cost\b|\bno markup\b|\bmonthly minimum\b"
)
#: An amount of money: "included in the Pro plan at $89 a month" is a price, not an availability line.
_MONEY = re.compile(r"[$\u00a3\u20ac\u00a5\u20b9]\s?\d")
_EVENT_PRICE = re.compile(r"\b(?:tickets? (?:are|cost)|early[- ]bird|admission|registration (?:is|costs))\b")
_FIGURE = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    r"half|a (?:fifth|third|quarter)|paid for itself|an? (?:full )?(?:hour|day|week|month))\b"
)
#: "from 14 minutes to 6", "from nine days to five": a change measured in numbers.
_FROM_TO = (
    r"from (?:\$?\d|nine|eight|seven|six|five|four|three|two)\S* .{0,25}?\b"
    r"to (?:\$?\d|one|two|three|four|five|six|seven|eight|nine|ten)"
)
_STRONG_RESULT = re.compile(
    r"\b(?:pilot|beta|on average|typically|in tests?|early access|paid for itself|down from|up from|"
    r"hours? a (?:week|month|day)|by .{1,30}'s own calculation|an average of|"
    r"(?:days?|hours?|weeks?|minutes?) (?:sooner|faster|earlier))\b"
)
_RESULT = re.compile(
    r"\b(?:cut|cuts|reduc(?:e|es|ed)|fell|fall(?:s)?|dropped|drop(?:s)?|sav(?:e|es|ed)|saving|fewer|less|faster|"
    r"higher|lower|improv(?:e|es|ed)|increas(?:e|es|ed)|grew|rose|paid for itself|returned in|"
    r"instead of|" + _FROM_TO + r"|down from|up from|halved|doubled|recovered|found|within|in under|get back|"
    r"paid for itself|reached|sooner)\b"
)
_RESULT_CONTEXT = re.compile(
    r"\b(?:customers?|clients?|teams?|users?|stores?|sites?|clinics?|retailers?|managers?|pilot|beta|"
    r"on average|typical(?:ly)?|average|median|early access|using|on our|by .{1,30}'s own calculation)\b"
)
_PERCENT_OR_CHANGE = guarded(
    r"\d\s?%|\bper ?cent\b|\b" + _FROM_TO + r"|\b\d+x\b|\bhalf\b|\ba (?:fifth|third|quarter)\b"
)
_CAPABILITY = re.compile(
    r"\b(?:lets?|helps?|allows?|enables?|can(?:not)?|now|automatically|so (?:you|your|they|that)|without)\b"
)
_PEOPLE_SUBJECT = re.compile(
    r"^(?:your |the |each |every )?(?:customers?|clients?|patients?|tenants?|drivers?|admins?|administrators?|"
    r"agents?|candidates?|owners?|managers?|staff|teams?|users?|dispatchers?|interviewers?|controllers?|developers?|"
    r"engineers?|reps?|salespeople|buyers?|shoppers?|members?|recruiters?|operators?|technicians?|crews?|"
    r"front-desk staff|new patients?|you|admins|firms|companies|businesses|stores|sites|clinics|practices)\b"
)
_FIRST_PERSON_STORY = re.compile(r"^(?:i|we|our team|my)\b")
_MODAL_FUTURE = guarded(r"\bwill be\b.*\b(?:upgraded|migrated|moved|contacted|in touch)\b|\breach out\b")
_FIX_NOTE = re.compile(r"^(?:fixed|resolved|removed|deprecated|support for .* ends)\b")
DATELINE_PREFIX = re.compile(
    r"^[A-Z][A-Z.'\u2019 -]{2,},[^\n]{0,60}?\b(?:19|20)\d{2}\)?\s*(?:/[^/\n]{1,40}/\s*)?(?:--|\u2014|\u2013)\s*"
)
#: A story told in the past ("In 2024, unplanned stops cost the plant..."): context, not a feature.
_PAST = re.compile(
    r"\b(?:was|were|had|did|used to|has been|have been|ha(?:s|ve) \w+ed|(?:in|until|since|before) (?:19|20)\d{2}|"
    r"last (?:year|month|season)|ran|meant|reckoned|knew|thought|went|spent)\b"
)
#: How long the company or its product has been at it, or how much business it does a year:
#: credentials an editor leaves alone, and after which "Until now, ..." makes no sense (rounds 13,
#: 17 and 19: "a since-2008 history line"; "the exchange handles around 40,000 bales a year").
_CREDENTIALS = guarded(
    r"\b(?<!will )(?:has|have)\b[^.;]*\bsince (?:19|20)\d{2}\b|"
    r"\b(?:has|have) (?:\w+ ){0,2}for (?:over |more than |nearly )?"
    r"(?:\d+|two|three|four|five|ten|twenty) (?:years|decades)\b|"
    r"^(?:[\w'&.,-]+ ){1,8}(?:handles|processes|ships|sells|moves|buys|markets|packs|grows|employs|serves|"
    r"delivers|installs|inspects|repairs|services|cleans|collects|hauls|carries|prints|bakes|produces|makes|"
    r"builds|tests|sharpens|books|issues|sets|hatches|treats|sees|ginned|gins|casts|mills|brews|roasts) "
    r"(?:around |about |some |roughly |more than |over |nearly |almost )?[\d,.]+ (?:million |thousand )?"
    r"(?:[\w-]+ ){0,3}[\w-]+(?: of [\w-]+)? (?:a|per|each|every) (?:year|week|season)\b"
)
#: The reader's way of working today, said outright ("Until now, a late cancellation meant a round
#: of phone calls", "the deck is loaded by eye"): the draft's own argument, not a product sentence.
#: Not a maker's craft ("each knife is finished by hand").
_STATUS_QUO = guarded(
    r"^until now\b|(?<!finished )(?<!crafted )(?<!sewn )(?<!stitched )(?<!painted )(?<!carved )(?<!made )"
    r"\bby (?:eye|hand)\b|\bclipboards?\b|\bwhiteboards?\b|\bspreadsheets?\b|\bphone calls?\b|"
    r"\bpaper (?:[a-z-]+ )?(?:logs?|forms?|records?|sheets?|checklists?|tickets?|files?|trails?)\b"
)
#: The readers' own words, what they should have or how most of them still work ("most of you told
#: us you spend Sunday evenings re-planning", "the engineer should arrive knowing which part is
#: wearing", "most of the houses we work with run two sales a month"): the draft's argument or
#: context already, which an editor leaves as it is.
_REPORTED = guarded(
    r"\b(?:told|tell|tells) us\b|\basked us\b|\bwe (?:keep |kept )?hear(?:d|ing)?\b|^(?:[\w'-]+ ){1,4}should\b|"
    r"\b(?:we work with|we talk to|we speak to)\b|\bmost (?:[\w'-]+ ){1,3}still\b"
)
#: A story told about a year gone by, anywhere in the sentence ("in October 2000, there were only three"),
#: or about the pilot ("four communities used it for three months before launch").
_STORY = guarded(
    r"\b(?:19|20)\d{2}\b.*\b(?:was|were|had)\b|\b(?:was|were|had)\b.*\b(?:19|20)\d{2}\b|"
    r"\bbefore (?:the |its |our )?launch\b"
)
#: A statement this long in a product piece says something about the product, whatever its subject.
_LONG_STATEMENT = 12
#: A present-tense verb after a subject of one to five words: what a product or its user does.
_PRESENT = re.compile(
    r"^(?:[\w'\u2019.-]+\s){1,5}(?:now\s|also\s|only\s|automatically\s)?[a-z]+(?<!ss)(?<!ous)(?<!is)s\b"
)
#: Who can have it and on which plan: logistics, not a claim ("available today for all customers on ...").
_AVAILABILITY = guarded(
    r"\bavailable\b.*\b(?:plans?|customers|regions?|markets?|no (?:extra |additional )?(?:cost|charge))\b|"
    r"\b(?:is|are) included (?:in|with|on)\b|"
    r"^in this (?:\w+ )?(?:session|webinar|post|article|guide|talk|episode|issue)\b|"
    r"\b(?:can|may) (?:download|install|upgrade)\b|\balready on (?:version |v)?\d|"
    r"\b(?:is|are|it's|it is|they're) (?:now )?(?:live|on) (?:today )?(?:for|to|in|on) (?:every|all|each)\b|"
    r"\brolls? out to (?:every|all|each)\b|\bfree (?:update|upgrade)s? for (?:all|every|each|existing|current)\b"
)
#: A signpost to what follows ("three updates we've been building", "here's what's new"): it names nothing.
_SIGNPOST = guarded(
    r"\b(?:two|three|four|five|six|a few|several|some|a couple of) (?:new |big |small |more )?"
    r"(?:updates|improvements|changes|things|features|releases)\b(?! (?:to|in|for) )|^here(?:'s|\u2019s| is| are) |"
    r"\bthis (?:release|update|version|post) is (?:\w+ )?about\b|"
    r"^this (?:release|update|version|post|page|guide|webinar|session) is (?:\w+ )?for (?:the |every |any )?\w+"
)
#: "Loads up to 4x faster", "up to 3x faster on tables over 1 TB": a speed spec, not a customer's result.
_SPEC_SPEEDUP = guarded(r"\bup to \d+(?:\.\d+)?\s?x\b|\bup to \d+(?:\.\d+)?\s?times\b")
_VERB_HINT = re.compile(
    r"\b(?:is|are|was|were|has|have|had|can|will|does|do|did|gets?|makes?|\w+s|\w+ed)\b", re.IGNORECASE
)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", text)


def _section_heading(line: Line, text: str, headings: Sequence[tuple[int, int]]) -> str:
    """The heading the sentence sits under (`headings` sorted by start; a bisection, not a scan:
    a draft of 10,000 headings would otherwise take quadratic time)."""
    k = bisect_right(headings, (line.start, line.start)) - 1
    while k >= 0 and headings[k][1] > line.start:
        k -= 1
    return text[headings[k][0] : headings[k][1]] if k >= 0 else ""


def _bulleted(line: Line, text: str) -> bool:
    head = text[text.rfind("\n", 0, line.start) + 1 : line.start + 4]
    return bool(BULLET.match(head))


def _is_headline(line: Line, text: str, words: Sequence[str]) -> bool:
    """A plain-text headline or standfirst: a paragraph of its own with no closing stop.

    "Helioplan launches same-day permit packages for residential solar installers" opens a
    press release pasted as text; a writer's sentence ends with a stop, a title does not.
    """
    body = line.text.strip()
    if not text or body.endswith((".", "!", "?", ":", ",", ";", "\u201d", '"')) or len(words) > _HEADLINE_WORDS:
        return False
    before, after = text[: line.start].rstrip(" \t"), text[line.end :].lstrip(" \t")
    return (not before or before.endswith("\n")) and (not after or after.startswith("\n"))


#: A standalone unpunctuated line longer than this is a paragraph whose stop is missing.
_HEADLINE_WORDS: Final = 20


def _is_heading(line: Line, headings: Sequence[tuple[int, int]]) -> bool:
    k = bisect_right(headings, (line.start, line.end))
    near = headings[max(0, k - 1) : k + 1]  # the heading starting at or before it, and the next one
    if any(start <= line.start < end or line.start <= start < line.end for start, end in near):
        return True
    body = line.text.strip()
    if body.endswith((".", "!", "?", ":", ",", "\u201d", '"')):
        return False
    words = _words(body)
    long_words = [w for w in words if len(w) > 3]
    titled = bool(long_words) and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.6
    return len(words) <= 8 or titled


def read_kinds(text: str, lines: Sequence[Line], headings: Sequence[tuple[int, int]] = ()) -> list[str]:
    """The kind of each sentence of `text`, in order (see the module docstring)."""
    names = product_names(text, lines)
    headings = sorted(headings)
    kinds: list[str] = []
    in_quote = False
    plain: Line | None = None  # the last heading of a draft pasted as text, which `headings` lack
    for line in lines:
        kind, in_quote = _kind(line, text, headings, names, in_quote, plain)
        kinds.append(kind)
        if kind == HEADING:
            plain = line
    return _opening_context(lines, kinds)


def _opening_context(lines: Sequence[Line], kinds: list[str]) -> list[str]:
    """The piece's opening, before it first names its product, sets the scene: context, not claims.

    "Assessment week usually means a stack of paper report cards", "Every forklift dealer knows
    the PM contract math: ...": a present-tense sentence about the reader's world reads like a
    feature to the patterns, and an editor leaves it as the piece's argument. A sentence that
    says something is new, or what the reader can now do, stays a claim.
    """
    product = main_name(lines)
    if product is None:
        return kinds
    named = _names_pattern(frozenset({product}))
    first = next(
        (
            i
            for i, (line, kind) in enumerate(zip(lines, kinds, strict=True))
            if kind != HEADING and named.search(line.text)
        ),
        0,
    )
    # The opening ends at the first section heading as well: "How it works" on a page that names
    # its service only in a late line of social proof opens the product's own account (round 34's
    # editors: "the service's method quoted as the reader's problem").
    body = next((i for i, kind in enumerate(kinds) if kind != HEADING), len(kinds))
    section = next((i for i, kind in enumerate(kinds) if kind == HEADING and i > body), len(kinds))
    first = min(first, section)
    return [
        ARGUMENT if i < first and kind in {FEATURE, CLAIM} and not _NEWNESS.search(line.text.lower()) else kind
        for i, (line, kind) in enumerate(zip(lines, kinds, strict=True))
    ]


def _kind(
    line: Line,
    text: str,
    headings: Sequence[tuple[int, int]],
    names: frozenset[str],
    in_quote: bool,
    plain: Line | None = None,
) -> tuple[str, bool]:
    body = DATELINE_PREFIX.sub("", BULLET.sub("", line.text.strip())) or line.text.strip()
    low = body.lower()  # case-blind patterns are written in lower case: IGNORECASE cost a fifth of the time
    words = _words(body)
    opened = in_quote or body[:1] in '\u201c"' or "\u201c" in body or bool(_QUOTE_END.search(body))
    in_quote_next = _still_quoting(body, in_quote)
    if opened:
        return QUOTE, in_quote_next
    if _is_heading(line, headings) or _is_headline(line, text, words):
        return HEADING, False
    if _SAID.match(body) or (
        not body.endswith((".", "!", "?"))
        and re.search(r"^[A-Z][\w.'-]+(?: [A-Z][\w.'-]+)+, ", body)
        and not _VERB_HINT.search(body.split(",", 1)[1] if "," in body else "")
    ):
        return ATTRIBUTION, False
    if (
        _DATELINE.match(body)
        or _RELEASED.match(low)
        or (len(words) <= 8 and _DATE.search(body) and not body.endswith("."))
    ):
        return DATELINE, False
    if _BYLINE.match(body) and len(words) <= 12:
        return BYLINE, False
    times = len(_TIME.findall(body))
    if _TIME.match(body) or times >= 2 or (times and _DATE.search(body) and len(words) <= 12):
        return SCHEDULE, False
    if _HASHTAGS.match(body) or _GREETING.match(low):
        return OTHER, False
    if _CONTACT_WORDS.match(low) or (_CONTACT.search(body) and len(words) < 16):
        return CONTACT if not _cta(body) else CTA, False
    if _cta(body):
        return CTA, False
    bulleted = _bulleted(line, text)
    if bulleted and not body.endswith((".", "!", "?")):
        return LIST_FRAGMENT, False
    section = _section_heading(line, text, headings)
    # "About the Great Lakes Municipal Risk Pool" on a line of its own in a release pasted as text:
    # the partner's boilerplate under it is no claim (batch 19's false positive).
    if (
        plain is not None
        and ABOUT_LINE.match(plain.text.strip("#* ").lower())
        and not any(plain.start <= start < line.start for start, _ in headings)
    ):
        return BOILERPLATE, False
    if _ABOUT_HEADING.match(section.lower()) or _BOILERPLATE.search(body) or _DESCRIPTION.match(body):
        return BOILERPLATE, False
    if body.endswith("?") or len(words) < 5:
        return OTHER, False
    if PARTNERS_SUBJECT.match(low):
        return OTHER, False
    if PARTNERSHIP.match(low) and mentions(body, names) and not STRONG_NEWS.search(low):
        return ANNOUNCEMENT, False  # the product's own partnership: what the piece announces (the news
        # is events, hires, awards and offices)
    if STRONG_NEWS.search(low) or (NEWS_WORDS.search(low) and not _ANNOUNCE.search(low)):
        return NEWS, False
    if (
        _MINOR_HEADING.match(section.lower())
        or _FIX_NOTE.match(low)
        or _MODAL_FUTURE.search(low)
        or (_AVAILABILITY.search(low) and not (_MONEY.search(low) and _PER_UNIT.search(low)))
        or _SIGNPOST.search(low)
    ):
        return OTHER, False
    if line.label == "case-for-change" and not (
        mentions(body, names) or _PEOPLE_SUBJECT.match(low) or named_subject(body)
    ):
        return ARGUMENT, False
    if _CURRENCY.search(low) and _PER_UNIT.search(low):
        return (NEWS if _EVENT_PRICE.search(low) else PRICE), False
    if _ANNOUNCE.search(low) and (mentions(body, names) or _VERSION.search(body) or "we" in body.lower().split()):
        return ANNOUNCEMENT, False
    if (
        _FIGURE.search(low)
        and not _SPEC_SPEEDUP.search(low)
        and _RESULT.search(low)
        and (_RESULT_CONTEXT.search(low) or _PEOPLE_SUBJECT.match(low) or _STRONG_RESULT.search(low))
        and (_PERCENT_OR_CHANGE.search(low) or _STRONG_RESULT.search(low))
    ):
        return BENEFIT, False
    if not body.endswith((".", "!")):
        return OTHER, False
    if _FIRST_PERSON_STORY.match(low) or (_PAST.search(" ".join(low.split()[:8])) or _STORY.search(low)):
        return OTHER, False
    if _CREDENTIALS.search(low):
        return OTHER, False  # "Inkbook has run the front desk ... since 2014": the company's record, not a claim
    if (_STATUS_QUO.search(low) and not mentions(body, names)) or _REPORTED.search(low) or low.startswith("until now"):
        # the reader's way today ("the deck is loaded by eye"), what readers told the writer or
        # the old way told outright, even naming the product or a place ("You told us Friday
        # nights at Riddle Row start with ...", "Until now, a store that used both Loupe and
        # Caratpoint ..."): context, already the argument
        return ARGUMENT, False
    if low.startswith("unlike "):
        return OTHER, False  # a comparison with a named rival: an editor argues from the reader's way, not theirs
    if names_a_loss(low) and not (bulleted or mentions(body, names) or _CAPABILITY.search(without_cannot(low))):
        return ARGUMENT, False  # what the reader loses today, told without the product (see `stakes`)
    if _mentions_start(body, names) or _PEOPLE_SUBJECT.match(low) or _CAPABILITY.search(low) or _PRESENT.search(body):
        return FEATURE, False
    if mentions(body, names) or len(words) >= _LONG_STATEMENT:
        return CLAIM, False
    return OTHER, False


def _still_quoting(body: str, in_quote: bool) -> bool:
    """Does a quotation run on past this sentence? (a quote of several sentences is all theirs)"""
    opens, closes = body.count("\u201c"), body.count("\u201d")
    straight = body.count('"') % 2 == 1
    if in_quote:
        return closes == 0 and not straight
    return opens > closes or (straight and body.lstrip()[:1] == '"')


def announces(text: str, kinds: Sequence[str]) -> bool:
    """Does the piece announce something (a launch, a release, an update), or is it evergreen copy?

    "Until now, ..." after a product page's sentence implies a launch that never happened (the
    eleventh round's editors: "'Until now' wrong on a page for a service running for years").
    """
    return ANNOUNCEMENT in kinds or bool(_LAUNCH.search(text))


def is_product_sentence(text: str, names: frozenset[str]) -> bool:
    """Does the sentence say what the product does ("Closewise matches ...", "Our app ...")?"""
    body = BULLET.sub("", text.strip())
    return _mentions_start(body, names) or named_subject(body)


def opens_with_a_release(body: str) -> bool:
    """ "Kiln CI 4.12 caches ...", "Tarewise 5 adds ...": a name with its release number first."""
    return _VERSIONED.match(body) is not None


def named_subject(body: str) -> bool:
    """ "Closewise matches ...": a name (not a common word) doing something in the present tense."""
    match = re.match(r"([A-Z][\w-]+)(?: \d[\w.]*)? ([a-z]+s)\b( \w+)?", body)
    if not match or match.group(1).lower() in lexicon.COMMON_CAPITALS or match.group(2).endswith("ss"):
        return False
    if (match.group(3) or "").strip().lower() in _AUXILIARIES:
        return False  # "National regulators can now ...": the -s word is the subject, followed by its verb
    return not match.group(1).endswith("s")  # "Sales reps spend", "Stores see": a plural noun, then its verb


def _cta(body: str) -> bool:
    """A call to action or an instruction: it starts with a verb in the imperative."""
    first, _, rest = body.lower().partition(" ")
    first = first.strip(",.!")
    if first in CTA_VERBS | _MORE_IMPERATIVES:
        return True
    if first in IMPERATIVE_VERBS and rest.split(" ", 1)[0] in _OBJECT_STARTS:
        return True  # "Import your yield files": an instruction; "Build logs load faster" is not
    lowered = body.lower()
    return bool(
        re.match(r"^(?:want|need|ready|interested|questions|can't|cannot|curious)\b.*\?$", lowered)
        or re.search(
            r"\b(?:book a demo|sign up|register (?:now|today|here|at)|learn more|get started|contact us|"
            r"(?:i|we)(?:'d|\u2019d| would) love to hear|let (?:me|us) know|tell (?:me|us) what you think)\b",
            lowered,
        )
    )


def product_names(text: str, lines: Sequence[Line]) -> frozenset[str]:
    """Names the draft keeps coming back to: capitalized words not at a sentence's start, seen twice or more."""
    return frozenset(name for name, n in _name_counts(lines).items() if n >= _NAME_MENTIONS)


def capitalized_inside(lines: Sequence[Line]) -> frozenset[str]:
    """Words the draft capitalizes inside a sentence: names, which keep their capital anywhere."""
    return frozenset(_name_counts(lines))


def main_name(lines: Sequence[Line]) -> str | None:
    """The name the draft mentions most (its product, usually), if any is mentioned twice."""
    ranked = _name_counts(lines).most_common(1)
    return ranked[0][0] if ranked and ranked[0][1] >= _NAME_MENTIONS else None


def _name_counts(lines: Sequence[Line]) -> Counter[str]:
    """Capitalized words by mentions, for those seen capitalized inside a sentence at least once.

    One count per draft however many readers ask (the kinds, the chooser, the slots and the
    coaching all do): counting is a pass over every word of the draft.
    """
    return Counter(_counted(tuple(lines)))


@lru_cache(maxsize=8)
def _counted(lines: tuple[Line, ...]) -> Counter[str]:
    counts: Counter[str] = Counter()
    inside: set[str] = set()
    lowered: set[str] = set()  # words the draft also writes in lower case: common words
    openers: Counter[str] = Counter()  # capitalized words that open a sentence
    for line in lines:
        body = BULLET.sub("", line.text)
        tokens = re.findall(r"[A-Za-z][\w.-]*", body)
        for k, token in enumerate(tokens):
            token = token.rstrip(".")
            if token[:1].islower():
                lowered.add(token)
            elif k == 0 and len(tokens) > 1 and re.fullmatch(r"[a-z]+[^s]s", tokens[1]):
                openers[token] += 1  # "Campfolio moves": the subject of a verb (not "Book a demo", "Tickets are")
            if token[:1].isupper() and token.lower() not in lexicon.COMMON_CAPITALS and len(token) > 2:
                counts[token] += 1
                if k > 0 or _VERSIONED.match(body.lstrip()) or _CAMEL_CASE.match(token):
                    # "Five years ago" capitalizes "Five" only at a sentence's start; "Tarewise 5,
                    # released this week" is a name there too (a release with its number), and
                    # so is "TuneRoute", whose second capital no common word has
                    inside.add(token)
    # "Campfolio moves short stays ...", "Campfolio bills ...": a word that opens sentences as the
    # subject of a verb and is never written in lower case is a name, though no sentence has it
    # inside (batch 20)
    inside.update(w for w, n in openers.items() if n >= _NAME_MENTIONS and w.lower() not in lowered)
    return Counter({name: n for name, n in counts.items() if name in inside})


_NAME_MENTIONS = 2
#: A word capitalized inside itself: "TuneRoute", "ShedTally" (not "NASA" or "Ohio").
_CAMEL_CASE = re.compile(r"[A-Z][a-z]+[A-Z]")
#: A capitalized word and a release number: "Tarewise 5", "Plazaline 2025.3", "Kiln CI 4.12".
#: Not "Published 3 November", "Step 1:" or "Sales 40% up".
_VERSIONED = re.compile(r"[A-Z][\w-]*(?: [A-Z][\w-]*)? v?\d+(?:\.\d+)*(?![\d%])(?! ?(?:percent|per cent|[A-Z:]))")


def mentions(body: str, names: frozenset[str]) -> bool:
    return bool(names) and bool(_names_pattern(names).search(body))


@lru_cache(maxsize=64)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """One pattern for all of a draft's names (every sentence of the draft is searched for them)."""
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")


def _mentions_start(body: str, names: frozenset[str]) -> bool:
    head = " ".join(body.split()[:4])
    return mentions(head, names) or bool(re.match(r"^(?:it|its|our|the new|the)\b", body, re.IGNORECASE))


_AUXILIARIES = frozenset(
    {"can", "cannot", "will", "must", "may", "might", "should", "could", "would", "are", "were", "have", "had", "do"}
)
