"""Counting words and sentences."""

import collections
import dataclasses
import statistics

from . import tokens
from .tokens import words


@dataclasses.dataclass
class Report:
    words: int
    distinct: int
    sentences: int
    mean_word_length: float
    common: list  # [(word, count)], most common first, ties alphabetical


def analyse(text, top=5, drop_stop_words=False):
    found = list(words(text, drop_stop_words))
    counts = collections.Counter(found)
    common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    sentences = sum(text.count(mark) for mark in ".!?") or (1 if found else 0)
    mean = statistics.fmean(len(w) for w in found) if found else 0.0
    assert tokens.STOP_WORDS  # the module object and the name are both usable
    return Report(len(found), len(counts), sentences, round(mean, 2), common)
