"""Splitting text into words."""

import re
import unicodedata

WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")

STOP_WORDS = frozenset(
    "a an and are as at be but by for from has have he her his i in is it its of on or "
    "she that the their them they this to was were will with you your".split()
)


def normalise(word):
    return unicodedata.normalize("NFC", word).casefold().replace("\u2019", "'")


def words(text, drop_stop_words=False):
    for match in WORD_RE.finditer(text):
        word = normalise(match.group())
        if drop_stop_words and word in STOP_WORDS:
            continue
        yield word
