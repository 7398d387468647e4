#!/usr/bin/env bash
# Word count gives the right counts, and byte-identical output files, under 1, 2 and 3 ranks.
#   wordcount_identical.sh WORDCOUNT GEN_ZIPF_CORPUS
set -eu
wordcount=$1 gen=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$gen" "$dir/in.txt" 3000000 50000 7
printf 'tail  without\tnewline\r\n\n  \nlast' >> "$dir/in.txt"
# The reference: every maximal run of non-whitespace, counted by awk.
awk '{ for (i = 1; i <= NF; i++) c[$i]++ } END { for (w in c) print w "\t" c[w] }' \
  <(tr '\r\t\v\f' '    ' < "$dir/in.txt") | LC_ALL=C sort > "$dir/expected"
for n in 1 2 3; do
  mpirun -n $n --oversubscribe --bind-to none "$wordcount" "$dir/in.txt" "$dir/out$n" \
    --conf kiln.default.parallelism=4 --conf kiln.files.maxPartitionBytes=256k
  test -f "$dir/out$n/_SUCCESS"
  cat "$dir"/out$n/part-* | LC_ALL=C sort > "$dir/got$n"
  if ! cmp -s "$dir/expected" "$dir/got$n"; then
    echo "FAIL: -n $n counts differ from the reference"; diff "$dir/expected" "$dir/got$n" | head; exit 1
  fi
done
for n in 2 3; do
  if ! diff -r "$dir/out1" "$dir/out$n" >/dev/null; then echo "FAIL: -n $n output files differ from -n 1"; exit 1; fi
done
echo "ok: $(wc -l < "$dir/expected") distinct words; identical part files for 1, 2, 3 ranks"
