#!/usr/bin/env bash
# Side-by-side throughput of the `jazu` CLI, ICU's `uconv -x Kazakh-Latin/BGN`
# and `cat`, on the same Kazakh text, in one run.
#
#   bash benches/compare.sh [SIZE_MB]        (default 64)
#
# The input, target/bench/input.txt, is the `text` column of
# tests/data/corpus/kaznerd-test.tsv repeated until SIZE_MB megabytes
# (1 MB = 1,000,000 bytes), cut at a line end. It is reused when it already
# has the right size. uconv runs at a few MB/s, so it is timed on the first
# 8 MB of the input only (SLICE_MB to change) and its rate scaled to MB/s.
#
# Needs: cargo, awk, GNU time (Debian `time`), uconv (Debian `icu-devtools`);
# hyperfine (Debian `hyperfine`) is used when present. Missing Debian packages
# are installed with apt-get when running as root (or through `sudo -n`).
# Without hyperfine every command runs once to warm up, then 3 times, and the
# median wall time is taken.
#
# Environment: SLICE_MB (default 8), RUNS (default 3), NO_HYPERFINE=1 to use
# the plain timing loop even when hyperfine is installed, THREADS (default
# nproc) for the row of `jazu --threads` (none when it is 1).
#
# Not part of `cargo test` or `cargo bench`; see benches/convert.rs for the
# in-process benchmark.

set -euo pipefail
export LC_ALL=C

size_mb=${1:-64}
slice_mb=${SLICE_MB:-8}
runs=${RUNS:-3}
threads=${THREADS:-$(nproc)}
case $size_mb in '' | *[!0-9]* | 0) echo "usage: $0 [SIZE_MB]  (a positive whole number)" >&2; exit 2 ;; esac
case $slice_mb in '' | *[!0-9]* | 0) echo "SLICE_MB must be a positive whole number" >&2; exit 2 ;; esac
case $runs in '' | *[!0-9]* | 0) echo "RUNS must be a positive whole number" >&2; exit 2 ;; esac
case $threads in '' | *[!0-9]* | 0) echo "THREADS must be a positive whole number" >&2; exit 2 ;; esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
bench_dir=$repo/target/bench
mkdir -p "$bench_dir"
tsv=$repo/tests/data/corpus/kaznerd-test.tsv

note() { printf '%s\n' "$*" >&2; }

# --- system tools -----------------------------------------------------------

apt_updated=0
apt_install() { # PACKAGE: install a Debian package as root, or fail
    local run=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
            run=(sudo -n)
        else
            return 1
        fi
    fi
    command -v apt-get > /dev/null || return 1
    note "installing Debian package $1"
    if ! DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -q "$1" > /dev/null 2>&1; then
        [ "$apt_updated" -eq 1 ] && return 1
        "${run[@]}" apt-get update -q > /dev/null 2>&1 || return 1
        apt_updated=1
        DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -q "$1" > /dev/null 2>&1 || return 1
    fi
}

if ! command -v uconv > /dev/null; then
    apt_install icu-devtools || { note "uconv not found and icu-devtools could not be installed (needs root)"; exit 1; }
fi
if [ ! -x /usr/bin/time ]; then
    apt_install time || { note "/usr/bin/time not found and package time could not be installed (needs root)"; exit 1; }
fi
use_hyperfine=0
if [ "${NO_HYPERFINE:-0}" != 1 ]; then
    if command -v hyperfine > /dev/null || apt_install hyperfine; then
        use_hyperfine=1
    else
        note "hyperfine not available: timing with a plain loop (median of $runs)"
    fi
fi

# --- jazu -------------------------------------------------------------------

note "building jazu (cargo build --release --features cli)"
cargo build --release --features cli --quiet
jazu=${CARGO_TARGET_DIR:-$repo/target}/release/jazu
[ -x "$jazu" ] || { note "no binary at $jazu"; exit 1; }
mapfile -t schemes < <("$jazu" --list | awk '$1 != "" && $1 != "cyrl" { print $1 }')
[ "${#schemes[@]}" -gt 0 ] || { note "jazu --list printed no schemes"; exit 1; }

# --- input ------------------------------------------------------------------

file_size() { wc -c < "$1" | tr -d ' '; }

# make_input FILE BYTES: the corpus sentences repeated up to BYTES, whole lines
# only. A FILE.stamp records the request and the result, so a file of the
# right size is reused.
make_input() {
    local file=$1 bytes=$2 stamp=$1.stamp
    if [ -f "$file" ] && [ -f "$stamp" ] &&
        [ "$(cat "$stamp")" = "$bytes $(file_size "$file")" ]; then
        note "reusing ${file#"$repo"/}"
        return
    fi
    note "writing ${file#"$repo"/} ($bytes bytes at most)"
    awk -F'\t' -v limit="$bytes" '
        NR > 1 { line[n++] = $2 }
        END {
            if (n == 0) exit 1
            total = 0
            for (i = 0; ; i = (i + 1) % n) {
                len = length(line[i]) + 1
                if (total + len > limit) break
                print line[i]
                total += len
            }
        }' "$tsv" > "$file.tmp"
    mv "$file.tmp" "$file"
    printf '%s %s\n' "$bytes" "$(file_size "$file")" > "$stamp"
}

input=$bench_dir/input.txt
slice=$bench_dir/slice-${slice_mb}mb.txt
make_input "$input" $((size_mb * 1000000))
if [ "$slice_mb" -ge "$size_mb" ]; then
    slice=$input
else
    # The first SLICE_MB of the input, whole lines, so uconv reads the same text.
    slice_bytes=$((slice_mb * 1000000))
    if [ -f "$slice" ] && [ -f "$slice.stamp" ] &&
        [ "$(cat "$slice.stamp")" = "$slice_bytes $(file_size "$slice")" ]; then
        note "reusing ${slice#"$repo"/}"
    else
        head -c "$slice_bytes" "$input" | awk -v limit="$slice_bytes" '
            { len = length($0) + 1; if (total + len > limit) exit; print; total += len }' > "$slice.tmp"
        mv "$slice.tmp" "$slice"
        printf '%s %s\n' "$slice_bytes" "$(file_size "$slice")" > "$slice.stamp"
    fi
fi
input_bytes=$(file_size "$input")
slice_bytes=$(file_size "$slice")

# --- sanity check -----------------------------------------------------------

out=$bench_dir/slice.bgn-pcgn.txt
"$jazu" --from cyrl --to bgn-pcgn "$slice" > "$out"
in_lines=$(wc -l < "$slice" | tr -d ' ')
out_lines=$(wc -l < "$out" | tr -d ' ')
if [ ! -s "$out" ] || [ "$in_lines" != "$out_lines" ]; then
    note "sanity check failed: jazu --to bgn-pcgn wrote $(file_size "$out") bytes, $out_lines lines for $in_lines input lines"
    exit 1
fi
uconv_out=$bench_dir/slice.uconv-bgn.txt
uconv -f utf-8 -t utf-8 -x Kazakh-Latin/BGN "$slice" > "$uconv_out"
same_lines=$(paste -d '\n' "$out" "$uconv_out" | awk 'NR % 2 { a = $0; next } a == $0 { n++ } END { print n + 0 }')

# --- timing -----------------------------------------------------------------

now() { date +%s.%N; }

# seconds CMD...: median wall time of RUNS runs after one warm-up, stdout and
# stderr to /dev/null (hyperfine -N does the same).
seconds() {
    if [ "$use_hyperfine" -eq 1 ]; then
        local csv=$bench_dir/hyperfine.csv cmd="" arg
        for arg in "$@"; do cmd+="${cmd:+ }$(printf '%q' "$arg")"; done
        hyperfine -N --warmup 1 --runs "$runs" --style none --export-csv "$csv" -- "$cmd" > /dev/null
        awk -F, 'NR == 2 { print $4 }' "$csv"
        return
    fi
    local i t0 t1 times=()
    "$@" > /dev/null 2>&1
    for ((i = 0; i < runs; i++)); do
        t0=$(now)
        "$@" > /dev/null 2>&1
        t1=$(now)
        times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}

# peak_kb CMD...: peak resident set size in KiB, from GNU time.
peak_kb() {
    local f=$bench_dir/time.txt
    /usr/bin/time -f %M -o "$f" "$@" > /dev/null 2>&1
    tail -n 1 "$f"
}

# Rows: label, input bytes, seconds, peak KiB.
labels=() bytes=() secs=() rss=()
measure() { # LABEL BYTES CMD...
    local label=$1 n=$2
    shift 2
    note "timing: $label"
    labels+=("$label")
    bytes+=("$n")
    secs+=("$(seconds "$@")")
    rss+=("$(peak_kb "$@")")
}

measure 'cat input' "$input_bytes" cat "$input"
for s in "${schemes[@]}"; do
    measure "jazu --from cyrl --to $s input" "$input_bytes" "$jazu" --from cyrl --to "$s" "$input"
done
if [ "$threads" -gt 1 ]; then
    measure "jazu --threads $threads --from cyrl --to latn-2021 input" "$input_bytes" \
        "$jazu" --threads "$threads" --from cyrl --to latn-2021 "$input"
fi
if [ "$slice" != "$input" ]; then
    measure "jazu --from cyrl --to bgn-pcgn slice" "$slice_bytes" "$jazu" --from cyrl --to bgn-pcgn "$slice"
fi
uconv_on=slice
[ "$slice" = "$input" ] && uconv_on=input
measure "uconv -f utf-8 -t utf-8 -x Kazakh-Latin/BGN $uconv_on" "$slice_bytes" \
    uconv -f utf-8 -t utf-8 -x Kazakh-Latin/BGN "$slice"

# --- report -----------------------------------------------------------------

rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.6f", (s > 0) ? b / s / 1e6 : 0 }'; }
cat_rate=$(rate "${bytes[0]}" "${secs[0]}")
uconv_rate=$(rate "${bytes[-1]}" "${secs[-1]}")

echo
echo "## jazu CLI vs uconv vs cat"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(uname -m), nproc $(nproc)"
echo "- jazu: $("$jazu" --version), git $(git -C "$repo" rev-parse --short HEAD 2> /dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD 2> /dev/null || echo ' (modified)')"
echo "- uconv: $(uconv --version 2>&1 | head -n 1)"
echo "- input: ${input#"$repo"/}, $input_bytes bytes, $(wc -l < "$input" | tr -d ' ') lines (KazNERD test sentences repeated)"
if [ "$slice" != "$input" ]; then
    echo "- slice: ${slice#"$repo"/}, $slice_bytes bytes, the first lines of the input; uconv is timed on the slice only and its MB/s scaled from it"
fi
if [ "$use_hyperfine" -eq 1 ]; then
    echo "- timing: $(hyperfine --version), -N --warmup 1 --runs $runs, median wall time; output to /dev/null"
else
    echo "- timing: date +%s.%N around each run, 1 warm-up + $runs runs, median wall time; output to /dev/null"
fi
echo "- MB = 1,000,000 bytes; MB/s = input bytes / median seconds; x cat = cat MB/s / command MB/s (times slower than cat);"
echo "  jazu/uconv = jazu MB/s / uconv MB/s; peak RSS from /usr/bin/time -f %M (KiB, shown in MB)"
echo
echo "| command | input MB | median s | MB/s | x cat | jazu/uconv | peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for i in "${!labels[@]}"; do
    r=$(rate "${bytes[$i]}" "${secs[$i]}")
    vs_uconv=''
    case ${labels[$i]} in *'--to bgn-pcgn'*)
        vs_uconv=$(awk -v a="$r" -v b="$uconv_rate" 'BEGIN { printf "%.1f", (b > 0) ? a / b : 0 }') ;;
    esac
    awk -v l="${labels[$i]}" -v n="${bytes[$i]}" -v s="${secs[$i]}" -v r="$r" -v c="$cat_rate" \
        -v u="$vs_uconv" -v k="${rss[$i]}" 'BEGIN {
            printf "| `%s` | %.1f | %.3f | %.1f | %.1f | %s | %.1f |\n",
                l, n / 1e6, s, r, (r > 0) ? c / r : 0, u, k * 1024 / 1e6
        }'
done
echo
echo "Sanity: jazu --to bgn-pcgn on the $uconv_on wrote $(file_size "$out") bytes, $out_lines lines for $in_lines input lines."
echo "Lines identical to uconv Kazakh-Latin/BGN output on the $uconv_on: $same_lines of $in_lines (informational; the two romanizations differ in details)."
