"""The word lists the rewrite moves read the parse with."""

from __future__ import annotations


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Calls to action: their object is an event, a contact or a purchase, not a capability.
CTA_VERBS = _lexicon(
    """join register book schedule sign reserve rsvp attend visit contact call email download request
    subscribe follow watch read come stop meet try start get claim apply check explore learn see talk
    reach save"""
)
# Instructions for using the product: their object is what the reader gets done.
_USAGE_VERBS = _lexicon(
    """import export log link add create build connect track use choose pick upload send invite enable
    drag review compare plan run keep set edit turn switch move upgrade install open click tap scan
    enter fill print pay filter sort assign approve automate sync merge tag search view generate
    customize manage monitor replace cut reduce"""
)
IMPERATIVE_VERBS = CTA_VERBS | _USAGE_VERBS
# Verbs whose object is what the offering has: "X offers/adds/includes Y".
CAPABILITY_VERBS = _lexicon(
    """offer add include provide feature introduce launch unveil release bring ship support deliver
    debut roll expand gain come have get give integrate pair combine"""
)
LAUNCH_VERBS = _lexicon("launch introduce unveil announce release debut roll expand add open")
# "X helps/lets/allows you to Y": the benefit is Y.
ENABLERS = _lexicon("help let allow enable empower mean free")
# What a product does for its user; a verb outside this list needs a product-like subject.
BENEFIT_VERBS = _lexicon(
    """save cut reduce automate sync track flag show let help handle catch find detect route schedule
    send pull connect integrate match compare highlight update remind run check process manage monitor
    alert predict calculate generate create fill resolve simplify speed streamline eliminate prevent
    protect secure store back import export share approve collect keep turn replace read scale measure
    report analyze analyse recommend forecast plan assign notify apply shift query search capture scan
    guide link map convert verify prioritize summarize transcribe draft answer estimate cancel"""
)
# Words about the document itself ("this message", "a quick rundown"): never its subject.
_META_NOUNS = _lexicon(
    """message email letter note issue newsletter article post blog paper primer guide rundown glossary
    recap roundup review summary overview list checklist introduction headline"""
)
PRODUCT_NOUNS = _lexicon(
    """app platform tool software system service solution product feature module dashboard engine
    integration connector api sdk plugin extension release update version suite model assistant bot
    workflow automation report reminder alert template device sensor thermostat transmitter camera
    machine tablet portal kit package edition"""
)
# Nouns that name company news or people, never a capability of the offering.
NOT_CAPABILITY = _lexicon(
    """opening appointment hire hiring partnership acquisition merger funding round award winner
    recipient office branch location headquarters event conference webinar session meeting summit expo
    booth team people staff employee member partner customer client year day week month time thanks
    result record name anniversary us you it them something anything everything nothing one lot plan
    price pricing tier subscription discount trial committee board council panel grower scientist
    student volunteer family neighbor guest attendee speaker panelist parent child kid patient nurse
    doctor teacher owner manager worker farmer chef resident visitor friend breakfast lunch dinner
    reception party gala tour walk meetup workshop class keynote"""
)
# Too vague to be what a sentence is about.
VAGUE_NOUNS = (
    _lexicon(
        """thing way lot part one everyone people time day year week month question something anything
    nothing everything kind sort bit number today tomorrow yesterday morning afternoon evening night
    side end start first last rest other others more most few all each"""
    )
    | _META_NOUNS
)
UNITS = _lexicon(
    """user users seat seats month months year years week weeks day days hour hours unit units location
    locations device devices license licenses agent agents member members mo yr person employee
    employees truck trucks vehicle vehicles site sites"""
)
PRICE_WORDS = _lexicon(
    """price prices pricing priced cost costs plan plans fee fees subscription start starts rrp msrp retail
    charge"""
)
# Money near these words is a market figure, funding or a total, not what the reader pays.
NOT_A_PRICE = _lexicon(
    """median average mean assets revenue revenues raised raise funding round valuation sales million
    billion crore lakh trillion salary salaries wage wages donated"""
)
CURRENCY = _lexicon("$ £ € ¥ ₹ USD EUR GBP CAD AUD")

OLD_WAY_MARKERS = _lexicon("unlike replace replaces replacing versus vs vs.")
FED_UP = _lexicon("tired sick done fed")
WH_WORDS = _lexicon("what what's whats who whom whose which when where why how")
# Topics that are the vendor's commercial terms or company news rather than the reader's world.
NOT_TOPIC = _lexicon(
    """trial demo discount plan plans offer coupon opening appointment hire partnership
    acquisition funding award winner anniversary thanks congratulations"""
)
NOT_ENTITY_TOPICS = _lexicon("PERSON GPE LOC DATE TIME CARDINAL MONEY PERCENT ORDINAL QUANTITY NORP FAC EVENT")
# Pronouns that a rewrite with the reader as subject cannot carry over.
FOREIGN_PRONOUNS = _lexicon(
    """i me my mine we us our ours he him his she her hers it its they them their theirs this that
    these those who whom which what"""
)
WEAK_VERBS = _lexicon(
    """be have do say tell ask thank know think seem become happen start cost begin range vary sit remain
    stay look feel sound appear arrive follow come go live exist matter welcome"""
)
NEW_WORDS = _lexicon("new newly now")

DEFINITE = frozenset({"the", "this", "that", "these", "those", "our", "its", "their"})
QUANTIFIERS = frozenset({"most", "many", "some", "several", "few", "all", "both"})
DISTRIBUTIVE = frozenset({"each", "every", "any", "no", "other", "another", "either", "neither"})
PEOPLE = _lexicon(
    """people person man woman men women girl boy child children kid kids family families parent grower
    scientist student volunteer neighbor neighbour guest attendee speaker panelist patient nurse doctor
    teacher owner manager worker farmer chef resident visitor friend client customer employee staff
    member partner team committee board panel recruiter breeder officer engineer developer designer
    director founder candidate reader writer author custodian graduate victim agronomist lineworker
    group crew user adjuster technician tech rep"""
)

DOUBLE_FINAL = frozenset(
    [
        "admit",
        "commit",
        "control",
        "equip",
        "forget",
        "occur",
        "prefer",
        "refer",
        "regret",
        "submit",
        "transfer",
        "begin",
    ]
)
