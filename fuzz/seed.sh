#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with starting inputs taken from the test data and the bundled
# tables, in the input layout of each target (see src/lib.rs). Safe to run again: existing
# corpus files are kept.
set -euo pipefail
cd "$(dirname "$0")"
root=..
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Pieces of about 1 KB of real text (cut at line ends), and a few hand-made lines.
split -C 1000 -d -a 3 "$root/tests/data/news-2025-11-07.txt" "$work/news-"
head -c 3000 "$root/tests/data/vectors/reference_sentences.tsv" > "$work/vec-ref"
head -c 3000 "$root/tests/data/vectors/mediawiki_derived.tsv" > "$work/vec-mw"
head -c 3000 "$root/tests/data/vectors/other_peers.tsv" > "$work/vec-peers"
printf 'мемлекеттiк Аxios https://t.co/x a@b.kz @handle ЖАҢАӨЗЕН Ёлка съезд\r\n' > "$work/mixed"
printf '<p title="Алма">Қазақстан <code>Шымкент</code><!-- Тараз --> <b>Ақтау</b></p>\n' > "$work/html"
printf 'И\xcc\x86 е\xcc\x88 а\xcc\x81\xcc\x81 \xe2\x80\x80 \xe2\x84\xab \xef\xbb\xbfАлма\x00\xe2\x80\x8f\n' > "$work/marks"
texts=("$work"/*)

for t in convert stream bytes normalize tables; do mkdir -p "corpus/$t"; done
n=0
for f in "${texts[@]}"; do
  n=$((n + 1))
  for sel in 00 09 0c 15 1b; do
    { printf "\x$sel"; cat "$f"; } > "corpus/convert/seed-$n-$sel"
    { printf "\x$sel\x02\x01\x07"; cat "$f"; } > "corpus/bytes/seed-$n-$sel"
  done
  { printf '\x00'; cat "$f"; } > "corpus/stream/seed-$n-whole"
  { printf '\x03\x01\x02\x05'; cat "$f"; } > "corpus/stream/seed-$n-cut"
  { printf '\x15\x01\x03'; cat "$f"; printf '\xff\xd0'; } > "corpus/bytes/seed-$n-bad"
  cp "$f" "corpus/normalize/seed-$n"
done

for table in "$root"/tables/cyrl-*.tsv; do
  name=$(basename "$table" .tsv)
  { printf '\x00'; head -c 4000 "$table"; } > "corpus/tables/seed-$name"
done
printf '\x01Ц\tTs\tcaps\t\nЦ\tTs\t\t\nц\tts\t\t\n' > corpus/tables/seed-rows
printf '\x02ц\tts\nЦ\tTS\tcaps\nЦ\tTs\nе\tye\tafter:wiki-ye-after\nъ\t\n' > corpus/tables/seed-map
printf '\x0aШ\tSh\nш\tsh\tstart end\n<b>Шымкент</b>\n' > corpus/tables/seed-map-html
echo "seeded: $(find corpus -type f | wc -l) files in fuzz/corpus/"
