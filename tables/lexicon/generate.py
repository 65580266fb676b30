#!/usr/bin/env python3
"""Builds the Latin -> Cyrillic lexicons of tables/lexicon/ from two corpora: the KazNERD news
sentences (CC BY 4.0; tests/data/corpus/kaznerd-test.tsv) and the KazSAnDRA reviews (CC BY 4.0;
not in the repository: pass its path, default ../shared/data/corpus/kazsandra.tsv).

For every Kazakh word form of a corpus and every Latin writing system, the word is converted to
Latin with jazu and read back with the letter rules alone (`--no-lexicon`). Forms are grouped by
their Latin spelling (the key); the most frequent form of a key wins, and the key goes into the
lexicon when the rules read the winner wrong (in any of its spellings: a capital I of the 2018
alphabet is І or И, so capitalised forms get keys of their own). Keys are folded to lower case the
way the converter folds them.

KazNERD comes first: every key it has is decided by KazNERD alone. Every tenth sentence (sent_id
order, index % 10 == 0) is held out: the round-trip test measures on it, so the lexicon never saw
those sentences (nor anything derived from them, such as the endings below).

The reviews are informal (typos, Russian-keyboard stand-ins, slang), so they only add keys that
KazNERD never saw, and only for a form that
  * was seen at least REVIEW_MIN times and has at least REVIEW_SHARE of the uses of its key
    (a misspelling rarely beats the right spelling that often);
  * is spelled plausibly (`plausible`): ь, ъ, э, й and ё only where Russian or Kazakh spelling
    puts them and no vowel before и, which rules out the usual stand-ins (керемеи for керемей,
    сэлем for сәлем, ёсіресе, қойамын for қоямын); no swear word;
  * is Kazakh: has a Kazakh letter (ә ғ қ ң ө ұ ү һ і), or takes Kazakh endings somewhere in the
    sources (валюта, since валютаның occurs), which leaves out the Russian of the reviews
    (вообще, скачать);
  * is not an English word that the converter keeps as it is (tables/foreign.tsv).
Where a review form is the very form KazNERD chose for a key, its uses in the reviews are added to
its count.

Stems: the converter reads a word it lacks as a stem of the lexicon (an entry seen at least
STEM_COUNT times, build.rs) plus a suffix read by the rules. Besides the entries themselves,
stems are cut off the entries: the shortest stem (CUT_STEM letters of Latin or more) whose ending
(CUT_ENDING letters or more) is one KazNERD has after ENDING_MIN known words or more, so that
корпорациясымен and корпорациясы give корпорация, which then reads корпорацияның. Such a stem's
count is how often the forms it was cut from occur (added to the entry's own count when the stem
is an entry already); one seen only once is no stem and is left out.

Checks: a stem that is new (from the reviews, or cut off) must not change how a word without an
entry reads (the KazNERD words, and the review words trusted as above, read back with the stems
as `--exceptions`), and a cut stem must read the entries it was cut from; a stem that fails is
left out (or its count set back) and the check runs again.

Usage: python3 tables/lexicon/generate.py [KAZSANDRA_TSV]
       (from the repository root; builds jazu first, in $CARGO_TARGET_DIR if set)
"""
import collections
import csv
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "data", "corpus", "kaznerd-test.tsv")
REVIEWS = os.path.join(ROOT, "..", "shared", "data", "corpus", "kazsandra.tsv")
SCHEMES = ["latn-2021", "latn-2018", "latn-2017", "wiki-latn"]
WORD = re.compile(r"[А-ЯЁӘҒҚҢӨҰҮҺІа-яёәғқңөұүһі]+")
HELD_OUT = 10
REVIEW_MIN = 3
REVIEW_SHARE = 0.8
# As in src/reverse.rs and build.rs: stems of at least MIN_STEM letters, seen at least
# STEM_COUNT times, with suffixes of at most MAX_SUFFIX letters.
MIN_STEM = 4
MAX_SUFFIX = 10
STEM_COUNT = 2
# Stems cut off the entries: endings of at most MAX_ENDING letters seen ENDING_MIN times, stems
# of at least CUT_STEM letters (in Latin) and endings of at least CUT_ENDING letters.
MAX_ENDING = 8
ENDING_MIN = 10
CUT_STEM = 5
CUT_ENDING = 2

FOREIGN = os.path.join(ROOT, "tables", "foreign.tsv")
# Swear words of the reviews stay out of a lexicon that ships with every build.
OBSCENE = re.compile(r"бля|ху[йеёияю]|пизд|^[её]б|^ёпт?$|д[ао]лб[ао][её]б|мудак|^сук[аи]$|^сучк|^жоп")
VOWELS = set("аәеёиоөуұүыіэюя")
KAZAKH = set("әғқңөұүһі")


def jazu(args, lines):
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    exe = os.path.join(target, "release", "jazu")
    out = subprocess.run([exe, *args], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    result = out.stdout.split("\n")[: len(lines)]
    assert len(result) == len(lines), (args, len(result), len(lines))
    return result


def training_words():
    counts = collections.Counter()
    with open(CORPUS, encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    for index, row in enumerate(rows):
        if index % HELD_OUT == 0:
            continue
        for word in WORD.findall(row[1]):
            counts[word] += 1
    return counts


def review_words(path):
    counts = collections.Counter()
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            counts.update(WORD.findall(line.split("\t", 1)[1]))
    return counts


def plausible(word):
    """Whether a review word is spelled as Kazakh or Russian would spell it: no ь or ъ at the
    start or after a vowel, ъ only before е ё ю я, э only at the start or after a vowel, й only
    after a vowel and never before а or у (Kazakh writes я, ю), no vowel before и (Kazakh writes
    й there; ои for ой is the commonest stand-in), no ё in a word with Kazakh letters."""
    w = word.lower()
    for i, c in enumerate(w):
        prev = w[i - 1] if i else ""
        after_vowel = prev in VOWELS
        if c in "ьъ" and (not prev or after_vowel):
            return False
        if c == "ъ" and w[i + 1 : i + 2] not in ("е", "ё", "ю", "я"):
            return False
        if c == "э" and prev and not after_vowel:
            return False
        if c == "й" and (not after_vowel or w[i + 1 : i + 2] in ("а", "я", "у", "ю")):
            return False
        if c == "и" and after_vowel:
            return False
    if "ё" in w and any(c in KAZAKH for c in w):
        return False
    return len(w) >= 2 and not OBSCENE.search(w)


def fold(latin, scheme):
    """Lower case as the converter folds lexicon keys (src/reverse.rs, `Reverse::fold`)."""
    turkic = scheme in ("latn-2021", "wiki-latn")
    return "".join("i" if c == "İ" else ("ı" if c == "I" and turkic else c.lower()) for c in latin)


def group(scheme, counts):
    """The forms of each key with their counts, the forms the rules read wrong, and for each form
    its commonest spelling as (Cyrillic, Latin) with case (a stand-in for it in the checks)."""
    words = sorted(counts)
    latin = jazu(["--from", "cyrl", "--to", scheme], words)
    back = jazu(["--from", scheme, "--to", "cyrl", "--no-lexicon"], latin)
    forms = collections.defaultdict(collections.Counter)
    wrong = collections.defaultdict(set)
    spelling = {}
    for word, lat, cyr in zip(words, latin, back):
        # A capital I of 2018 may be І or И, so capitalised forms get keys of their own.
        key = fold(lat, scheme)
        forms[key][word.lower()] += counts[word]
        if cyr != word:
            wrong[key].add(word.lower())
        if counts[word] > spelling.get((key, word.lower()), ("", "", 0))[2]:
            spelling[(key, word.lower())] = (word, lat, counts[word])
    return forms, wrong, spelling


def endings(news):
    """Endings (up to MAX_ENDING letters) seen at least ENDING_MIN times in KazNERD after a word
    that occurs there on its own at least twice: where a stem may be cut off a word form."""
    lower = collections.Counter()
    for word, n in news.items():
        lower[word.lower()] += n
    known = {w for w, n in lower.items() if n >= 2}
    found = collections.Counter()
    for word, n in lower.items():
        for k in range(max(MIN_STEM, len(word) - MAX_ENDING), len(word)):
            if word[:k] in known:
                found[word[k:]] += n
    return {e for e, n in found.items() if n >= ENDING_MIN}


def inflected(words, ends):
    """The words that also occur with one of the endings (of CUT_ENDING letters or more) after
    them: a Russian word that takes Kazakh endings (валюта: валютаның) is a loanword."""
    found = set()
    for word in {w.lower() for w in words}:
        for k in range(2, len(word) - CUT_ENDING + 1):
            if word[k:] in ends:
                found.add(word[:k])
    return found


def read_back(scheme, words, stems):
    """How the converter reads Latin words that have no entry of their own, given these stems."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", delete=False) as f:
        f.write("latin\tcyrillic\n")
        f.writelines(f"{k}\t{v}\n" for k, v in sorted(stems.items()))
    try:
        return jazu(["--from", scheme, "--to", "cyrl", "--no-lexicon", "--exceptions", f.name], words)
    finally:
        os.unlink(f.name)


def stem_of(latin, scheme, stems):
    """The stem the converter takes for a word: the longest one, trying the other reading of a
    capital I in 2018 too (src/reverse.rs, `known`)."""
    keys = [fold(latin, scheme)]
    if scheme == "latn-2018" and "I" in latin:
        keys.append(keys[0].replace("i", "ı"))
    for key in keys:
        n = len(key)
        for length in range(n - 1, max(MIN_STEM, n - MAX_SUFFIX) - 1, -1):
            if key[:length] in stems:
                return key[:length]
    return None


def prune(scheme, entries, movable, checks):
    """Drops from `movable` (keys of `entries` that may go) the stems that make a word of
    `checks` ((Latin, Cyrillic) pairs with no entry) read wrong, until none does."""
    while True:
        stems = {k: e[0] for k, e in entries.items() if e[1] >= STEM_COUNT and len(k) >= MIN_STEM}
        suspects = [(lat, cyr) for lat, cyr in checks if stem_of(lat, scheme, stems) in movable]
        if not suspects:
            return
        readings = read_back(scheme, [lat for lat, _ in suspects], stems)
        bad = {stem_of(lat, scheme, stems) for (lat, cyr), r in zip(suspects, readings) if r != cyr}
        if not bad:
            return
        for key in bad:
            movable.pop(key)(entries)


def foreign():
    """The Latin words the converter keeps as they are (tables/foreign.tsv)."""
    with open(FOREIGN, encoding="utf-8") as f:
        rows = [l.split("\t")[0].strip().lower() for l in f if l.strip() and not l.startswith("#")]
    return set(rows[1:])


def lexicon(scheme, news, reviews, ends, loans):
    """The entries of one scheme: key -> [Cyrillic, count, source]."""
    entries = {}
    forms, wrong, spelling = group(scheme, news)
    checks = []
    for key, candidates in forms.items():
        best, _ = candidates.most_common(1)[0]
        if best in wrong[key]:
            entries[key] = [best, sum(candidates.values()), "news"]
        else:
            checks.append(spelling[(key, best)][:2][::-1])
    review_forms, review_wrong, review_spelling = group(scheme, reviews)
    kept = foreign()
    added = {}
    for key, candidates in review_forms.items():
        best, n = candidates.most_common(1)[0]
        if key in forms:
            # KazNERD decides this key; the reviews only count the same form again.
            if key in entries and entries[key][0] == best:
                entries[key][1] += n
            continue
        if key in kept:
            continue  # an English word (tables/foreign.tsv), kept as it is
        trusted = (
            n >= REVIEW_MIN
            and n >= REVIEW_SHARE * sum(candidates.values())
            and plausible(best)
            and (any(c in KAZAKH for c in best) or best in loans)
        )
        if trusted and best in review_wrong[key]:
            added[key] = [best, n, "reviews"]
            spelling[(key, best)] = review_spelling[(key, best)]
        elif trusted:
            checks.append(review_spelling[(key, best)][:2][::-1])
    entries.update(added)
    # A review entry seen twice is a stem: it must not change how a word without an entry reads.
    prune(scheme, entries, {k: (lambda e, k=k: e.pop(k)) for k in added}, checks)
    # Stems cut off the entries: the shortest stem whose ending is a known one, which then
    # reads the other forms of the word (корпорациясымен gives корпорация, which reads
    # корпорациясының). Its count is how often the forms built on it occur.
    cut = {}
    for key, (form, n, _) in entries.items():
        word = spelling[(key, form)][0]
        for k in range(MIN_STEM, len(word) - CUT_ENDING + 1):
            if word[k:].lower() in ends:
                cut[key] = (word[:k], n)
                break
    stems = collections.defaultdict(collections.Counter)
    latin = jazu(["--from", "cyrl", "--to", scheme], [w for w, _ in cut.values()])
    for (key, (word, n)), lat in zip(cut.items(), latin):
        stem = fold(lat, scheme)
        if len(stem) >= CUT_STEM and key.startswith(stem) and key != stem:
            stems[stem][word.lower()] += n
    movable = {}
    supported = []
    for stem, candidates in stems.items():
        form, n = candidates.most_common(1)[0]
        if stem in entries:
            if entries[stem][0] != form:
                continue
            old = entries[stem][1]
            entries[stem][1] += n
            if old < STEM_COUNT <= entries[stem][1]:
                movable[stem] = lambda e, stem=stem, old=old: e[stem].__setitem__(1, old)
        elif stem in forms:
            continue  # a word of its own in KazNERD, which the rules read
        else:
            if stem in review_forms:
                # A word of the reviews too: only the same form, which the rules read wrong.
                if review_forms[stem].most_common(1)[0][0] != form or form not in review_wrong[stem]:
                    continue
                n += review_forms[stem][form]
            if n < STEM_COUNT:
                continue  # seen once: no stem (build.rs), and never seen as a word of its own
            entries[stem] = [form, n, "stem"]
            movable[stem] = lambda e, stem=stem: e.pop(stem)
    for key, (form, n, source) in entries.items():
        if source != "stem":
            supported.append(spelling[(key, form)][:2][::-1])
    # The stems must read the forms they come from, and no word without an entry may change.
    prune(scheme, entries, movable, checks + supported)
    return entries


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else REVIEWS
    if not os.path.exists(path):
        sys.exit(f"KazSAnDRA reviews not found at {path}: pass the path of kazsandra.tsv")
    subprocess.run(["cargo", "build", "--release", "--features", "cli", "-q"], cwd=ROOT, check=True)
    news = training_words()
    reviews = review_words(path)
    ends = endings(news)
    loans = inflected(list(news) + list(reviews), ends)
    for scheme in SCHEMES:
        entries = lexicon(scheme, news, reviews, ends, loans)
        path_out = os.path.join(ROOT, "tables", "lexicon", scheme + ".tsv")
        with open(path_out, "w", encoding="utf-8") as f:
            f.write(f"# {scheme} -> Cyrillic: Kazakh word forms whose letter-by-letter reading is wrong.\n")
            f.write(
                "# generated by tables/lexicon/generate.py from KazNERD and KazSAnDRA (CC BY 4.0, see README.md); do not edit\n"
            )
            f.write("latin\tcyrillic\tcount\n")
            for lat in sorted(entries):
                cyr, n, _ = entries[lat]
                f.write(f"{lat}\t{cyr}\t{n}\n")
        source = collections.Counter(e[2] for e in entries.values())
        print(f"{scheme}: {len(entries)} lexicon entries ({source['reviews']} from the reviews, {source['stem']} stems)", file=sys.stderr)


if __name__ == "__main__":
    main()
