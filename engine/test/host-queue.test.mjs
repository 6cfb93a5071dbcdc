// SPDX-License-Identifier: MIT
// Cancelling (closing the connection) while queued, mid-prefill and mid-decode, and FIFO
// order, against a real host with a small model and a small batch (many prefill chunks).
import assert from "node:assert/strict";
import fs from "node:fs";
import {after, before, describe, test} from "node:test";

import {content, makeModel, startHost, tempDir, until} from "../testing/helpers.mjs";

const TIMEOUT = {timeout: 180_000};
const MODEL_ARGS = ["--embd", "128", "--ff", "384", "--blocks", "4", "--heads", "4", "--heads-kv", "2",
                    "--context", "4096"];
const LONG_DECODE = 3000;

function chat(text, fields = {}) {
    return {messages: [{role: "user", content: text}], temperature: 0, ...fields};
}

describe("engine host queue and cancel", TIMEOUT, () => {
    let dir;
    let host;
    before(async () => {
        dir = tempDir();
        host = await startHost(makeModel(dir, "small.gguf", MODEL_ARGS), ["--ctx", "4096", "--batch", "16"]);
    });
    after(async () => {
        const exit = await host?.stop();
        assert.equal(exit?.code, 0);
        fs.rmSync(dir, {recursive: true, force: true});
    });

    const stderrMatch = (re) => until(() => re.exec(host.stderr()));
    const idle = () => until(async () => {
        const h = await host.request("GET", "/health");
        return h.body.status === "ok" && h.body.queue === 0;
    });

    async function expectHealthyAnswer() {
        await idle();
        const r = await host.stream(chat("are you still there?",
                                         {max_tokens: 4, stream_options: {include_usage: true}}));
        assert.equal(r.status, 200);
        assert.ok(r.done);
        assert.ok(r.events.at(-1).usage.completion_tokens >= 1);
    }

    test("closing the connection mid-prefill stops after the current chunk", async (t) => {
        const prompt = "abcd efgh ".repeat(220);
        const r = await host.stream(chat(prompt, {max_tokens: 8, return_progress: true}), {
            onEvent: (e, req) => {
                if (e.prompt_progress && e.prompt_progress.processed > e.prompt_progress.cache)
                    req.destroy();
            },
        });
        assert.ok(!r.done);
        const m = await stderrMatch(/cancelled during prefill after (\d+) of (\d+) prompt tokens/);
        t.diagnostic(m[0]);
        assert.ok(Number(m[1]) < Number(m[2]), m[0]);
        assert.ok(Number(m[2]) > 1500);
        await expectHealthyAnswer();
    });

    test("closing the connection mid-decode aborts the generation", async (t) => {
        const r = await host.stream(chat("write a long story", {max_tokens: LONG_DECODE, ignore_eos: true}), {
            onEvent: (e, req) => {
                if (e.choices?.[0]?.delta?.content)
                    req.destroy();
            },
        });
        assert.ok(!r.done);
        const m = await stderrMatch(/cancelled during decoding after (\d+) of at most (\d+) tokens/);
        t.diagnostic(m[0]);
        assert.equal(Number(m[2]), LONG_DECODE);
        assert.ok(Number(m[1]) < LONG_DECODE, m[0]);
        await expectHealthyAnswer();
    });

    test("queued requests are served one at a time in order; a queued one can be cancelled", async () => {
        await idle();
        const order = [];
        const track = (name, body, onEvent = () => {}) => host.stream(body, {
            onEvent: (e, req) => {
                if (!order.includes(`${name}:first`))
                    order.push(`${name}:first`);
                onEvent(e, req);
            },
        }).then((r) => { order.push(`${name}:done`); return r; });

        let aStarted;
        const started = new Promise((resolve) => { aStarted = resolve; });
        const a = track("A", chat("first in line", {max_tokens: LONG_DECODE, ignore_eos: true}), () => aStarted());
        await started;
        const queued = async (n) => until(async () => (await host.request("GET", "/health")).body.queue === n);
        const b = track("B", chat("second in line", {max_tokens: 20}));
        await queued(1);
        let dropReq;
        const dropped = host.stream(chat("dropped while waiting", {max_tokens: 20}), {
            onRequest: (req) => { dropReq = req; },
            onEvent: () => assert.fail("a cancelled queued request never starts"),
        });
        await queued(2);
        dropReq.destroy();
        await stderrMatch(/cancelled while queued/);
        await queued(1);
        const c = track("C", chat("third in line", {max_tokens: 20}));
        await queued(2);
        const [ra, rb, rc] = await Promise.all([a, b, c]);
        for (const r of [ra, rb, rc])
            assert.ok(r.done);
        assert.deepEqual(order, ["A:first", "A:done", "B:first", "B:done", "C:first", "C:done"]);
        assert.ok((await dropped).cancelled);
        const busy = host.events.events.filter((e) => e.event === "busy").length;
        assert.ok(busy >= 4);
        assert.ok(content(ra.events).length > 0);
    });
});
