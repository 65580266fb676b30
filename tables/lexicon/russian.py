#!/usr/bin/env python3
"""Builds tables/lexicon/russian-loans.tsv: Russian words that Kazakh text borrows, for reading
back the loanwords the Kazakh corpora never show (гостиница, фронталь-ды, туберкулёз-бен).

Source: the Russian spelling dictionary of Alexander I. Lebedev (ru_RU.dic of LibreOffice, as in
the Debian package hunspell-ru 1:7.5.0-1; BSD-style licence, reproduced in README.md). Only the
dictionary's own entries are read (no affix expansion): nouns in the nominative, adjectives,
names. Adjectives also give the stem Kazakh builds on (фронтальный -> фронталь, as in
фронтальды; -ный, -ной, -ний cut off, four letters or more left).

Left out: verbs and the forms a Kazakh text does not borrow (endings in VERB_LIKE); words the
letter rules read right anyway (nothing to add). For each Latin writing system (SCHEMES) a word
is kept when:
  * the rules of tables/<scheme>-cyrl.tsv read its Latin spelling wrong (jazu --no-lexicon);
  * its Latin key has at least MIN_KEY letters (shorter Russian words clash with Kazakh ones:
    пален, палец);
  * the key is not an entry of the corpus lexicon (tables/lexicon/<scheme>.tsv decides those)
    and no other Russian word has the same key;
  * it agrees with every known Kazakh word (the KazNERD words and the review words with a
    Kazakh letter, as generate.py reads them): a known word whose Latin spelling starts with the
    key must start with the Russian word in Cyrillic too (съезд is no stem of сезіну).
A column per system holds the word's key there (its Latin spelling folded to lower case, as the
converter folds words), or nothing when the word is not kept for it.

Usage: python3 tables/lexicon/russian.py [RU_RU_DIC [KAZSANDRA_TSV]]
       (from the repository root, after generate.py; RU_RU_DIC defaults to
       /usr/share/hunspell/ru_RU.dic: apt-get install hunspell-ru)
"""
import bisect
import os
import re
import sys

import generate

ROOT = generate.ROOT
DIC = "/usr/share/hunspell/ru_RU.dic"
SCHEMES = ["latn-2021", "latn-2018", "latn-2017"]
MIN_KEY = 6
ENTRY = re.compile(r"[а-яё]+(-[а-яё]+)?")
ADJECTIVE = re.compile(r"(.{4,}?)(ный|ной|ний)")
VERB_LIKE = re.compile(
    r"(ть|ться|тись|ти|чь|чься|щий|щийся|вший|вшийся|емый|имый|нный|ся|сь"
    r"|ем|ет|ёт|шь|ит|те|им|ат|ят|ут|ют|ал|ла|ло|ли|ил|ел)$"
)


def russian_words(path):
    words = set()
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            word = line.strip().split("/")[0].lower()
            if not ENTRY.fullmatch(word) or VERB_LIKE.search(word):
                continue
            words.add(word)
            adjective = ADJECTIVE.fullmatch(word)
            if adjective:
                words.add(adjective.group(1))
    return sorted(words)


def lexicon_keys(scheme):
    with open(os.path.join(ROOT, "tables", "lexicon", scheme + ".tsv"), encoding="utf-8") as f:
        return {line.split("\t")[0] for line in f if not line.startswith("#")}


def main():
    dic = sys.argv[1] if len(sys.argv) > 1 else DIC
    reviews_path = sys.argv[2] if len(sys.argv) > 2 else generate.REVIEWS
    for path in (dic, reviews_path):
        if not os.path.exists(path):
            sys.exit(f"not found: {path}")
    words = russian_words(dic)
    news = {w.lower() for w in generate.training_words()}
    reviews = {w.lower() for w in generate.review_words(reviews_path)}
    known = sorted(news | {w for w in reviews if generate.KAZAKH & set(w)})
    kept = {w: {} for w in words}
    for scheme in SCHEMES:
        latin = generate.jazu(["--from", "cyrl", "--to", scheme], words)
        back = generate.jazu(["--from", scheme, "--to", "cyrl", "--no-lexicon"], latin)
        corpus = lexicon_keys(scheme)
        keys = {}
        for word, lat, cyr in zip(words, latin, back):
            key = generate.fold(lat, scheme)
            if cyr != word and len(key) >= MIN_KEY and key not in corpus:
                keys.setdefault(key, []).append(word)
        # Known Kazakh words by Latin spelling, for the prefix check.
        spelled = sorted(zip((generate.fold(l, scheme) for l in generate.jazu(["--from", "cyrl", "--to", scheme], known)), known))
        latin_known = [k for k, _ in spelled]
        for key, owners in keys.items():
            if len(owners) > 1:
                continue
            word = owners[0]
            i = bisect.bisect_left(latin_known, key)
            agrees = True
            while i < len(latin_known) and latin_known[i].startswith(key):
                if not spelled[i][1].startswith(word):
                    agrees = False
                    break
                i += 1
            if agrees:
                kept[word][scheme] = key
    rows = [(w, k) for w, k in kept.items() if k]
    with open(os.path.join(ROOT, "tables", "lexicon", "russian-loans.tsv"), "w", encoding="utf-8") as f:
        f.write("# Russian words read back from Latin where the Kazakh lexicons lack them (loanwords), with\n")
        f.write("# their lexicon key in each Latin writing system that reads them (empty: not read there).\n")
        f.write("# generated by tables/lexicon/russian.py from the ru_RU dictionary of A. I. Lebedev (BSD-style, see README.md); do not edit\n")
        f.write("cyrillic\t" + "\t".join(SCHEMES) + "\n")
        f.writelines(f"{w}\t" + "\t".join(k.get(s, "") for s in SCHEMES) + "\n" for w, k in rows)
    print(f"{len(rows)} Russian words of {len(words)}", file=sys.stderr)


if __name__ == "__main__":
    main()
