// SPDX-License-Identifier: MIT
// Reference token ids from the real tiktoken (WASM, npm tiktoken@1.0.22) for the BPE
// conformance tests.
//
//   node tiktoken_ids.mjs <node_modules dir> <encoding: o200k_base|cl100k_base>
//
// stdin: UTF-8 texts separated by NUL bytes. Each text is decoded as a JS string first
// (invalid bytes become U+FFFD, as RepoScope's text decoder does), then encoded with
// encode_ordinary (special tokens are never matched in text).
// stdout: one line per text, the ids as a JSON array.
import { createRequire } from "node:module";
import path from "node:path";

const [modulesDir, encodingName] = process.argv.slice(2);
if (!modulesDir || !encodingName) {
    console.error("usage: node tiktoken_ids.mjs <node_modules dir> <encoding>");
    process.exit(2);
}
const require = createRequire(path.join(path.resolve(modulesDir), "noop.js"));
const { get_encoding } = require("tiktoken");
const encoding = get_encoding(encodingName);

const chunks = [];
for await (const chunk of process.stdin)
    chunks.push(chunk);
const input = Buffer.concat(chunks);
const decoder = new TextDecoder("utf-8", { fatal: false });
const out = [];
let start = 0;
for (let i = 0; i <= input.length; ++i) {
    if (i === input.length || input[i] === 0) {
        if (i === input.length && start === i && out.length > 0 && input.length > 0 && input[i - 1] === 0)
            break; // trailing separator
        const text = decoder.decode(input.subarray(start, i));
        out.push("[" + Array.from(encoding.encode_ordinary(text)).join(",") + "]");
        start = i + 1;
    }
}
encoding.free();
process.stdout.write(out.join("\n") + "\n");
