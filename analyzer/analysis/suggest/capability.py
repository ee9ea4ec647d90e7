"""Who a claim says can now do what: the capability coaching asks about.

"Rimewell Dock records the temperature of every inbound pallet at the door" gives ("Rimewell
Dock", "record the temperature of every inbound pallet at the door"); the coaching asks "Before
Rimewell Dock could record ..., what did your readers do instead?": the draft's own claim, in
its own words, not the product's name alone.
"""

from __future__ import annotations

import re
from typing import Final

from spacy.tokens import Doc, Token

from analyzer.analysis.suggest.clauses import MAX_SUBJECT_WORDS, join_tokens, main_verb, predicate
from analyzer.analysis.suggest.lexicon import PEOPLE

#: Verbs that say what the product is or what the company did, not what the reader can now do.
_NOT_CAPABILITIES: Final = frozenset(
    {"launch", "release", "introduce", "announce", "add", "bring", "ship", "be", "have", "become", "include", "offer"}
    | {"cost", "start", "come", "price", "open", "expand", "build", "make", "provide", "serve", "help"}
    # a release reaching its users: "Marklane 8.2 is rolling out to all accounts this week" (round 32)
    | {"roll", "arrive", "land", "upgrade"}
    # what the business does as a business (round 36: readers asked about "a way to team up with
    # Severnside Buses", "a way to stock more than 9,000 parts"); "move" is one only as a move
    # of premises (`_RELOCATION`): "Campfolio moves short stays around" is a capability
    | {"team", "partner", "stock", "relocate", "celebrate", "acquire", "sponsor"}
)
#: "... is moving into town", "moves to a bigger workshop": the business's premises, not a capability.
_RELOCATION: Final = frozenset({"into", "to", "from"})
#: A step the reader takes to set up, not what the product lets them do: "You place two or three
#: sensors in each field at root depth" (round 32: "treats placing sensors as the new capability");
#: the product's own "places every lesion photo on a body map" is a capability.
_SETTING_UP: Final = frozenset({"place", "install", "mount", "plug", "download", "stick", "clip", "screw", "wire"})
#: "X lets you Y", "X allows teams to Y": the capability is Y.
_ENABLING: Final = frozenset({"let", "allow", "enable"})
_CAPABILITY_WORDS: Final = (3, 14)


def read_capability(doc: Doc, names: frozenset[str]) -> tuple[str, str] | None:
    """Who the sentence says can now do what, as (who, verb phrase in its plain form).

    "Rimewell Dock records the temperature of every inbound pallet at the door" gives ("Rimewell
    Dock", "record the temperature of every inbound pallet at the door"); "Your planners can move
    any call with one drag" gives ("your planners", "move any call with one drag"); "X lets you
    answer ..." gives ("they", "answer ..."); a launch reads the clause that says what the product
    does ("today released Brinemark Trace, software that follows every lot of fish ..." gives
    ("Brinemark Trace", "follow every lot of fish ...")). Coaching asks about it ("Before Rimewell
    Dock could record ..., what did your readers do instead?"): the draft's own claim, not the
    product's name. A subject that is neither the product nor people ("every defect", "the
    dispatch board") gives nothing: the question would be about a thing.
    """
    defined = _defined(doc, names)
    if defined is not None:
        return defined
    verb = main_verb(doc)
    if verb is None:
        return _named_then_verb(doc, names, verb)
    if verb.lemma_.lower() in _NOT_CAPABILITIES:
        return _described(verb, names)
    return _capability(verb, names) or _named_then_verb(doc, names, verb)


def read_unnamed_capability(doc: Doc) -> str | None:
    """What a feature told without its subject says the product does, in its plain form.

    "Automatically sends every tenant a reminder before the rent is due", "Tracks every pallet
    from the dock door to the shelf": real product pages list features this way (the parse is
    no clause, and `read_capability` reads none); the coaching asks about "a way to send every
    tenant a reminder" without naming who does it.
    """
    sent = next(iter(doc.sents), None)
    if sent is None:
        return None
    verb = next((t for t in sent if t.pos_ != "ADV"), None)
    if verb is None or verb.i > 1 or not verb.is_alpha or not verb.text[1:].islower() or not verb.lower_.endswith("s"):
        return None
    if verb.tag_ not in {"VBZ", "NNS"} or verb.lemma_.lower() in _NOT_CAPABILITIES | _SETTING_UP:
        return None
    after = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
    if after is None or after.pos_ not in {"DET", "ADJ", "NOUN", "NUM", "PRON", "CCONJ"}:
        return None  # "Includes: ...", "Works with ..."
    if any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children):
        return None
    phrase = _verb_phrase(verb)
    return phrase.lower() if phrase else None


def _named_then_verb(doc: Doc, names: frozenset[str], main: Token | None) -> tuple[str, str] | None:
    """ "Campfolio moves short stays around ...", "Presslog prints a tag for each garment ...": the
    small parser reads the product's verb as a plural noun or as the subject of a later verb, but
    a sentence that opens on the product's name and a word in -s says what the product does.
    `main` is the sentence's main verb as `main_verb` read it."""
    if len(doc) < 4 or doc[0].text not in names:
        return None
    verb = doc[1]
    if verb == main or not (verb.tag_ in {"VBZ", "NNS"} and verb.is_lower and verb.lower_.endswith("s")):
        return None  # the parse read it as the verb already, and the reading above refused it
    if doc[2].pos_ not in {"DET", "ADJ", "NOUN", "NUM", "PRON"} or verb.lemma_.lower() in _NOT_CAPABILITIES:
        return None
    phrase = _verb_phrase(verb)
    return (doc[0].text, phrase) if phrase else None


def _defined(doc: Doc, names: frozenset[str]) -> tuple[str, str] | None:
    """ "Keelworks is a gate booking system that checks every driver in": a product page defines
    the product once, and the clause on the definition says what it does."""
    root = next(iter(doc.sents)).root
    if root.lemma_ != "be":
        return None
    subject = _subject(root)
    definition = next((c for c in root.children if c.dep_ == "attr"), None)
    product = _who(subject, names) if subject is not None and subject.lower_ not in {"it", "this"} else None
    if product is None or definition is None:
        return None
    described = [definition, *(c for c in definition.children if c.dep_ == "appos")]
    clause = next((t for t in definition.subtree if t.dep_ == "relcl" and t.head in described), None)
    return None if clause is None else _capability(clause, names, relative=product)


#: What a press release announces when it does not name the product as the object.
_A_LAUNCH: Final = frozenset({"launch", "release", "availability", "introduction", "debut", "rollout"})


def _described(verb: Token, names: frozenset[str]) -> tuple[str, str] | None:
    """What a launch sentence's product does, from the clause that describes it.

    "today launched Northwire Collect, which lets electricians order ...", "introduced Keeperlog,
    a tablet app in which keepers record ...": press releases say what the product does once, in
    a clause on its name (ten of the 85 drafts whose coaching fell back to the general questions).
    """
    product = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if product is not None and product.lemma_.lower() in _A_LAUNCH:
        # "announced the launch of Rainpath Field, an app that ...": the product is the launch's
        product = next((g for c in product.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"), None)
    if product is None or not (product.pos_ == "PROPN" or product.text in names):
        return None
    described = [product, *(c for c in product.children if c.dep_ == "appos")]
    clause = next((t for t in product.subtree if t.dep_ == "relcl" and t.head in described), None)
    if clause is None:
        return None
    name = join_tokens([t for t in product.doc[product.left_edge.i : product.i + 1] if t.dep_ not in {"det", "poss"}])
    return _capability(clause, names, relative=name)


def _capability(verb: Token, names: frozenset[str], relative: str | None = None) -> tuple[str, str] | None:
    """The capability `verb` states; `relative` is what a "that" or "which" subject stands for."""
    subject = _subject(verb)
    enabling = verb.lemma_.lower() in _ENABLING
    if enabling:
        # "lets your testers fill in a report": the parser can tag "fill" a noun; its subject says it is a verb
        enabled = next(
            (
                c
                for c in verb.children
                if c.dep_ in {"ccomp", "xcomp"} and (c.pos_ == "VERB" or any(g.dep_ == "nsubj" for g in c.children))
            ),
            None,
        )
        if enabled is None:
            return None
        verb = enabled
        subject = _subject(verb)
    if subject is None or verb.lemma_.lower() in _NOT_CAPABILITIES or verb.tag_ in {"VBD", "VBN"}:
        return None  # a story in the past, a passive, or what the company did
    if any(c.dep_ == "neg" or c.lower_ == "never" for c in verb.children):
        return None  # "Lanternfish will never insert an ad inside them": what it does not do
    if verb.lemma_.lower() == "move" and verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].lower_ in _RELOCATION:
        return None  # "Larch Ridge Taxidermy is moving into town": the business moves, nobody gains a way
    if any(c.lower_ == "since" and any(g.like_num for g in c.children) for c in verb.children):
        return None  # "... shows across the Upper Midwest since 1979": the company's record, however parsed
    can = any(c.tag_ == "MD" for c in verb.children)
    if relative is None and subject.text not in names and not can:
        # "Students enter a PIN or scan a card, and TrayLink shows the cashier ...": the people's
        # step, then what the product does, which is the claim (round 26: "anchors on trivial PIN
        # entry"); "Technicians can now look up a part ..., and Rangeline shows ..." is theirs
        products = [c for c in verb.children if c.dep_ == "conj" and any(g.text in names for g in _subjects(c))]
        if products:
            return _capability(products[0], names)
    if _misread(verb, subject):
        return None
    if relative and subject.lower_ in {"that", "which", "who"}:
        who: str | None = relative
    elif relative and subject.tag_ == "NNS" and subject.pos_ == "NOUN":
        who = _readers_plural(subject)  # "which lets electricians order", "in which keepers record"
    else:
        who = _who(subject, names)
    if who is None and enabling and subject.pos_ == "NOUN":
        who = _readers_plural(subject)  # "allows a water district to schedule ...": whoever it enables
    if who is None and _people_can(verb, subject):
        # "Seasonal marinas can pause billing", "reporters at your agency can send a feed": people
        # of any trade who can now do it (the lexicon of people misses most trades: batch 20)
        who = _readers_plural(subject)
    if verb.lemma_.lower() in _SETTING_UP and (who == "they" or subject.tag_ == "NNS"):
        return None  # the reader's own step of setting up
    phrase = _verb_phrase(verb)
    return None if who is None or phrase is None else (who, phrase)


def _verb_phrase(verb: Token) -> str | None:
    """`verb` in its plain form and what follows it to the end of its clause, or None: a second
    clause, an object named elsewhere, a "turn X" cut from its "into", too short or too long."""
    words = predicate(verb)[1:]
    while words and (words[-1].pos_ in {"CCONJ", "ADP", "DET"} or words[-1].is_punct or _dangles(words[-1])):
        words = words[:-1]
    if any(_second_subject(t) for t in words):
        return None  # "recognizes them and the attendant's tablet shows ...": a second clause
    if any(t.dep_ == "dobj" and t.head == verb and t.lower_ in _UNNAMED for t in words):
        return None  # "attach it to the batch": what "it" is was said in another sentence (round 26)
    if any(t.dep_ == "dobj" and t.head == verb and t.pos_ == "NUM" for t in words):
        return None  # "see all six": six of what was said in the example before it (round 34)
    ends = _NEEDS_ITS_END.get(verb.lemma_.lower())
    if ends is not None and not any(t.lower_ in ends for t in words):
        return None  # "turn a technician's sewer camera footage": into what was cut off
    phrase = re.sub(r"\s+", " ", " ".join([_plain(verb), join_tokens(words)])).strip().replace(" ,", ",")
    low, high = _CAPABILITY_WORDS
    return phrase if low <= len(phrase.split()) <= high else None


def _readers_plural(subject: Token) -> str | None:
    """The people a product serves or enables, named in its own words: any trade, not a list."""
    phrase = join_tokens(list(subject.subtree)).lower()
    return phrase if len(phrase.split()) <= MAX_SUBJECT_WORDS - 2 else None


#: Plural subjects that are things, not people who gain a way: "Reports can include photos".
_THINGS: Final = frozenset(
    {"reports", "orders", "invoices", "files", "records", "jobs", "alerts", "updates", "changes", "items", "results"}
)
#: What a thing does rather than a person: "estimates can appear in the portal".
_THINGS_DO: Final = frozenset({"appear", "arrive", "show", "go", "come", "stay", "remain", "be", "include", "contain"})


def _people_can(verb: Token, subject: Token) -> bool:
    """ "Seasonal marinas can pause billing", "reporters at your agency can send a feed": people of
    any trade who can now do something (the lexicon of people misses most trades: batch 20); not
    "two tickets can still promise the same part" (a thing, and the old way) nor "estimates can
    appear"."""
    return (
        subject.tag_ == "NNS"
        and subject.pos_ == "NOUN"
        and subject.lower_ not in _THINGS
        and verb.lemma_.lower() not in _THINGS_DO
        and any(c.lower_ == "can" for c in verb.children)
        and not any(c.lower_ in {"still", "never", "not", "n't"} for c in verb.children)
        and not any(t.like_num for t in subject.subtree)
    )


#: Verbs that say nothing without their second phrase ("turn X into Y").
_NEEDS_ITS_END: Final = {"turn": frozenset({"into"}), "convert": frozenset({"into", "to"})}


def _misread(verb: Token, subject: Token) -> bool:
    """A parse that took the verb for a noun: "a service that texts defendants their court date"
    (two subjects, "defendants" the verb), "a station that grades dimension lumber" ("grades" the
    subject of "dimension"), or a noun for the verb ("Crew leads open the file")."""
    if sum(c.dep_ == "nsubj" for c in verb.children) > 1:
        return True
    if any(c.dep_ == "acomp" and any(g.dep_ == "dobj" for g in c.children) for c in verb.children):
        return True  # "Crew leads open the building's file": an adjective with an object is the verb
    before = subject.doc[subject.i - 1] if subject.i > 0 else None
    return before is not None and before.lower_ in {"that", "which", "who"} and before.dep_ != "pobj"


def _subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ == "nsubj"), None)


def _subjects(verb: Token) -> list[Token]:
    """The words of `verb`'s subject ("TrayLink", "the Rainpath app")."""
    subject = _subject(verb)
    return list(subject.subtree) if subject is not None else []


#: Words that lead a preposition and mean nothing without it ("next to", "ahead of").
_LEADS: Final = frozenset({"next", "close", "ahead", "prior", "due", "according", "instead", "along", "based"})
#: Objects that name nothing on their own.
_UNNAMED: Final = frozenset({"it", "them", "this", "that", "these", "those"})


def _dangles(token: Token) -> bool:
    """An adverb cut from the preposition it leads: "plot the location next" (to the estimate)."""
    doc = token.doc
    return token.lower_ in _LEADS and token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "ADP"


def _second_subject(token: Token) -> bool:
    """The subject of a second clause; not that of a clause about a noun ("every linen you own")."""
    if token.dep_ not in {"nsubj", "nsubjpass"} or token.head.dep_ == "relcl":
        return False
    if token.head.dep_ in {"advcl", "ccomp"} and any(
        c.dep_ == "mark" or (c.dep_ == "advmod" and c.lower_ in {"when", "where"}) for c in token.head.children
    ):
        return False  # "... on a tablet as they go", "tell an integrator when a room stops": not what else
    if token.head.dep_ in {"dobj", "pobj"}:
        return False  # "record each element's condition states": a noun the parser took for a verb
    before = token.doc[token.i - 1] if token.i > 0 else None
    return not (before is not None and before.pos_ in {"NOUN", "PROPN"} and token.lower_ in {"you", "they", "we"})


def _plain(verb: Token) -> str:
    """The verb's plain form from its own letters: the lemmatizer reads "routes" as "rout"."""
    word = verb.lower_
    if verb.tag_ != "VBZ":
        return word if verb.tag_ in {"VB", "VBP"} else verb.lemma_.lower()
    irregular = {"has": "have", "does": "do", "goes": "go", "is": "be"}
    if word in irregular:
        return irregular[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def _who(subject: Token, names: frozenset[str]) -> str | None:
    """The subject as coaching names it: the product, the reader ("they", "your planners"), or people."""
    tokens = list(subject.subtree)
    aside = next((k for k, t in enumerate(tokens) if t.text == "," and t.i > subject.i), len(tokens))
    tokens = tokens[:aside]  # "Grainhouse 6.3, released today, checks ...": the name, not its aside
    if tokens[0].text == "The" and len(tokens) > 1:
        tokens = tokens[1:]  # "The EG-400 connects ...": asked as "Before the EG-400 could ..."
        phrase = "the " + join_tokens(tokens)
    else:
        phrase = join_tokens(tokens)
    low = phrase.lower()
    if len(phrase.split()) > MAX_SUBJECT_WORDS - 2 or low in {"we", "it", "this", "they", "that"}:
        return None
    if low == "you":
        return "they"
    if subject.lemma_.lower() in PEOPLE or subject.lower_ in PEOPLE:
        # "your planners", "members", "caregivers"; a name keeps its capitals ("Lanternhouse's IDG board")
        return phrase if any(t.pos_ == "PROPN" for t in tokens) else low
    if low.startswith("your ") and subject.pos_ == "NOUN" and subject.tag_ == "NNS":
        return low  # "your certified testers": the reader's own people, whatever their trade
    named = subject.text in names and subject.tag_ in {"NN", "NNP"}
    if named or (subject.pos_ == "PROPN" and any(name in phrase for name in names)):
        return phrase  # the product; the parser tags "Tallyhawk reads ..." a common noun as often as a name
    return None
