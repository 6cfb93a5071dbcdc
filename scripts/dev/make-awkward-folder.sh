#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Creates the "awkward folder" of issue 16 as a git repository in the folder given (default
# /tmp/awkward): a 50 MB one-line bundle, a 4 MB minified bundle, a 47 MB ELF-like binary,
# UTF-16 LE and BE files with BOMs, a Latin-1 file, CRLF, an empty file and ordinary code.
# Everything is generated here (nothing is fetched). Open, count, view and pack it:
#   build/app/reposcope /tmp/awkward
#   build/app/reposcope-cli count /tmp/awkward --size-cap 60000000 --json
set -euo pipefail
dest="${1:-/tmp/awkward}"
rm -rf "$dest"
mkdir -p "$dest/src" "$dest/dist" "$dest/bin" "$dest/i18n"
cd "$dest"
python3 - <<'PY'
import random, struct

random.seed(16)
words = ["render", "value", "state", "props", "node", "index", "list", "item", "key", "count",
         "handler", "event", "target", "result", "error", "options", "config", "data", "view"]

def minified(size):
    parts, total = [], 0
    while total < size:
        a, b, c = random.choice(words), random.choice(words), random.randrange(1000)
        s = ('function %s%d(%s,%s){var e=%s.%s||{};if(e.%s>%d){return %s(e,%d)}' \
             'for(var t=0;t<%s.length;t++){e[t]=%s[t]*%d}return e};') % (
             a, c, a[0], b[0], a[0], b, a, c, b, c, b[0], b[0], c % 7 + 1)
        parts.append(s)
        total += len(s)
    return "".join(parts)[:size]

with open("dist/bundle.min.js", "w") as f:   # 4 MB, lines of ~500 KB
    text = minified(4 * 1000 * 1000)
    f.write("\n".join(text[i:i + 500000] for i in range(0, len(text), 500000)) + "\n")
with open("dist/app.bundle.js", "w") as f:    # 50 MB on one line, no final newline
    f.write(minified(50 * 1000 * 1000))
with open("bin/server", "wb") as f:          # 47 MB, an ELF header then mixed bytes and NULs
    f.write(b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack("<HHI", 2, 62, 1))
    rnd = random.Random(47)
    block = bytes(rnd.randrange(256) for _ in range(1 << 16))
    for i in range(47 * 16):
        f.write(block if i % 3 else b"\0" * (1 << 16))
text = "// Übersetzung: Grüße, 日本語, emoji 🚀\nexport const hello = \"Hallo Welt\";\n" * 200
with open("i18n/de.utf16le.ts", "wb") as f:
    f.write(b"\xff\xfe" + text.encode("utf-16-le"))
with open("i18n/ja.utf16be.ts", "wb") as f:
    f.write(b"\xfe\xff" + text.encode("utf-16-be"))
with open("i18n/legacy-latin1.txt", "wb") as f:
    f.write("caf\u00e9 cr\u00e8me br\u00fbl\u00e9e\n".encode("latin-1") * 50)
with open("src/windows.c", "wb") as f:
    f.write(b"int main(void)\r\n{\r\n    return 0;\r\n}\r\n")
open("src/empty.txt", "w").close()
with open("src/server.py", "w") as f:
    for i in range(300):
        f.write("def handler_%d(request):\n    return request.args.get('q%d', '')\n\n" % (i, i))
PY
git init -q -b main
git -c user.email=dev@example.invalid -c user.name=dev add -A
git -c user.email=dev@example.invalid -c user.name=dev commit -qm "awkward folder"
du -sh "$dest"/* | sed "s|$dest/||"
