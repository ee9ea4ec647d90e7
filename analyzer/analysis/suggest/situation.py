"""The reader's situation without the capability, read off the sentence itself.

An editor turns "Dock doors are now assigned automatically" into "dock doors are still assigned
by hand" and "..., so a pull request no longer rebuilds what main already built" into "a pull
request still rebuilds what main already built": the sentence says what it ends, and the case
for change starts from that. `read_situation` finds it, in this order:

1. a consequence the sentence says is over: "so X no longer Y", "so nobody has to Y", "so X
   isn't Y" ("so you aren't chasing a signed form": you still are, today);
2. what it does without: "without a CAPTCHA" (telling a customer from a bot still means one),
   or instead of: "applicants get a single list instead of five emails" (they still get five);
3. what it does automatically: the same work, by hand.

Nothing else is read as the reader's situation. Two readings were retired after four
independent editors judged their rewrites (docs/suggestions.md): "people who can now do
something" turned into "without it, they can't" restates the feature and says nothing, and "the
product doing a task" turned into "the task still falls to your team" is false more often than
not ("knowing your services still falls to your team").

Each gives the situation now ("dock doors are still assigned by hand"), the future state the
reader must reach ("dock doors should never be assigned by hand") and, when the sentence's own
consequence clause became the situation, the original without it ("..., so that no longer
happens"), so the rewrite recasts the sentence rather than repeating it. Nothing is invented:
every clause is made of the sentence's own words and a few fixed ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from spacy.tokens import Doc, Token

from analyzer.analysis.suggest.clauses import MAX_SUBJECT_WORDS, join_tokens, main_verb, predicate
from analyzer.analysis.suggest.grammar import gerund, participle
from analyzer.analysis.suggest.lexicon import PRODUCT_NOUNS

#: A clause longer than this reads as a list inside the rewrite: the sentence gets no situation.
MAX_CLAUSE_WORDS: Final = 16

NO_LONGER: Final = "no-longer"
WITHOUT: Final = "without"
BY_HAND: Final = "by-hand"


@dataclass(frozen=True, slots=True)
class Situation:
    """The reader's situation without the capability, in the forms the moves need."""

    source: str  # which reading found it (NO_LONGER, WITHOUT, ...)
    now: str  # a clause, lowercase: "dock doors are still assigned by hand"
    future: str  # a clause, lowercase: "dock doors should never be assigned by hand"; "" if the sentence gives none
    body: str | None  # the original recast without the clause that became `now`, or None
    plural: bool  # `now` has a plural subject ("dock doors are"): "they cost" / "it costs"


_SO_NO_LONGER = re.compile(r"^(?P<main>.+?),?\s+so (?:that )?(?P<subject>[^,;]+?) no longer (?P<rest>[^;]+?)[.!]$")
_SO_NOT = re.compile(
    r"^(?P<main>.+?),?\s+so (?:that )?(?P<subject>[^,;]{2,60}?) (?P<neg>isn't|aren't|is not|are not|doesn't|don't|"
    r"does not|do not|can't|cannot|won't|will not|never) (?P<rest>[^;]+?)[.!]$"
)
_SO_NOBODY = re.compile(
    r"^(?P<main>.+?),?\s+so (?:that )?(?:nobody|no one|no-one) (?:has|needs) to (?P<rest>[^,;]+?)[.!]$"
)
_WITHOUT = re.compile(r"\b(?:without|with no) (?P<what>(?!a word\b|ever\b|extra\b)[^,;.]+)")
#: Not the subject of a clause that only sets the scene: "When a trip is cancelled, Tripfold
#: records the credit automatically" is no "a trip is still cancelled by hand".
_SUBORDINATOR: Final = r"(?i:when|whenever|if|once|after|before|until|while|as soon as)\b"
_AUTOMATIC_PASSIVE = re.compile(
    rf"^(?!{_SUBORDINATOR})(?P<subject>(?:the |your |every |each |all )?[A-Za-z][\w' -]{{2,40}}?) (?P<be>is|are) "
    r"(?:now |also )?"
    r"(?P<done>\w+(?:ed|en|ent|ilt|own|ade|aid|ound|ept|old|ught))(?: automatically)?\b(?P<auto>.*\bautomatically\b)?"
)
_ARTICLE_SINGLE = re.compile(r"\ba single\b")
_VENDOR_POSSESSIVE = re.compile(r"\bour\b")  # "its" in a task is the object's own ("each string with its neighbours")
_TEAM: Final = "your team"
_PARTICLES: Final = frozenset({"out", "up", "off", "in", "on", "by", "to", "through", "over", "back", "down"})


def read_situation(
    doc: Doc,
    text: str,
    people: str | None,
    names: frozenset[str],
    *,
    product: str | None = None,
) -> Situation | None:
    """The reader's situation without what `text` describes (see the module docstring), or None."""
    body = text.rstrip()
    readers = (_ended, _instead, _without, _automatic)
    for reader in readers:
        found = reader(doc, body, people, names)
        if found is not None and len(found.now.split()) <= MAX_CLAUSE_WORDS:
            return _with_product(found, doc, text, product)
    return None


def _with_product(found: Situation, doc: Doc, text: str, product: str | None) -> Situation:
    """ "Candidates pick a slot ..." after "candidates can't pick a slot": "with Hireloop, they pick ...".

    The subject just named in the situation becomes a pronoun and the product that changed it
    is named, when the sentence starts with that subject and the draft names its product.
    """
    if product is None or found.body is not None or found.source != BY_HAND or product in text:
        return found
    subject = next((t for t in doc if t.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None or subject.left_edge.i != 0 or subject.head.dep_ != "ROOT":
        return found
    end = subject.right_edge
    if subject.lower_ == "you":
        pronoun = "you"
    elif subject.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" for c in subject.children):
        pronoun = "they"
    else:
        return found
    rest = text[end.idx + len(end.text) :]
    if not rest.startswith(" "):
        return found
    return replace(found, body=f"with {product}, {pronoun}{rest}")


def _ended(doc: Doc, text: str, people: str | None, names: frozenset[str]) -> Situation | None:
    """A consequence the sentence says is over: "so X no longer Y", "so nobody has to Y"."""
    match = _SO_NO_LONGER.match(text)
    clause = _no_longer(doc, text, match, people, names) if match else None
    if match is None:
        match = _SO_NOT.match(text)
        clause = _negated(match, people, names) if match else None
    if match is None or clause is None:
        match = _SO_NOBODY.match(text)
        clause = _nobody(match, people, names) if match else None
    if match is None or clause is None:
        return None
    now, future, plural, ending = clause
    body = f"{match.group('main').rstrip(',')}, so {ending}."
    return Situation(NO_LONGER, now=now, future=future, body=body, plural=plural)


def _no_longer(
    doc: Doc, text: str, match: re.Match[str], people: str | None, names: frozenset[str]
) -> tuple[str, str, bool, str] | None:
    """ "so a pull request no longer rebuilds what main already built": it still does, today."""
    subject = match.group("subject").strip()
    # "so two tickets can no longer promise ...": the modal goes with the verb, not the subject
    *head, last = subject.split()
    modal = last if head and last.lower() in _MODALS else ""
    if modal:
        subject = " ".join(head)
    if subject.lower() in {"they", "you", "it", "he", "she", "we"}:
        subject = _TEAM if subject.lower() in {"you", "we"} else (people or "")
        if not subject:
            return None
    rest = match.group("rest").strip()
    verb = _token_at(doc, text, match.start("rest"))
    if verb is None or verb.pos_ not in {"VERB", "AUX"}:
        return None
    plural = _plural_subject(subject)
    base = verb.lemma_.lower() + rest[len(verb.text) :]
    subject = _mid_sentence(subject, names)
    return (
        f"{subject} {modal} still {rest}" if modal else f"{subject} still {_agree(verb, rest, plural)}",
        f"{subject} should never {base}",
        plural,
        "that no longer happens",
    )


#: Modals a "no longer" clause can carry after its subject ("two tickets can no longer ...").
_MODALS: Final = frozenset({"can", "could", "will", "would", "may", "might", "must", "should"})
#: A negated consequence and the words that state it as the reader's situation today.
_STILL: Final = {
    "isn't": ("is still", "should never be"),
    "is not": ("is still", "should never be"),
    "aren't": ("are still", "should never be"),
    "are not": ("are still", "should never be"),
    "can't": ("can still", "should never"),
    "cannot": ("can still", "should never"),
    "won't": ("will still", "should never"),
    "will not": ("will still", "should never"),
}


def _negated(match: re.Match[str], people: str | None, names: frozenset[str]) -> tuple[str, str, bool, str] | None:
    """ "so you aren't chasing a signed form", "so a block is not watered before a storm": it still is, today."""
    subject = match.group("subject").strip()
    if subject.lower() in {"they", "it", "he", "she"}:
        subject = people or ""
    elif subject.lower() == "we":
        return None  # "so we don't need your card": the vendor's situation, not the reader's
    if not subject or len(subject.split()) > MAX_SUBJECT_WORDS:
        return None
    negation, rest = match.group("neg").lower(), match.group("rest").strip()
    plural = subject.lower() == "you" or _plural_subject(subject)
    subject = _mid_sentence(subject, names)
    if negation in _STILL:
        still, never = _STILL[negation]
        if still.startswith(("is", "are")):
            still = ("are" if plural else "is") + " still"
        return f"{subject} {still} {rest}", f"{subject} {never} {rest}", plural, "that no longer happens"
    if negation == "never":  # "so you never type the same note twice": a finite verb, as said
        if not plural:
            return None
        return f"{subject} still {rest}", f"{subject} should never {rest}", plural, "that no longer happens"
    verb, _, after = rest.partition(" ")  # "doesn't have to call": a base form
    if not verb.isalpha():
        return None
    said = verb if plural else ("has" if verb == "have" else _third_person(verb))
    return (
        f"{subject} still {said}{' ' + after if after else ''}",
        f"{subject} should never {rest}",
        plural,
        "that no longer happens",
    )


def _nobody(match: re.Match[str], people: str | None, names: frozenset[str]) -> tuple[str, str, bool, str]:
    """ "so nobody has to log in to a portal": the people who do the work still have to."""
    who = people or _TEAM
    rest = match.group("rest").strip()
    have = "have" if _plural_subject(who) else "has"
    return (
        f"{_mid_sentence(who, names)} still {have} to {rest}",
        f"no one should have to {rest}",
        False,
        "no one has to",
    )


def _without(doc: Doc, text: str, people: str | None, names: frozenset[str]) -> Situation | None:
    match = _WITHOUT.search(text)
    if not match:
        return None
    what = _ARTICLE_SINGLE.sub("every", match.group("what").strip())
    what = re.sub(r"\s+at all$", "", what)
    if what.split(" ", 1)[0].lower() in {"any", "the", "your"}:
        what = what.split(" ", 1)[1] if " " in what else ""
    head = _token_at(doc, text, match.start())
    verb = _verb_before(head) if head is not None else None
    task = _task(verb, text, names) if verb is not None else None
    if not task or not what or len(what.split()) > 8:
        return None
    # "without leaving Gearbase": structuring the offer still means leaving it; "with no PLC
    # changes", "with no signal": fitting the sensor still needs them.
    doing = what.split(" ", 1)[0].endswith("ing")
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None) if verb is not None else None
    if doing and subject is not None and (subject.lower_ in {"it", "this", "that"} or _is_the_product(subject, names)):
        # "it holds its own in a dressing without taking over": what the product never does is
        # its quality, not a chore the reader still has (round 68: "a selling point read as the problem")
        return None
    return Situation(
        WITHOUT,
        now=f"{task} still {'means' if doing else 'needs'} {what}",
        future=f"{task} should never {'mean' if doing else 'need'} {what}",
        body=None,
        plural=False,
    )


def _instead(doc: Doc, text: str, people: str | None, names: frozenset[str]) -> Situation | None:
    """ "so applicants get a single list instead of five emails": they still get five emails.

    The clause's subject and verb with the old thing in place of the new one; an old way said
    as a verb ("keep the sale instead of refunding it") takes the new thing as its object
    ("you still refund the sale"). Only a subject that names the reader or people in the
    reader's world, never the product. No future state: "you should never refund a sale" says
    more than the sentence does.
    """
    instead = next((t for t in doc if t.lower_ in {"instead", "rather"} and t.i + 1 < len(doc)), None)
    if instead is None or doc[instead.i + 1].lower_ not in {"of", "than"}:
        return None
    verb = instead.head
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None or verb.tag_ not in {"VBZ", "VBP"} or _is_the_product(subject, names):
        return None
    if subject.lower_ in {"it", "they", "we", "this", "that"} or any(t.like_num for t in subject.subtree):
        return None
    old = doc[instead.i + 2 : verb.sent.end]
    old_words = [t for t in old if not t.is_punct or t.text in {"-", "'", "\u2019"}]
    if not old_words or len(old_words) > 8 or any(t.lower_ in {"and", "but", "so", "while"} for t in old_words):
        return None
    who = _mid_sentence(text[subject.left_edge.idx : subject.right_edge.idx + len(subject.right_edge.text)], names)
    plural = who.lower() == "you" or _plural_subject(who)
    if old_words[0].tag_ == "VBG":  # "instead of refunding it": the old way is a verb
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is None:
            return None
        thing = text[obj.left_edge.idx : obj.right_edge.idx + len(obj.right_edge.text)]
        rest = " ".join(thing if t.lower_ in {"it", "them"} else t.text for t in old_words[1:])
        base = f"{old_words[0].lemma_.lower()} {rest}".strip()
        said = base if plural else _third_person(old_words[0].lemma_.lower()) + base[len(old_words[0].lemma_) :]
        return Situation(WITHOUT, f"{who} still {said}", "", None, plural)
    # The verb's object swapped for the old thing: "get [a single list] instead of five emails",
    # "takes [minutes] to check instead of an afternoon".
    obj = next((c for c in verb.children if c.dep_ in {"dobj", "attr", "npadvmod"} and c.i < instead.i), None)
    if obj is None or verb.lemma_ == "be":
        return None
    now_old = "".join(t.text_with_ws for t in old_words).strip()
    start, end = obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge.text)
    after = text[end : instead.idx].strip()
    clause = " ".join(w for w in (text[verb.idx : start].strip(), now_old, after) if w)
    return Situation(WITHOUT, f"{who} still {clause}", "", None, plural)


def _automatic(doc: Doc, text: str, people: str | None, names: frozenset[str]) -> Situation | None:
    if "automatically" not in text:
        return None
    passive = _AUTOMATIC_PASSIVE.match(text)
    if passive and (passive.group("auto") is not None or "automatically" in text[: passive.end() + 15]):
        subject = _mid_sentence(passive.group("subject"), names)
        if not _names_product(subject, names):
            return _by_hand(subject, passive.group("be") == "are", passive.group("done"), None)
    verb = main_verb(doc)
    if verb is None or verb.tag_ not in {"VBZ", "VBP"}:
        return None
    start = verb.idx + len(verb.text) + 1
    end = text.find(" automatically", start)
    obj = text[start:end].strip(" ,") if end > start else ""
    if obj.split(" ", 1)[0].lower() in _PARTICLES:
        return None  # "reminders now go out by text automatically": no object, nothing done by hand
    listed = "," not in obj or re.search(r"\b(?:and|or)\b", obj)  # "bank, card and intercompany transactions"
    if not obj or len(obj.split()) > 8 or not listed or _names_product(obj, names):
        return None
    if any(t.tag_.startswith("VB") for t in doc if start <= t.idx < end):
        return None  # a second verb: "records the credit and applies it automatically" has no one object
    body = None if "," in obj else text[:start] + ("them" if _plural_subject(obj) else "it") + text[end:]
    obj = _VENDOR_POSSESSIVE.sub("the", obj)
    return _by_hand(obj, _plural_subject(obj), participle(verb.lemma_.lower()), body)


def _by_hand(thing: str, plural: bool, done: str, body: str | None) -> Situation:
    """ "dock doors are still assigned by hand", and the future where they never are."""
    be = "are" if plural else "is"
    return Situation(
        BY_HAND,
        now=f"{thing} {be} still {done} by hand",
        future=f"{thing} should never be {done} by hand",
        body=body,
        plural=plural,
    )


def _is_the_product(subject: Token, names: frozenset[str]) -> bool:
    """Is the subject the product: its name, "it", "its models", "our app", "the new checker"?"""
    words = list(subject.subtree)
    if any(t.text in names for t in words) or subject.lower_ == "it":
        return True
    if any(t.lower_ in {"its", "our"} for t in words) or subject.lemma_.lower() in PRODUCT_NOUNS:
        return True
    return any(t.lower_ == "new" for t in words) and words[0].lower_ in {"the", "our"}


def _task(verb: Token, text: str, names: frozenset[str]) -> str | None:
    """The verb's predicate as a task, in the -ing form: "telling a real customer from a bot".

    Only a verb with a direct object is a task someone did by hand ("deploys as a line of
    JavaScript" and "learns from your tickets" are not).
    """
    if verb.pos_ != "VERB" or verb.tag_ not in {"VBZ", "VBP", "VB"}:
        return None
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if not objects or objects[0].pos_ == "PRON" or objects[0].lower_ in {"itself", "themselves", "one", "each", "all"}:
        return None
    said = predicate(verb)
    if len(said) < 2:
        return None
    rest = join_tokens(said[1:])
    if re.search(r"\b(?:itself|themselves|you|it|them)\b", rest):
        return None
    task = f"{gerund(verb.lemma_.lower())} {_VENDOR_POSSESSIVE.sub('the', rest)}"
    return task if len(task.split()) <= 12 else None


def _verb_before(token: Token) -> Token | None:
    """The verb a "without" phrase hangs from (its head, or the nearest verb before it)."""
    head = token.head
    while head.pos_ not in {"VERB"} and head.head.i != head.i:
        head = head.head
    if head.pos_ == "VERB":
        return head
    return next((t for t in reversed(list(token.doc[: token.i])) if t.pos_ == "VERB"), None)


def _token_at(doc: Doc, text: str, offset: int) -> Token | None:
    """The token starting at character `offset` of `text` (the text the doc was parsed from)."""
    return next((t for t in doc if t.idx == offset), None)


def _agree(verb: Token, rest: str, plural: bool) -> str:
    """`rest` (which starts with `verb`) with the verb agreeing with a plural or singular subject."""
    word = verb.text
    if verb.tag_ == "VBZ" and plural:
        word = "have" if verb.lemma_ == "have" else ("are" if verb.lemma_ == "be" else verb.lemma_)
    elif verb.tag_ == "VBP" and not plural:
        word = {"have": "has", "be": "is", "do": "does"}.get(verb.lemma_, _third_person(verb.lemma_))
    return word + rest[len(verb.text) :]


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "x", "ch", "sh", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in set("aeiou"):
        return verb[:-1] + "ies"
    return verb + "s"


def _plural_subject(phrase: str) -> bool:
    words = phrase.lower().split()
    if not words or words[0] in {"every", "each", "a", "an", "one", "nobody", "someone"}:
        return False
    if " and " in f" {phrase.lower()} ":
        return True
    head = words[-1]
    return head in {"you", "they", "we", "people", "staff", "salespeople"} or (
        head.endswith("s") and not head.endswith(("ss", "us", "is"))
    )


def _names_product(phrase: str, names: frozenset[str]) -> bool:
    return any(re.search(rf"\b{re.escape(n)}\b", phrase) for n in names)


def _mid_sentence(phrase: str, names: frozenset[str]) -> str:
    """A phrase cased for the middle of a sentence: "Dock doors" -> "dock doors", "Slotwise" kept."""
    first = phrase.split(" ", 1)[0]
    if not first or first in names or (len(first) > 1 and any(ch.isupper() for ch in first[1:])):
        return phrase
    return phrase[:1].lower() + phrase[1:]
