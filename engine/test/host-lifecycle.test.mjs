// SPDX-License-Identifier: MIT
// Start-up failures, broken models and shutdown (SIGTERM, stdin closed) of the real host.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {after, before, describe, test} from "node:test";

import {makeModel, requireNodeModules, spawnHost, startHost, tempDir} from "../testing/helpers.mjs";

const TIMEOUT = {timeout: 120_000};
const BROKEN = ["truncated", "no-ff-length", "no-head-count", "wrong-shape", "huge-count"];

test("engine/node_modules is installed (scripts/bootstrap.sh)", () => {
    requireNodeModules();
});

/** The host must die by itself with a message: a fatal event and exit 1, or a crash with stderr. */
async function expectFailure(host) {
    const {code, signal} = await host.exited;
    const fatal = host.events.events.find((e) => e.event === "fatal");
    assert.ok(!host.events.events.some((e) => e.event === "ready"), "never ready");
    if (fatal) {
        assert.equal(code, 1);
        assert.ok(fatal.message.length > 10, fatal.message);
        return fatal.message;
    }
    assert.ok(signal !== null || code !== 0, `died: code ${code}, signal ${signal}`);
    assert.ok(host.stderr().trim().length > 0, "stderr says something");
    return host.stderr();
}

describe("engine host lifecycle", TIMEOUT, () => {
    let dir;
    let model;
    before(() => {
        dir = tempDir();
        model = makeModel(dir, "tiny.gguf");
    });
    after(() => fs.rmSync(dir, {recursive: true, force: true}));

    test("SIGTERM while generating: exit 0", async () => {
        const host = await startHost(model, ["--ctx", "256"]);
        let started;
        const generating = new Promise((resolve) => { started = resolve; });
        const stream = host.stream({messages: [{role: "user", content: "go"}], max_tokens: 200, temperature: 0},
                                   {onEvent: () => started()});
        await generating;
        host.proc.kill("SIGTERM");
        assert.deepEqual(await host.exited, {code: 0, signal: null});
        await stream.catch(() => {});
        assert.match(host.stderr(), /shutting down \(SIGTERM\)/);
    });

    test("SIGINT: exit 0", async () => {
        const host = await startHost(model, ["--ctx", "256"]);
        host.proc.kill("SIGINT");
        assert.deepEqual(await host.exited, {code: 0, signal: null});
    });

    test("stdin closed (the parent went away): exit 0", async () => {
        const host = await startHost(model, ["--ctx", "256"]);
        host.proc.stdin.end();
        assert.deepEqual(await host.exited, {code: 0, signal: null});
        assert.match(host.stderr(), /shutting down \(stdin closed\)/);
    });

    test("a missing model file, a non-GGUF file, bad options and no token are fatal", async () => {
        const missing = await expectFailure(spawnHost(["--model", path.join(dir, "none.gguf"), "--ctx", "0",
                                                       "--threads", "1"]));
        assert.match(missing, /cannot open the model file/);
        const text = path.join(dir, "notes.gguf");
        fs.writeFileSync(text, "hello, not a model");
        assert.match(await expectFailure(spawnHost(["--model", text, "--threads", "1"])), /is not a GGUF file/);
        assert.match(await expectFailure(spawnHost(["--model", model, "--gpu", "tpu"])), /--gpu must be one of/);
        assert.match(await expectFailure(spawnHost(["--model", model, "--ctx", "big"])), /--ctx needs a whole number/);
        assert.match(await expectFailure(spawnHost(["--model", model], {token: "", env: {REPOSCOPE_ENGINE_TOKEN: ""}})),
                     /REPOSCOPE_ENGINE_TOKEN is not set/);
    });

    for (const kind of BROKEN) {
        test(`broken model (${kind}): dies with a message, never hangs`, async (t) => {
            const broken = makeModel(dir, `broken-${kind}.gguf`, ["--broken", kind]);
            const host = spawnHost(["--model", broken, "--ctx", "256", "--threads", "1"]);
            const message = await expectFailure(host);
            t.diagnostic(message.split("\n").filter(Boolean).at(-1).slice(0, 200));
            assert.ok(host.events.events.some((e) => e.event === "listening"));
            // Keys llama.cpp would abort on are caught before it sees the file.
            if (kind === "no-ff-length" || kind === "no-head-count")
                assert.match(host.events.events.find((e) => e.event === "fatal")?.message ?? "", /lacks the metadata/);
        });
    }
});
