"""The future state: where the reader must get to. No frame argues it any more.

Five rounds of independent editors judged every future-state frame unusable ("It is the first
step toward [...]": 0 of 60; "It brings your team closer to [...]": 0 of 38; "By [when], X
should ...": 0 of 10), and the library's future-state stakes restate the feature as a wish (8 of
36). A draft that lacks the element gets the coaching questions instead, which ask for it in
the draft's own terms (`coaching`); the module stays so the moves keep one home each.
"""
