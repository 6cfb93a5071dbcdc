// SPDX-License-Identifier: MIT
// Single-thread o200k throughput of the JS references on a tree's .go files: the pure-JS
// gpt-tokenizer (repomix's tokenizer) and the WASM tiktoken. Prints MB/s (1 MB = 10^6 bytes)
// and the total token count of each, which must agree (23,183,145 on Go 1.19's src).
//
//   node scripts/bench/js-tokenizer-speed.mjs [node_modules dir] [tree]
// Defaults: $REPOSCOPE_NPM_MODULES or .deps/npm/node_modules; /usr/share/go-1.19/src.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modulesDir = process.argv[2] || process.env.REPOSCOPE_NPM_MODULES
    || path.join(here, "..", "..", ".deps", "npm", "node_modules");
const tree = process.argv[3] || "/usr/share/go-1.19/src";
const require = createRequire(path.join(path.resolve(modulesDir), "noop.js"));

function walk(dir, out) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p, out);
        else if (e.isFile() && e.name.endsWith(".go")) out.push(p);
    }
    return out;
}

const files = walk(tree, []).sort();
let bytes = 0;
const texts = files.map((f) => {
    const b = fs.readFileSync(f);
    bytes += b.length;
    return new TextDecoder().decode(b);
});
console.log(`${files.length} .go files, ${(bytes / 1e6).toFixed(1)} MB`);

function measure(name, count) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    let tokens = 0;
    for (const t of texts) tokens += count(t);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    console.log(`${name}: ${tokens} tokens in ${s.toFixed(2)} s wall (${(bytes / 1e6 / s).toFixed(2)} MB/s), `
        + `${cpu.toFixed(2)} s CPU (${(bytes / 1e6 / cpu).toFixed(2)} MB/s; GC threads may add CPU)`);
    return tokens;
}

const gpt = require("gpt-tokenizer/encoding/o200k_base");
const noSpecial = { disallowedSpecial: new Set() };
measure("gpt-tokenizer 4.0.0 (pure JS)", (t) => gpt.countTokens(t, noSpecial));

const { get_encoding } = require("tiktoken");
const enc = get_encoding("o200k_base");
measure("tiktoken 1.0.22 (WASM)", (t) => enc.encode_ordinary(t).length);
enc.free();
