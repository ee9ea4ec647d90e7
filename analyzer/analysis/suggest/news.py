"""What company news reads like: events, hires, awards, funding, offices, anniversaries, photos.

Company news is meant to inform, and an editor never rewrites it into a case for change unless
asked (`choose`'s `include_news`). `kinds` reads a sentence as news with these patterns: the
weaker words only where the sentence announces nothing, the stronger whatever else it says. A
partnership is news of the partners unless it names the draft's product (then it is what the
piece announces).
"""

from __future__ import annotations

import re
from typing import Final

from analyzer.text.guarded import guarded

#: Photos shown to the reader ("a few photos from the night", "that's Bronwen in the first
#: photo"); a photo a product takes or keeps ("every visit will show up with a photo", "the photos
#: from the previous turnover") is a feature.
_PHOTOS: Final = (
    r"(?:a few|favou?rite|more|some|these|our) photos|photos? (?:from|of) (?:the|our|last|this) (?:\w+ )?"
    r"(?:night|day|evening|weekend|event|party|celebration|opening|launch|trip|offsite|show|summit|dinner|week)\b|"
    r"in the (?:first |second |third |last |next )?photo"
)
#: A trade-show booth ("visit us at booth 4412", "at our booth"), not a recording or isolation booth.
_BOOTH: Final = r"(?:visit|find|see|meet|at|to) (?:us at )?(?:our |the )?booth|booth (?:no\.? ?|number |#)?[a-z]?\d+"
#: Company news meant to inform: events, hires, awards, funding, offices, anniversaries, photos.
NEWS_WORDS = re.compile(
    r"\b(?:hiring|we're hiring|join(?:ed|s)? (?:us|the team|our team)|appoint(?:s|ed)|welcom(?:e|es|ed|ing)|"
    r"award(?:s|ed)?|winner|won|finalist|shortlisted|recogni[sz]ed|trophy|series [a-d]\b|funding|raised|"
    r"investors?|led by|valuation|acquir(?:e|es|ed|ing)|acquisition|merger|new office|"
    r"opens? (?:an |a |its |our )?office|"
    r"headquarter(?:s|ed)|anniversary|birthday|years? ago today|celebrat(?:e|es|ed|ing)|"
    + _PHOTOS
    + r"|swipe|pictured|"
    r"conference|summit|expo|" + _BOOTH + r"|keynote|exhibit(?:ion|ing|ors?)?|speakers?|panelists?|meetup|get-together|"
    r"will (?:demonstrate|present|exhibit|speak)|(?:is|are) (?:now )?rolling .* out to|partnership|partners? with|"
    r"donat(?:e|es|ed|ion)|volunteer(?:ed|ing)|volunteer days?|charity|thank you|"
    r"thanks to)\b"
)
# The patterns from here on without IGNORECASE are written in lower case and matched against
# the lowered sentence.
#: News whatever else the sentence says: "today announced a $24 million Series B" informs, it does not sell.
STRONG_NEWS = re.compile(
    r"\b(?:we're hiring|hiring|series [a-d]\b|funding round|raised|investors?|valuation|acquisition|award(?:s|ed)?|"
    r"trophy|anniversary|years? ago today|new office|headquarters|conference|summit|expo|" + _BOOTH + r"|judges|"
    r"grown to a team|brings together|open(?:s|ed)? (?:its|a|an|our) (?:new )?(?:\w+ )?(?:office|headquarters|branch)|"
    r"(?:the|our) (?:new )?office (?:will|is|in)|open house|meetup|user group|community (?:event|day)|"
    r"(?:our|a) (?:first |new )?apprentice|"
    r"took on (?:\w+ ){0,3}(?:as )?(?:an? |our )?(?:first )?(?:apprentice|trainee)|"
    r"joins (?:us )?as|will house|joins (?:us |the company )?(?:from|as)|succeeds|retiring|"
    r"previously (?:spent|served|led|worked)|served as|appoint(?:s|ed)|appointment of|"
    r"named (?:chief|head|vice|ceo|cfo|cto|president)|"
    r"team of \d+|" + _PHOTOS + r"|swipe|celebrat(?:e|es|ed|ing)|"
    # Thanks and milestones: "huge credit to Amara and Tomás", "we finally have a place of our own".
    r"(?:huge |big )?(?:credit|kudos|shout-?out|hats off) to|we (?:finally|officially) (?:have|moved|opened|are)|"
    r"mov(?:e|ed|ing) (?:in)?to (?:a|an|our|the) (?:new |first |own )?(?:office|space|home|building|warehouse))\b"
)
#: The partners themselves as the subject ("The two companies will work together on ...", "Both
#: firms will be at the show"): what the companies do next, the partnership's plans, not the
#: product (the partnership itself may still be what the piece announces).
PARTNERS_SUBJECT = re.compile(r"^(?:the two|the three|both) (?:companies|firms|partners|businesses|organi[sz]ations)\b")
#: "ShedTally has entered a partnership with ...": with the draft's product named, the piece's announcement.
#: A partnership as what the sentence announces ("Fenwright has partnered with ...", "X and Y
#: announced a partnership"), matched from the sentence's start; not one in passing ("help with
#: transport through our partnership with Pima Rides", batch 20).
PARTNERSHIP = guarded(
    r"^(?:[\w'\u2019&.,-]+ ){1,14}?(?:(?:has|have|is|are|will) )?(?:now )?"
    r"(?:partner(?:ed|s|ing)? with|team(?:ed|s|ing)? up with|"
    r"(?:announce[sd]?|agree[sd]?|formed|entered(?: into)?|signed|struck|launched) "
    r"(?:a|an|its|their) (?:[\w-]+ )?partnership)\b"
)


def is_news_headline(text: str) -> bool:
    """A title or opening line that is company news: a hire, an award, an office, funding, an anniversary."""
    return bool(STRONG_NEWS.search(text.lower()))
