#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Differential check of kconnect's .properties reader against the JDK's
# java.util.Properties.load on random texts made of the characters that
# matter (separators, escapes, continuations, comments, line endings).
#
#   tests/fuzz/props_java/run.sh [build-dir] [cases]
#
# Needs javac/java and a built kconnect_core in build-dir (default build).
# Exits non-zero on the first difference, printing the input.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cases=${2:-5000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

javac -d "$work" "$here/PropsDump.java"
cc -O1 -D_GNU_SOURCE -I"$root/include" -I"$root/src" "$here/props_dump.c" \
   "$build/libkconnect_core.a" $(pkg-config --libs rdkafka jansson \
   libmicrohttpd sqlite3 libpq) -lpthread -ldl -lm -o "$work/props_dump"

python3 - "$work/cases" "$cases" <<'PY'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
random.seed(int(os.environ.get("KC_SEED", "12345")))
alpha = [' ', '\t', '\f', '\\', '\\', '\\', '=', ':', '#', '!', '\n', '\r',
         '\r\n', 'a', 'b', 'u', '0', '1', 'D', '8', 'E', 'n', 't',
         '\u00e9', '\\u00e9', '\\u00', '\\uD83D\\uDE00', 'k', '\\\n',
         '\\\r\n', '  ']
os.makedirs(out)
for i in range(n):
    s = ''.join(random.choice(alpha) for _ in range(random.randint(0, 60)))
    with open(os.path.join(out, 'c%d' % i), 'w', encoding='utf-8',
              newline='') as f:
        f.write(s)
PY
ls "$work/cases" | sed "s#^#$work/cases/#" > "$work/list"
xargs java -cp "$work" PropsDump < "$work/list"
xargs "$work/props_dump" < "$work/list"

compared=0
skipped=0
while read -r f; do
    if grep -q SKIP "$f.c"; then
        skipped=$((skipped + 1))
        continue
    fi
    if ! cmp -s "$f.c" "$f.java"; then
        echo "difference on input:"; od -c "$f"
        echo "kconnect:"; cat "$f.c"; echo "java:"; cat "$f.java"
        exit 1
    fi
    compared=$((compared + 1))
done < "$work/list"
echo "props_java: $compared texts read the same as the JDK ($skipped skipped on purpose)"
