import nltk
from nltk.tokenize import wordpunct_tokenize, TreebankWordTokenizer
from nltk.stem import PorterStemmer, SnowballStemmer
from nltk.util import ngrams
from nltk.probability import FreqDist
from nltk.metrics.distance import edit_distance
text = "The quick brown foxes were running quickly over the lazy dogs' houses, weren't they?"
toks = wordpunct_tokenize(text); print(toks)
print(TreebankWordTokenizer().tokenize(text))
ps = PorterStemmer(); print([ps.stem(w) for w in ("running", "quickly", "houses", "generously")])
print(SnowballStemmer("french").stem("continuellement"), SnowballStemmer("german").stem("häuser"), sorted(SnowballStemmer.languages)[:4])
print(list(ngrams("abcd", 2)), FreqDist(toks).most_common(2), edit_distance("kitten", "sitting"))
g = nltk.CFG.fromstring("S -> NP VP\nNP -> 'I' | 'fish'\nVP -> V NP\nV -> 'eat'")
print([str(t) for t in nltk.ChartParser(g).parse("I eat fish".split())])
