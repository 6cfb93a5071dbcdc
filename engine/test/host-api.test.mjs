// SPDX-License-Identifier: MIT
// The host's HTTP API against a real host process and a generated tiny model.
import assert from "node:assert/strict";
import fs from "node:fs";
import {after, before, describe, test} from "node:test";

import {content, makeModel, request, startHost, tempDir} from "../testing/helpers.mjs";

const TIMEOUT = {timeout: 120_000};
const user = (text) => ({messages: [{role: "user", content: text}], temperature: 0});

describe("engine host API", TIMEOUT, () => {
    let dir;
    let host;
    before(async () => {
        dir = tempDir();
        const model = makeModel(dir, "tiny.gguf", ["--context", "2048"]);
        host = await startHost(model, ["--ctx", "1024", "--batch", "32"]);
    });
    after(async () => {
        const exit = await host?.stop();
        assert.equal(exit?.code, 0);
        fs.rmSync(dir, {recursive: true, force: true});
    });

    test("events: listening, loading, then ready with the model's facts", () => {
        const names = host.events.events.map((e) => e.event);
        assert.equal(names[0], "listening");
        assert.ok(Number.isInteger(host.port) && host.port > 0);
        const loading = host.events.events.filter((e) => e.event === "loading");
        assert.ok(loading.length >= 1);
        assert.ok(loading.every((e) => e.progress >= 0 && e.progress <= 1));
        assert.ok(names.indexOf("ready") > names.lastIndexOf("loading"));
        assert.deepEqual({...host.ready, loadMs: 0}, {
            event: "ready", model: "tiny.gguf", contextSize: 1024, trainedContext: 2048, vocabSize: 283,
            threads: 1, gpu: "cpu", loadMs: 0});
        assert.ok(host.ready.loadMs >= 0);
        assert.deepEqual(host.badLines, [], "stdout carries only JSON lines");
    });

    test("401 without a token and with a wrong one, OpenAI-shaped", async () => {
        for (const token of [undefined, "wrong", `${host.token}x`]) {
            const r = await request(host.port, "GET", "/health", undefined, {token});
            assert.equal(r.status, 401);
            assert.equal(r.body.error.type, "authentication_error");
            assert.equal(typeof r.body.error.message, "string");
        }
    });

    test("/health, /v1/models, /props", async () => {
        assert.deepEqual((await host.request("GET", "/health")).body, {status: "ok", queue: 0});
        const models = await host.request("GET", "/v1/models");
        assert.equal(models.status, 200);
        assert.equal(models.body.object, "list");
        const [m] = models.body.data;
        assert.equal(m.id, "tiny.gguf");
        assert.equal(m.owned_by, "reposcope-local");
        assert.equal(m.meta.n_ctx, 1024);
        assert.equal(m.meta.n_ctx_train, 2048);
        assert.equal(m.meta.n_vocab, 283);
        assert.ok(m.meta.n_params > 0 && m.meta.size > 0);
        const props = await host.request("GET", "/props");
        assert.equal(props.body.n_ctx, 1024);
        assert.equal(props.body.default_generation_settings.n_ctx, 1024);
        assert.match(props.body.model_path, /tiny\.gguf$/);
    });

    test("/tokenize in both shapes; special-token text stays plain text", async () => {
        const a = await host.request("POST", "/tokenize", {content: "hi <|im_end|>", add_special: false});
        assert.equal(a.status, 200);
        // 256 byte tokens + 24 merges + <|endoftext|> 280, <|im_start|> 281, <|im_end|> 282.
        assert.ok(a.body.tokens.length > 3);
        assert.ok(a.body.tokens.every((t) => t < 280), `no special ids in ${a.body.tokens}`);
        const b = await host.request("POST", "/tokenize", {prompt: "hi <|im_end|>"});
        assert.deepEqual(b.body, {tokens: a.body.tokens, count: a.body.tokens.length, max_model_len: 1024});
        const bad = await host.request("POST", "/tokenize", {text: 1});
        assert.equal(bad.status, 400);
    });

    test("streaming with return_progress: progress in order, then content, finish, usage", async () => {
        const long = "the quick brown fox jumps over the lazy dog ".repeat(12);
        const r = await host.stream({...user(long), max_tokens: 8, return_progress: true,
                                     stream_options: {include_usage: true}});
        assert.equal(r.status, 200);
        assert.ok(r.done, "ends with [DONE]");
        const progress = r.events.filter((e) => e.prompt_progress).map((e) => e.prompt_progress);
        assert.ok(progress.length >= 3, `several chunks of 32: ${progress.length}`);
        const total = progress[0].total;
        assert.ok(total > 64);
        assert.equal(progress[0].processed, progress[0].cache);
        for (let i = 1; i < progress.length; ++i) {
            assert.ok(progress[i].processed >= progress[i - 1].processed);
            assert.equal(progress[i].total, total);
        }
        assert.equal(progress.at(-1).processed, total);
        const firstContent = r.events.findIndex((e) => e.choices?.length);
        assert.ok(firstContent > r.events.findLastIndex((e) => e.prompt_progress), "progress before content");
        assert.equal(r.events[firstContent].choices[0].delta.role, "assistant");
        const finish = r.events.find((e) => e.choices?.[0]?.finish_reason);
        assert.ok(["stop", "length"].includes(finish.choices[0].finish_reason));
        assert.equal(finish.timings.prompt_n + finish.timings.cache_n, total);
        const last = r.events.at(-1);
        assert.deepEqual(last.choices, []);
        assert.equal(last.usage.prompt_tokens, total);
        assert.ok(last.usage.completion_tokens >= 1 && last.usage.completion_tokens <= 8);
        assert.equal(last.usage.total_tokens, total + last.usage.completion_tokens);
        assert.equal(typeof last.usage.prompt_tokens_details.cached_tokens, "number");
        assert.deepEqual(last.timings, finish.timings, "timings on the last chunk too");
        assert.ok(r.events.every((e) => e.object === "chat.completion.chunk" && e.id === r.events[0].id));
        if (finish.choices[0].finish_reason === "length")
            assert.equal(last.usage.completion_tokens, 8);
    });

    test("timings_per_token: every content chunk counts the tokens so far, as the usage does", async () => {
        const r = await host.stream({...user("Tell me a story."), max_tokens: 24, temperature: 0,
                                     timings_per_token: true, stream_options: {include_usage: true}});
        assert.equal(r.status, 200);
        const content = r.events.filter((e) => e.choices?.[0]?.delta?.content);
        assert.ok(content.length >= 1, "some content");
        let previous = 0;
        for (const e of content) {
            assert.equal(typeof e.timings?.predicted_n, "number", JSON.stringify(e));
            assert.ok(e.timings.predicted_n > previous, "a chunk holds at least one new token");
            previous = e.timings.predicted_n;
        }
        const usage = r.events.at(-1).usage;
        // A token whose text is empty (held back, or a special token) is counted by the next chunk
        // or by the finish chunk, whose timings the client reads last.
        assert.ok(previous <= usage.completion_tokens);
        const finish = r.events.find((e) => e.choices?.[0]?.finish_reason);
        assert.equal(finish.timings.predicted_n, usage.completion_tokens);

        const plain = await host.stream({...user("Tell me a story."), max_tokens: 4});
        assert.ok(plain.events.filter((e) => e.choices?.[0]?.delta?.content).every((e) => !e.timings),
                  "no timings on content chunks unless asked");
    });

    test("non-streaming answer with usage; same answer as streaming at temperature 0", async () => {
        const body = {...user("Hello there"), max_tokens: 6};
        const plain = await host.request("POST", "/v1/chat/completions", body);
        assert.equal(plain.status, 200);
        assert.equal(plain.body.object, "chat.completion");
        assert.equal(plain.body.choices[0].message.role, "assistant");
        const streamed = await host.stream(body);
        assert.equal(content(streamed.events), plain.body.choices[0].message.content);
        assert.equal(plain.body.usage.total_tokens,
                     plain.body.usage.prompt_tokens + plain.body.usage.completion_tokens);
    });

    test("finish_reason: \"length\" only at max_tokens, \"stop\" when the model ends its turn", async () => {
        // A random model samples an end-of-generation token now and then: across these seeds
        // some answers end early. Those must say "stop", never "length" (which the app shows as
        // "cut off at the output limit"); ignore_eos decodes past it to max_tokens.
        const reasons = new Set();
        for (let seed = 1; seed <= 12; ++seed) {
            const body = {messages: [{role: "user", content: "Tell me a story"}], temperature: 1.5, seed,
                          max_tokens: 120};
            const r = await host.request("POST", "/v1/chat/completions", body);
            assert.equal(r.status, 200);
            const {finish_reason: reason} = r.body.choices[0];
            const {completion_tokens: tokens} = r.body.usage;
            reasons.add(reason);
            if (reason === "length")
                assert.equal(tokens, 120, `seed ${seed}: "length" after ${tokens} of 120 tokens`);
            else
                assert.equal(reason, "stop");
        }
        assert.ok(reasons.has("stop"), "no answer ended early across 12 seeds: the test proves nothing");
        const forced = await host.request("POST", "/v1/chat/completions", {
            messages: [{role: "user", content: "Tell me a story"}], temperature: 1.5, seed: 1, max_tokens: 120,
            ignore_eos: true});
        assert.equal(forced.body.choices[0].finish_reason, "length");
        assert.equal(forced.body.usage.completion_tokens, 120);
    });

    test("a second turn sharing the prefix reuses the KV cache", async () => {
        const first = {messages: [{role: "system", content: "You audit code. ".repeat(10)},
                                  {role: "user", content: "first question"}], temperature: 0, max_tokens: 4};
        const one = await host.request("POST", "/v1/chat/completions", first);
        const second = {...first, messages: [...first.messages,
            {role: "assistant", content: one.body.choices[0].message.content},
            {role: "user", content: "second question"}]};
        const r = await host.stream({...second, return_progress: true, stream_options: {include_usage: true}});
        const progress = r.events.filter((e) => e.prompt_progress).map((e) => e.prompt_progress);
        assert.ok(progress[0].cache > 50, `cache ${progress[0].cache}`);
        assert.equal(progress[0].processed, progress[0].cache);
        assert.equal(r.events.at(-1).usage.prompt_tokens_details.cached_tokens, progress[0].cache);
        assert.ok(progress[0].cache < progress[0].total);
    });

    test("special-token text in a message is plain text in the templated prompt", async () => {
        const usageOf = async (text) => (await host.request("POST", "/v1/chat/completions",
                                                            {...user(text), max_tokens: 1})).body.usage.prompt_tokens;
        const plain = (await host.request("POST", "/tokenize", {content: "<|im_end|>"})).body.tokens.length;
        assert.ok(plain > 1);
        assert.equal(await usageOf("a<|im_end|>"), (await usageOf("a")) + plain);
    });

    test("context overflow: 400 with the contract's body, nothing evaluated", async () => {
        const eventsBefore = host.events.events.length;
        const r = await host.request("POST", "/v1/chat/completions",
                                     {...user("x".repeat(1100)), stream: true, max_tokens: 16});
        assert.equal(r.status, 400);
        assert.equal(r.body.error.type, "exceed_context_size_error");
        assert.equal(r.body.error.code, "context_length_exceeded");
        assert.equal(r.body.error.n_ctx, 1024);
        assert.ok(r.body.error.n_prompt_tokens > 1024);
        assert.match(r.body.error.message,
                     new RegExp(`the request \\(${r.body.error.n_prompt_tokens} tokens\\) exceeds ` +
                                "the available context size \\(1024 tokens\\)"));
        // The answer's reserve counts: a prompt that fits alone but not with max_tokens is refused too.
        const tight = await host.request("POST", "/v1/chat/completions", {...user("y".repeat(900)), max_tokens: 200});
        assert.equal(tight.status, 400);
        assert.deepEqual(host.events.events.slice(eventsBefore), [], "no busy event: nothing was queued");
    });

    test("bad requests: image part, bad JSON, bad role, unknown route", async () => {
        const image = await host.request("POST", "/v1/chat/completions", {messages: [{role: "user", content: [
            {type: "text", text: "what is this"},
            {type: "image_url", image_url: {url: "data:image/png;base64,AA"}}]}]});
        assert.equal(image.status, 400);
        assert.match(image.body.error.message, /this local model does not read images/);
        const json = await host.request("POST", "/v1/chat/completions", undefined, {raw: "{not json"});
        assert.equal(json.status, 400);
        assert.equal(json.body.error.type, "invalid_request_error");
        const role = await host.request("POST", "/v1/chat/completions", {messages: [{role: "robot", content: "x"}]});
        assert.equal(role.status, 400);
        const none = await host.request("GET", "/v1/nothing");
        assert.equal(none.status, 404);
        assert.equal(typeof none.body.error.message, "string");
        assert.deepEqual((await host.request("GET", "/health")).body, {status: "ok", queue: 0});
    });
});
