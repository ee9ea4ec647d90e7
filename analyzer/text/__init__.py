"""Text: bytes in, clean text and its structure out, and the light parse every model reads.

`text.extract` turns a document of any supported format (text, Markdown, HTML, PDF, DOCX)
into clean text with its title and headings, within the safety limits; `text.nlp` tokenizes,
splits sentences and lemmatizes with spaCy's blank English pipeline; `text.sentences` tells
the sentences that carry no message of their own. Nothing here knows about models or labels:
this layer imports only the base modules (`errors`).
"""
