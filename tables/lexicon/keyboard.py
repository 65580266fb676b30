#!/usr/bin/env python3
"""Builds the Russian-keyboard lexicon of tables/lexicon/: keyboard-words.tsv and
keyboard-suffixes.tsv, used to read back Kazakh typed without Kazakh letters.

Sources (see README.md): the KazNERD news corpus (CC BY 4.0; tests/data/corpus/kaznerd-test.tsv,
every tenth sentence held out as in generate.py) and the KazSAnDRA reviews (CC BY 4.0; not in
the repository: pass its path, default ../shared/data/corpus/kazsandra.tsv).

keyboard-words.tsv: for every word as typed on a Russian keyboard (each Kazakh letter replaced
as in tables/keyboard.tsv), the Kazakh form written most often, when it was seen at least twice.
A typed form that is itself a word of the edited news text counts as that word (five times
each, so a news word is not taken for a typing error); in the reviews, a typed form seen as it
is also counts for itself. `sure` is 1 when the news text writes the typed form at most once
for every RARE_AS_TYPED uses of the Kazakh form (казир never, 79 % қазір; тур 2 times against
тұр 75): such words are repaired in a sentence that shows other words typed that way (a sure
one), and in one typed without Kazakh letters at all; 0 when it is more frequent (кан, 1
against қан 9): only in the latter. The levels above need the typed form never to occur in
the news text. `sure` is 2 when, besides, the Kazakh form
has at least 80 % of the uses: such words are repaired in any Kazakh sentence, and they tell
that the sentence was typed that way. `sure` is 3 when, besides, no other Kazakh form was seen
with that key: only then is a word that has some of its Kazakh letters completed (кұқықтары →
құқықтары, but not есіне → есіңе, which is a word as well).

`others` lists the other readings of the key, most used first: forms that the edited news
writes at least MIN_COUNT times (a spelling, not a typing error of the reviews) with at least
one use in OTHER_SHARE of the key's (кол: қол, and көл; он: он itself, and оң). Where a sentence typed that way keeps
one reading, the others are reported as alternatives.

A stem the sources show only inflected counts as seen too: a prefix of four letters or more
that is no word seen twice, followed in at least two words by case or plural suffixes of two
different groups of tables/suffixes.tsv that fit it (their harmony, its last letter: аумақ from
аумақта and аумақтың), with the uses of those words; only where no word seen twice shares its
key, and not after a vowel and ң (the possessive of the second person: фотоң + ды is фото + ң
+ ды, and фотон typed is mostly фотоны cut short). The sources show 1,505 such stems, which make 1,282 entries more (24,898 without them).

keyboard-suffixes.tsv: for every word of the sources that is a known word (seen twice) plus an
ending of up to eight letters, the ending as typed and as written, by the vowel harmony of the
known word (back or front: tables/classes.tsv, tables/harmony.tsv), after any letter (`*`) and
after the stem's last letter as typed where that decides what any letter leaves open (-тын is
-тың 52 % of the time, but after a consonant 97-100 %, after а 99 % -тын: written one way 90 %
of the time after that letter, under 90 % after any); endings seen at least twice.
`count` is how often the typed ending was seen, `share` the percentage of those uses written
as `kazakh` (-тын is -тың about half the time, -ларынын is -ларының always).
Uses in the news text count five times here too: the reviews are full of the second person
(-сың), which edited text rarely needs.

keyboard-letters.tsv: for words no stem and ending can read, each letter typed with a Russian
keyboard's stand-in (а г к н о у х и) is read from the letters around it as typed: `before`
and `after` are up to three letters on each side (`^` and `$` mark the word's edges), `kazakh`
the letter written most often there, `count` how often the window was seen and `share` the
percentage written as `kazakh`. The word's sources are those above (news uses five times),
and the Russian words of the ru_RU spelling dictionary of A. I. Lebedev (BSD-style; entries
as listed, no affixes; RU_RU_DIC, default /usr/share/hunspell/ru_RU.dic: apt-get install
hunspell-ru) that the sources lack, once each, written as typed: Kazakh text borrows Russian
words, which keep и, к, г where Kazakh words would have і, қ, ғ (скрининг, not скрінінг);
windows of every width from three letters a side down to none are kept when seen at least
three times, and a window is left out where the next narrower one already gives the same
letter with a share no more than five points apart (it would decide the same).

Usage: python3 tables/lexicon/keyboard.py [KAZSANDRA_TSV [RU_RU_DIC]]   (from the repository root)
"""
import collections
import csv
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NEWS = os.path.join(ROOT, "tests", "data", "corpus", "kaznerd-test.tsv")
REVIEWS = os.path.join(ROOT, "..", "shared", "data", "corpus", "kazsandra.tsv")
WORD = re.compile(r"[А-ЯЁӘҒҚҢӨҰҮҺІа-яёәғқңөұүһі]+")
HELD_OUT = 10
MIN_COUNT = 2
SURE_SHARE = 0.8
NEWS_WEIGHT = 5
MAX_ENDING = 8
ANY_LETTER = "*"
DECIDED = 90
WINDOW = 3
RARE_AS_TYPED = 10
RU_RU_DIC = "/usr/share/hunspell/ru_RU.dic"
RUSSIAN_WORD = re.compile(r"[а-яё]+")
WINDOW_MIN = 3
STEM_MIN = 4
STEM_GROUPS = 2
OTHER_SHARE = 50
# A vowel and ң end a word with the possessive of the second person (нәрсең + ге, фотоң + ды),
# whose typed form (нарсен, фотон) is mostly the word's -н form (нәрсен, фотоны): no stem.
POSSESSIVE_END = re.compile(r"[аәеоөұүыіэиуюя]ң$")


def table(name, header):
    rows = []
    with open(os.path.join(ROOT, "tables", name), encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if not l.startswith("#") and l.strip()]
    assert lines[0].split("\t") == header, (name, lines[0])
    for line in lines[1:]:
        fields = line.split("\t")
        rows.append(fields + [""] * (len(header) - len(fields)))
    return rows


FOLD = {k: t for k, t, _ in table("keyboard.tsv", ["kazakh", "typed", "note"])}
STAND_INS = set(FOLD.values())
CLASSES = {n: m for n, m, _ in table("classes.tsv", ["name", "members", "note"])}
BACK, FRONT = set(CLASSES["kk-back-vowel"]), set(CLASSES["kk-front-vowel"])
ENDINGS = [v for kind, v, _, _ in table("harmony.tsv", ["kind", "value", "pair", "note"]) if kind == "ending"]


def typed(word):
    return "".join(FOLD.get(c, c) for c in word)


def has_kazakh(word):
    return any(c in FOLD for c in word)


def harmony(word):
    """'b' or 'f' by the last vowel, looking through the endings of harmony.tsv; '' if none."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            word = word[: -len(ending)]
            break
    for c in reversed(word):
        if c in BACK:
            return "b"
        if c in FRONT:
            return "f"
    return ""


def read_news():
    with open(NEWS, encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    counts = collections.Counter()
    for index, row in enumerate(rows):
        if index % HELD_OUT:
            counts.update(w.lower() for w in WORD.findall(row[1]))
    return counts


def read_reviews(path):
    kazakh, plain = collections.Counter(), collections.Counter()
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            for w in WORD.findall(line.split("\t", 1)[1]):
                w = w.lower()
                (kazakh if has_kazakh(w) else plain)[w] += 1
    return kazakh, plain


def russian_words(path, kazakh):
    """The words of the ru_RU dictionary that `kazakh` lacks, lower case."""
    with open(path, encoding="utf-8") as f:
        next(f)
        entries = {line.strip().split("/")[0].lower() for line in f}
    return sorted(w for w in entries if RUSSIAN_WORD.fullmatch(w) and w not in kazakh)


def letter_windows(words, news, russian):
    """The rows of keyboard-letters.tsv (see the docstring)."""
    windows = collections.defaultdict(collections.Counter)
    weights = [(w, c + news[w] * (NEWS_WEIGHT - 1)) for w, c in words.items()] + [(w, 1) for w in russian]
    for w, weight in weights:
        t = "^" + typed(w) + "$"
        for i in range(1, len(t) - 1):
            if t[i] not in STAND_INS:
                continue
            # Near the edges, wider windows may be the same one: counted once.
            for key in {(t[max(0, i - k) : i], t[i], t[i + 1 : i + 1 + k]) for k in range(WINDOW + 1)}:
                windows[key][w[i - 1]] += weight
    decided = {}
    for key, candidates in windows.items():
        total = sum(candidates.values())
        if total >= WINDOW_MIN:
            letter, n = candidates.most_common(1)[0]
            decided[key] = (letter, total, 100 * n // total)
    rows = []
    for (before, t, after), (letter, total, share) in sorted(decided.items()):
        k = max(len(before), len(after))
        if k:
            # The next narrower window, as the reader backs off to it.
            narrower = decided.get((before[max(0, len(before) - k + 1) :], t, after[: k - 1]))
            if narrower and narrower[0] == letter and abs(narrower[2] - share) <= 5:
                continue
        rows.append((before, t, after, letter, total, share))
    return rows


SUFFIXES = table("suffixes.tsv", ["suffix", "group", "harmony", "after", "note"])


def case_suffix(stem, rest):
    """The group of the case or plural suffix of tables/suffixes.tsv that `rest` starts with and
    that fits `stem` (its harmony and last letter), or None."""
    h = {"b": "back", "f": "front"}.get(harmony(stem), "")
    for suffix, group, harmony_, after, _ in SUFFIXES:
        fits = any(stem[-1] in CLASSES[c] for c in after.split())
        if rest.startswith(suffix) and fits and harmony_ in ("", h):
            return group
    return None


def inferred_stems(words):
    """Stems, with their uses, that the sources show only with endings (see the docstring)."""
    known = {w for w, c in words.items() if c >= MIN_COUNT}
    groups = collections.defaultdict(lambda: collections.defaultdict(int))
    for w, c in words.items():
        for k in range(STEM_MIN, len(w) - 1):
            stem = w[:k]
            if stem not in known:
                group = case_suffix(stem, w[k:])
                if group:
                    groups[stem][group] += c
    return {
        stem: sum(seen.values())
        for stem, seen in groups.items()
        if len(seen) >= STEM_GROUPS and not POSSESSIVE_END.search(stem)
    }


def others(t, candidates, news):
    """The other readings of the typed key `t` besides the one chosen: forms the edited news
    writes at least MIN_COUNT times (a spelling, not a typing error of the reviews), with at
    least one use in OTHER_SHARE of the key's and at least MIN_COUNT uses; the typed form itself
    among them when it is such a word. Most used first."""
    total = sum(candidates.values())
    return [f for f, c in candidates.most_common()[1:] if news[f] >= MIN_COUNT and c >= MIN_COUNT and c * OTHER_SHARE >= total]


def main():
    news = read_news()
    reviews, plain = read_reviews(sys.argv[1] if len(sys.argv) > 1 else REVIEWS)
    words = news + reviews
    forms = collections.defaultdict(collections.Counter)
    for w, c in words.items():
        forms[typed(w)][w] += c
    for w, c in news.items():
        if not has_kazakh(w):
            forms[w][w] += c * (NEWS_WEIGHT - 1)
    for w, c in plain.items():
        if w in forms:
            forms[w][w] += c
    # Only where the sources give no entry of their own.
    entry = {t for t, candidates in forms.items() if max(candidates.values()) >= MIN_COUNT}
    for stem, n in inferred_stems(words).items():
        if typed(stem) not in entry:
            forms[typed(stem)][stem] += n
    entries = []
    for t, candidates in sorted(forms.items()):
        form, n = candidates.most_common(1)[0]
        if n < MIN_COUNT:
            continue
        unseen = form != t and news[t] * RARE_AS_TYPED <= news[form]
        sure = form != t and news[t] == 0 and n / sum(candidates.values()) >= SURE_SHARE
        # A word with some Kazakh letters is completed only from a key that one form owns.
        alone = sum(1 for f in candidates if f != t) == 1
        level = 1 + int(sure and alone) if sure else 0
        entries.append((t, "" if form == t else form, n, int(unseen) + level, ",".join(others(t, candidates, news))))
    endings = collections.defaultdict(collections.Counter)
    for w, c in words.items():
        weight = c + news[w] * (NEWS_WEIGHT - 1)
        for k in range(3, len(w)):
            stem, ending = w[:k], w[k:]
            if len(ending) <= MAX_ENDING and words[stem] >= MIN_COUNT:
                for after in (ANY_LETTER, typed(stem[-1])):
                    endings[(harmony(stem), after, typed(ending))][ending] += weight
    suffixes = []
    for (h, b, t), candidates in sorted(endings.items()):
        total = sum(candidates.values())
        if h and total >= MIN_COUNT:
            ending, n = candidates.most_common(1)[0]
            share = 100 * n // total
            if b != ANY_LETTER:
                # After one letter only where that decides what after any letter leaves open.
                general = endings[(h, ANY_LETTER, t)]
                if share < DECIDED or 100 * general.most_common(1)[0][1] // sum(general.values()) >= DECIDED:
                    continue
            suffixes.append((h, b, t, ending, total, share))
    dic = sys.argv[2] if len(sys.argv) > 2 else RU_RU_DIC
    if not os.path.exists(dic):
        sys.exit(f"not found: {dic} (apt-get install hunspell-ru)")
    letters = letter_windows(words, news, russian_words(dic, words))
    head = "# generated by tables/lexicon/keyboard.py from KazNERD and KazSAnDRA (CC BY 4.0, see README.md); do not edit\n"
    with open(os.path.join(ROOT, "tables", "lexicon", "keyboard-words.tsv"), "w", encoding="utf-8") as f:
        f.write("# Russian-keyboard spelling -> Kazakh word form (empty: the typed form is itself the word).\n")
        f.write(head + "typed\tkazakh\tcount\tsure\tothers\n")
        f.writelines(f"{t}\t{k}\t{n}\t{s}\t{o}\n" for t, k, n, s, o in entries)
    with open(os.path.join(ROOT, "tables", "lexicon", "keyboard-suffixes.tsv"), "w", encoding="utf-8") as f:
        f.write("# Ending typed on a Russian keyboard -> written ending, by the harmony of the stem (b: back, f: front) and its last letter as typed.\n")
        f.write(head + "harmony\tafter\ttyped\tkazakh\tcount\tshare\n")
        f.writelines(f"{h}\t{b}\t{t}\t{k}\t{n}\t{p}\n" for h, b, t, k, n, p in suffixes)
    with open(os.path.join(ROOT, "tables", "lexicon", "keyboard-letters.tsv"), "w", encoding="utf-8") as f:
        f.write("# A letter typed with a Russian keyboard's stand-in -> the letter written, by up to three typed letters on each side (^ and $: the word's edges).\n")
        f.write(head + "before\ttyped\tafter\tkazakh\tcount\tshare\n")
        f.writelines(f"{b}\t{t}\t{a}\t{k}\t{n}\t{p}\n" for b, t, a, k, n, p in letters)
    print(f"{len(letters)} letter windows", file=sys.stderr)
    print(f"{len(entries)} words ({sum(1 for e in entries if e[3])} sure, {sum(1 for e in entries if e[4])} with other readings), {len(suffixes)} endings", file=sys.stderr)


if __name__ == "__main__":
    main()
