// SPDX-License-Identifier: MIT
// The host's pure parts: UTF-8 safe streaming, the context check, the FIFO queue, options.
import assert from "node:assert/strict";
import {test} from "node:test";

import {parseArgs} from "../src/args.mjs";
import {checkContext, parseMessages} from "../src/messages.mjs";
import {JobQueue} from "../src/queue.mjs";
import {TextStream} from "../src/textstream.mjs";

// A fake detokenizer over byte tokens: like llama.cpp, invalid/incomplete UTF-8 becomes U+FFFD.
const bytesToText = (tokens) => new TextDecoder("utf-8").decode(Uint8Array.from(tokens));

test("TextStream never splits a multi-byte character, whatever the token boundaries", () => {
    const text = "a é ü € 𝄞 z";
    const bytes = [...Buffer.from(text, "utf8")];
    const stream = new TextStream((tokens) => bytesToText(tokens));
    const pieces = bytes.map((b) => stream.push(b)).concat(stream.flush()).filter(Boolean);
    assert.equal(pieces.join(""), text);
    for (const piece of pieces)
        assert.ok(!piece.includes("\uFFFD"), JSON.stringify(pieces));
});

test("TextStream lets a genuinely invalid byte through instead of holding it forever", () => {
    const stream = new TextStream((tokens) => bytesToText(tokens));
    const out = [0xff, 0x61, 0x62, 0x63, 0x64].map((b) => stream.push(b)).join("") + stream.flush();
    assert.equal(out, "\uFFFDabcd");
});

test("checkContext: the prompt plus the answer's reserve must fit", () => {
    assert.equal(checkContext(100, 50, 1024), 50);
    assert.equal(checkContext(100, undefined, 1024), 924);
    assert.equal(checkContext(700, undefined, 1024), 324); // reserve min(512, 256)
    assert.throws(() => checkContext(800, undefined, 1024), (e) => e.status === 400 &&
        e.type === "exceed_context_size_error" && e.extra.n_prompt_tokens === 800 && e.extra.n_ctx === 1024);
    assert.throws(() => checkContext(1020, 10, 1024));
    assert.throws(() => checkContext(1024, 0, 1024));
});

test("parseMessages: roles, text parts, images refused", () => {
    assert.deepEqual(parseMessages({messages: [{role: "developer", content: [{type: "text", text: "a"},
                                                                            {type: "text", text: "b"}]}]}),
                     [{role: "system", text: "ab"}]);
    assert.throws(() => parseMessages({messages: []}));
    assert.throws(() => parseMessages({messages: [{role: "user", content: [{type: "input_image"}]}]}),
                  /does not read images/);
});

test("JobQueue: FIFO, one at a time, cancel while waiting and while running", async () => {
    const log = [];
    const queue = new JobQueue({onBusy: () => log.push("busy"), onIdle: () => log.push("idle")});
    let release;
    const first = queue.push(async () => { log.push("1"); await new Promise((r) => { release = r; }); return 1; });
    const second = queue.push(async () => { log.push("2"); return 2; });
    const third = queue.push(async () => { log.push("3"); return 3; });
    assert.equal(queue.waitingCount, 2);
    second.cancel();
    await assert.rejects(second.done, (e) => e.code === "cancelled");
    await new Promise((r) => setImmediate(r));
    release();
    assert.equal(await first.done, 1);
    assert.equal(await third.done, 3);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ["busy", "1", "busy", "3", "idle"]);
    const running = queue.push((signal) => new Promise((resolve) => {
        signal.addEventListener("abort", () => resolve("aborted"));
    }));
    await new Promise((r) => setImmediate(r));
    running.cancel();
    assert.equal(await running.done, "aborted");
    queue.close();
    await assert.rejects(queue.push(async () => 0).done, (e) => e.code === "shutting_down");
});

test("parseArgs: defaults, threads 0 = the machine, errors name the option", () => {
    const a = parseArgs(["--model", "m.gguf", "--ctx", "0", "--threads", "0"]);
    assert.equal(a.gpu, "cpu");
    assert.ok(a.threads >= 1);
    assert.equal(parseArgs(["--model", "m", "--threads", "3", "--batch", "64", "--gpu", "vulkan"]).threads, 3);
    assert.throws(() => parseArgs(["--ctx", "1"]), /--model/);
    assert.throws(() => parseArgs(["--model", "m", "--threads", "-1"]), /--threads/);
    assert.throws(() => parseArgs(["--model", "m", "--port", "1"]), /unknown option/);
});
