from analyzer.text.nlp import parse


def test_sentences_split_at_punctuation_and_line_breaks() -> None:
    doc = next(parse(["Why it matters\nCosts rose. You must act now!\n\n- First bullet\n- Second bullet  "]))
    assert [doc.sentence_text(i) for i in range(len(doc.sentences))] == [
        "Why it matters",
        "Costs rose.",
        "You must act now!",
        "- First bullet",
        "- Second bullet",
    ]


def test_an_abbreviation_before_a_number_ends_no_sentence() -> None:
    text = (
        "The yard reopened its No. 2 dock on Monday. Mk. 4 frames ship in May, see fig. 3. "
        "We said no. 2026 will be different. Is it yes or No. We think no."
    )
    doc = next(parse([text]))
    assert [doc.sentence_text(i) for i in range(len(doc.sentences))] == [
        "The yard reopened its No. 2 dock on Monday.",
        "Mk. 4 frames ship in May, see fig. 3.",
        "We said no.",  # "no" ends the sentence: only "No." stands before a number
        "2026 will be different.",
        "Is it yes or No.",  # no number after it
        "We think no.",
    ]


def test_sentence_spans_index_the_original_text() -> None:
    text = "  Leading spaces.  Then a second one?\nAnd a third"
    doc = next(parse([text]))
    for i in range(len(doc.sentences)):
        start, end = doc.sentence_span(i)
        assert text[start:end] == doc.sentence_text(i)
        assert text[start:end] == text[start:end].strip()


def test_lookup_lemmas_are_lowercase_dictionary_forms() -> None:
    doc = next(parse(["Teams Were losing invoices"]))
    assert doc.words == ("teams", "were", "losing", "invoices")
    assert doc.lemmas == ("team", "be", "lose", "invoice")


def test_empty_and_whitespace_texts_have_no_sentences() -> None:
    assert next(parse([""])).sentences == ()
    assert next(parse(["  \n\n "])).sentences == ()


def test_a_sentence_slice_is_the_parse_of_the_sentence() -> None:
    doc = next(parse(["First one here. Then, the second sentence!\nA heading"]))
    for i in range(len(doc.sentences)):
        alone = next(parse([doc.sentence_text(i)]))
        assert doc.sentence(i) == alone
