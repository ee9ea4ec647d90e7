"""What the parse says a sentence is about: its actor, capability, benefit, price, old way and topic."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from analyzer.analysis.suggest.lexicon import (
    BENEFIT_VERBS,
    CAPABILITY_VERBS,
    CURRENCY,
    ENABLERS,
    FED_UP,
    NOT_A_PRICE,
    NOT_CAPABILITY,
    NOT_ENTITY_TOPICS,
    NOT_TOPIC,
    OLD_WAY_MARKERS,
    PEOPLE,
    PRICE_WORDS,
    PRODUCT_NOUNS,
    UNITS,
    VAGUE_NOUNS,
)
from analyzer.analysis.suggest.phrases import (
    MAX_NOUN_WORDS,
    MAX_TOPIC_WORDS,
    child_of,
    join_tokens,
    noun_phrase,
    tidy,
    verb_phrase,
)
from analyzer.analysis.suggest.sentence import ParsedSentence, Phrase, VerbPhrase

# A sentence this short that names a sum is a price tag ("4-packs $19, limit 4 per person").
_SHORT_PRICE_WORDS = 12


def only_topic(sentence: ParsedSentence) -> bool:
    """The topic strategies are the fallback for statements with nothing more specific to use."""
    specific = (sentence.capability, sentence.benefit, sentence.action, sentence.price, sentence.old_way)
    return sentence.kind != "question" and all(part is None for part in specific)


def any_topic(doc: Doc) -> Phrase | None:
    """The first noun phrase that is about the world rather than a person, name, place or number."""
    for chunk in doc.noun_chunks:
        head = chunk.root
        if head.pos_ != "NOUN" or {head.lemma_.lower(), head.lower_} & (VAGUE_NOUNS | NOT_TOPIC | PEOPLE):
            continue
        if _is_person(head) or is_actor(head) or _generic_product(head) or head.ent_type_ in NOT_ENTITY_TOPICS:
            continue
        phrase = noun_phrase(head, max_words=MAX_TOPIC_WORDS, count=False)
        if phrase is None or any(ch.isdigit() for ch in phrase.text) or "'s" in phrase.text:
            continue
        if any(t.ent_type_ in NOT_ENTITY_TOPICS or t.pos_ == "PROPN" for t in chunk):
            continue
        words = [w for w in phrase.text.split() if w.lower() not in {"the", "a", "an", "your", "our", "its"}]
        if len(words) >= 2 and all(w[:1].isalpha() for w in words):
            return phrase
    return None


def _is_person(token: Token) -> bool:
    return token.ent_type_ == "PERSON" or token.lower_ in {"i", "he", "she", "they", "you"}


def is_actor(subject: Token) -> bool:
    """The offering or its maker: "we", a product or company name, "our platform"."""
    if subject.lower_ == "we":
        return True
    if _is_person(subject) or subject.ent_type_ in {"GPE", "LOC", "NORP", "DATE"}:
        return False
    return subject.pos_ == "PROPN" or _looks_like_name(subject) or _product_marked(subject)


def _offering(subject: Token) -> bool:
    """A subject that can have features: "we", "it", a name or a product noun.

    Names count whatever the entity recognizer says: the small model tags many product names
    ("Acme Insights 4.0") as people.
    """
    return subject.lower_ in {"we", "it"} or subject.pos_ == "PROPN" or is_actor(subject)


def _looks_like_name(noun: Token) -> bool:
    """'Trellis shifts every task': a bare capitalized noun leading a singular verb names a product.

    The small model often tags an unknown product name as a plural common noun.
    """
    bare = not any(c.dep_ in {"det", "poss", "amod", "compound", "nummod"} for c in noun.children)
    return noun.pos_ == "NOUN" and noun.text[:1].isupper() and bare and noun.head.tag_ == "VBZ"


def _product_marked(noun: Token) -> bool:
    """'our dashboard', "Keystead's reminders", 'the app': a noun naming the offering."""
    if noun.pos_ not in {"NOUN", "PROPN"} or _names_person(noun):
        return False
    for child in noun.children:
        if child.dep_ == "poss" and (child.lower_ in {"our", "its"} or child.pos_ == "PROPN"):
            return True
    return noun.lemma_.lower() in PRODUCT_NOUNS


def find_capability(root: Token, subject: Token | None, kind: str, listed: bool) -> Phrase | None:
    """The thing the offering has or does, as a common noun phrase.

    A brand name alone ("Cadence") or a bare "our platform" says nothing to a reader who does
    not know the product, so neither counts.
    """
    for head in _capability_heads(root, subject, kind, listed):
        if {head.lemma_.lower(), head.lower_} & (NOT_CAPABILITY | PEOPLE) or head.pos_ != "NOUN" or _is_person(head):
            continue
        if head.ent_type_ in NOT_ENTITY_TOPICS or _generic_product(head) or _names_person(head):
            continue
        if head.lemma_.lower() in VAGUE_NOUNS or any(c.dep_ == "dobj" for c in head.children):
            continue  # "things"; "forward a PDF" is a verb the tagger took for a noun
        phrase = noun_phrase(head, max_words=MAX_NOUN_WORDS)
        if phrase is not None:
            return phrase
    return None


def _capability_heads(root: Token, subject: Token | None, kind: str, listed: bool) -> list[Token]:
    """Candidate heads of the capability phrase, best first."""
    lemma = root.lemma_.lower()
    passive = any(c.dep_ == "auxpass" for c in root.children)
    if kind == "fragment":
        # A feature bullet ("- Audit log export to Splunk"), not a caption or a quote.
        # "140 attendees", "Room 202", "Radio and other: 22% -> 5%": tallies, not features
        tally = any(c.like_num for c in root.children) or any(e.label_ == "PERCENT" for e in root.doc.ents)
        return [root] if listed and not tally and not any(t.tag_ == "VBD" for t in root.subtree) else []
    if kind == "imperative" or not _is_present(root):
        return []  # what happened once is news, not what the offering has
    if lemma in CAPABILITY_VERBS and not passive and subject is not None and _offering(subject):
        # "X offers Y" or "X comes with Y"; an appositive names Y better than a brand name does.
        heads: list[Token] = []
        for child in root.children:
            if child.dep_ == "dobj":
                heads += [*(a for a in child.children if a.dep_ == "appos"), child]
            elif child.dep_ == "prep" and child.lower_ == "with" and lemma in {"come", "ship"}:
                heads += [c for c in child.children if c.dep_ == "pobj"]
        return heads
    if subject is None:
        return []
    if subject.pos_ == "NOUN" and root.pos_ == "VERB" and _product_marked(subject):
        return [subject]  # "Our AI engine processes ..."
    if passive and lemma in CAPABILITY_VERBS and not _is_person(subject):
        return [subject]  # "Rent reminders are included on every plan"
    available = next((c for c in root.children if c.dep_ == "acomp" and c.lower_ == "available"), None)
    if root.lemma_ == "be" and available is not None and is_actor(subject):
        # "ClaimSnap is available as a standalone app": what it is available as, else the subject.
        as_what = [g for c in available.children if c.lower_ == "as" for g in c.children if g.dep_ == "pobj"]
        return [*as_what, subject]
    return []


def _is_present(verb: Token) -> bool:
    """'adds', 'can add', 'is included': what the offering does now ('has added' is news)."""
    if verb.tag_ in {"VBZ", "VBP"}:
        return True
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if any(c.tag_ == "MD" for c in auxes):
        return True
    return any(c.dep_ == "auxpass" and c.tag_ in {"VBZ", "VBP"} for c in auxes)


def _names_person(noun: Token) -> bool:
    """'our naturalist, Bea Holloway': a role with a name is a person, not a product."""
    if noun.ent_type_ == "PERSON" or noun.lemma_.lower() in PEOPLE:
        return True
    # The small model often misses the name's type ("Bea Holloway" as an organization).
    return any(c.dep_ == "appos" and (c.ent_type_ == "PERSON" or c.pos_ == "PROPN") for c in noun.children)


def _generic_product(noun: Token) -> bool:
    """'our platform', 'the app': a product noun with nothing that says what it does."""
    modified = any(c.dep_ in {"amod", "compound", "nmod", "prep"} for c in noun.children)
    return noun.lemma_.lower() in PRODUCT_NOUNS and not modified


def find_benefit(root: Token, subject: Token | None) -> VerbPhrase | None:
    """What the reader gets done: 'lets you Y', 'you can Y', 'our engine Ys'."""
    lemma = root.lemma_.lower()
    if root.pos_ != "VERB":
        return None
    if lemma in ENABLERS:
        complement = child_of(root, {"ccomp", "xcomp"})
        us = any(t.lower_ in {"us", "'s", "me"} for t in root.subtree if t.i < root.i + 3)  # "let's", "let me"
        if complement is not None and complement.pos_ == "VERB" and not us:
            return verb_phrase(complement)
        return None
    for child in root.children:
        # "..., so you can Y"
        if child.dep_ == "advcl" and _reader_can(child):
            return verb_phrase(child)
    if subject is not None and _reader_can(root):
        return verb_phrase(root)
    if subject is None or root.tag_ not in {"VBZ", "VBP"} or lemma in CAPABILITY_VERBS:
        return None
    if any(c.dep_ in {"auxpass", "neg"} for c in root.children):
        return None
    named = subject.pos_ == "PROPN" or _looks_like_name(subject)
    product = _product_marked(subject) or (named and is_actor(subject) and lemma in BENEFIT_VERBS)
    return verb_phrase(root) if product else None


def _reader_can(verb: Token) -> bool:
    """'you can V', "you'll V": the reader is the subject of a modal verb."""
    subject = child_of(verb, {"nsubj"})
    modal = any(c.dep_ == "aux" and c.lower_ in {"can", "will", "'ll", "could"} for c in verb.children)
    return subject is not None and subject.lower_ == "you" and modal


def find_old_way(doc: Doc) -> Phrase | None:
    """The status quo the sentence sets itself against: 'unlike legacy tools', 'tired of chasing X'."""
    for token in doc:
        lower = token.lower_
        target: Token | None = None
        if lower in OLD_WAY_MARKERS and token.pos_ == "VERB":
            subject = child_of(token, {"nsubj"})
            if subject is not None and _offering(subject) and _is_present(token):
                target = child_of(token, {"dobj"})  # "Acme replaces spreadsheets"
        elif lower in OLD_WAY_MARKERS or (lower in {"of", "with"} and doc[token.i - 1].lower_ in FED_UP):
            target = child_of(token, {"pobj", "pcomp"})  # "unlike legacy tools", "tired of chasing"
        elif lower == "instead" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "of":
            target = child_of(doc[token.i + 1], {"pobj", "pcomp"})
        if target is None:
            continue
        if target.tag_ == "VBG":
            phrase = verb_phrase(target)
            if phrase is not None:
                return Phrase(phrase.gerund, plural=False)
        elif target.pos_ == "NOUN" and not _is_person(target):
            found = noun_phrase(target, max_words=MAX_TOPIC_WORDS)
            if found is not None:
                return found
    return None


def find_price(doc: Doc) -> tuple[str | None, bool]:
    """A price ('$49 per user per month') and whether it has a unit, when the sentence is about price.

    Money in a long sentence without price words, or in the millions, is funding, revenue or a
    market figure rather than what the reader would pay.
    """
    words = sum(1 for t in doc if t.is_alpha)
    priced = words <= _SHORT_PRICE_WORDS or any(t.lower_ in PRICE_WORDS for t in doc)
    if not priced or any(t.lower_ in NOT_A_PRICE for t in doc):
        return None, False
    found = []
    for ent in doc.ents:
        if ent.label_ != "MONEY":
            continue
        start, end = ent.start, ent.end
        while start > 0 and doc[start - 1].text in CURRENCY:
            start -= 1
        while end < len(doc) and doc[end].text in CURRENCY:  # "49 USD"
            end += 1
        per = False
        while end < len(doc) and doc[end].lower_ in {"per", "a", "an", "/", "each"}:
            unit = _unit_end(doc, end + 1, strict=doc[end].lower_ in {"a", "an"})
            if unit is None:
                break
            end, per = unit, True
        money = doc[start:end]
        if any(ch.isdigit() for ch in money.text) and any(t.text in CURRENCY for t in money):
            found.append((not per, tidy(join_tokens(list(money)))))
    if not found:
        return None, False
    # A price with its unit first: "reduced from $0.10 to $0.08 per GB" -> "$0.08 per GB".
    unitless, text = min(found, key=lambda f: f[0])
    return text, not unitless


def find_price_item(root: Token, subject: Token | None) -> Phrase | None:
    """What a price buys: the subject ("A single-battery package starts at ..."), else "for X"."""
    heads = [subject] if subject is not None else []
    heads += [
        g for c in root.children if c.dep_ == "prep" and c.lower_ == "for" for g in c.children if g.dep_ == "pobj"
    ]
    for head in heads:
        if head.pos_ != "NOUN" or head.lemma_.lower() in PRICE_WORDS | PEOPLE | VAGUE_NOUNS:
            continue
        phrase = noun_phrase(head, max_words=MAX_TOPIC_WORDS)
        if phrase is not None and not any(ch.isdigit() for ch in phrase.text):
            return phrase
    return None


def _unit_end(doc: Doc, start: int, strict: bool) -> int | None:
    """End of the unit after 'per' ('user', '440ml can'): up to three words ending in a noun."""
    for end in range(start, min(start + 3, len(doc))):
        token = doc[end]
        if token.pos_ == "NOUN" and (not strict or token.lower_ in UNITS):
            return end + 1
        if token.pos_ not in {"NUM", "ADJ", "NOUN", "PROPN"}:
            return None
    return None


def find_topic(root: Token, question: Span | None) -> Phrase | None:
    """The sentence's subject matter: its object, else a complement, else its subject.

    Only a specific one: at least two words ("late fees", not "heat"), with no number, name,
    place or date in it, which would tie it to the vendor's story rather than the reader's world.
    """
    candidates: list[Token] = []
    if question is not None:
        candidates += [chunk.root for chunk in question.noun_chunks]
    for dep in ("dobj", "attr", "nsubjpass", "nsubj"):
        candidates += [c for c in root.children if c.dep_ == dep]
    for head in candidates:
        if head.pos_ != "NOUN" or {head.lemma_.lower(), head.lower_} & (VAGUE_NOUNS | NOT_TOPIC | PEOPLE):
            continue
        if any(c.dep_ == "det" and c.lower_ in {"every", "each", "any", "no", "another"} for c in head.children):
            continue
        if _is_person(head) or is_actor(head) or _generic_product(head):
            continue
        if head.tag_ == "NN" and any(c.dep_ == "nummod" for c in head.children):
            continue  # "one CSS fix"
        phrase = noun_phrase(head, max_words=MAX_TOPIC_WORDS, count=False)
        if phrase is None or any(ch.isdigit() for ch in phrase.text) or "'s" in phrase.text:
            continue
        if head.doc[head.left_edge.i].pos_ == "ADV":
            continue  # "mostly red- and yellow-skinned types"
        words = [w for w in phrase.text.split() if w.lower() not in {"the", "a", "an", "your"}]
        if len(words) >= 2 and not any(t.ent_type_ in NOT_ENTITY_TOPICS for t in head.subtree if t.text in phrase.text):
            return phrase
    return None
