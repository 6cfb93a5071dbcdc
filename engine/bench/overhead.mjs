#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Overhead of the engine host against node-llama-cpp driven directly, on the same model,
// prompt and settings: time to first token and decode tokens/s (medians of several runs),
// and the time from starting the host to its "ready" event.
//
//   node bench/overhead.mjs --model BENCH.gguf [--tiny TINY.gguf] [--ctx 4096] [--threads 1]
//                           [--batch 512] [--prompt-tokens 1500] [--max-tokens 128] [--runs 5]
import {randomBytes} from "node:crypto";
import {getLlama, JinjaTemplateChatWrapper, LlamaLogLevel} from "node-llama-cpp";

import {spawnHost, streamChat} from "../testing/helpers.mjs";

function options(argv) {
    const o = {model: "", tiny: "", ctx: 4096, threads: 1, batch: 512, promptTokens: 1500, maxTokens: 128, runs: 5};
    for (let i = 0; i < argv.length; i += 2) {
        const key = argv[i].replace(/^--/, "").replace(/-(\w)/g, (_, c) => c.toUpperCase());
        if (!(key in o))
            throw new Error(`unknown option ${argv[i]}`);
        o[key] = typeof o[key] === "number" ? Number(argv[i + 1]) : argv[i + 1];
    }
    if (!o.model)
        throw new Error("--model BENCH.gguf is required");
    return o;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const WORDS = ["the", "function", "returns", "an", "error", "when", "input", "is", "not", "valid", "and", "string",
               "at", "re", "or", "in", "ing", "with", "value"];

/** A deterministic text of about `n` tokens; `salt` makes each run's prompt differ from its first word. */
function promptText(model, n, salt) {
    let text = `${WORDS[salt % WORDS.length]}${salt} `;
    let i = salt * 7;
    while (model.tokenize(text, false).length < n)
        text += WORDS[(i = (i * 31 + 17) % 9973) % WORDS.length] + (i % 11 === 0 ? ".\n" : " ");
    return text;
}

/** The direct baseline: template + tokenize, chunked prefill, then decoding; no HTTP, no queue. */
async function directRun(model, sequence, wrapper, text, o) {
    const started = performance.now();
    const chatHistory = [{type: "user", text}, {type: "model", response: []}];
    const {contextText} = wrapper.generateContextState({chatHistory});
    const tokens = contextText.tokenize(model.tokenizer);
    await sequence.clearHistory();
    const rest = tokens.slice(0, -1);
    for (let at = 0; at < rest.length; at += o.batch)
        await sequence.evaluateWithoutGeneratingNewTokens(rest.slice(at, at + o.batch));
    let first = 0;
    let last = 0;
    let count = 0;
    for await (const token of sequence.evaluate(tokens.slice(-1), {temperature: 0})) {
        model.detokenize([token], false);
        last = performance.now();
        first ||= last;
        if (++count >= o.maxTokens)
            break;
    }
    return {ttftMs: first - started, tokPerS: (count - 1) / ((last - first) / 1000), promptTokens: tokens.length};
}

/** The same through the host: HTTP + SSE, timed on the client side. */
async function hostRun(port, token, text, o) {
    const started = performance.now();
    let first = 0;
    let last = 0;
    const r = await streamChat(port, {messages: [{role: "user", content: text}], max_tokens: o.maxTokens,
                                      temperature: 0, ignore_eos: true, stream_options: {include_usage: true}},
    {token, onEvent: (e) => {
        if (e.choices?.[0]?.delta?.content) {
            last = performance.now();
            first ||= last;
        }
    }});
    const {usage, timings} = r.events.at(-1);
    return {ttftMs: first - started, tokPerS: (usage.completion_tokens - 1) / ((last - first) / 1000),
            serverTokPerS: (timings.predicted_n - 1) / (timings.predicted_ms / 1000),
            promptTokens: usage.prompt_tokens, cached: usage.prompt_tokens_details.cached_tokens};
}

async function startHost(model, o) {
    const started = performance.now();
    const host = spawnHost(["--model", model, "--ctx", String(o.ctx), "--threads", String(o.threads),
                            "--batch", String(o.batch)], {token: randomBytes(16).toString("hex")});
    const ready = await Promise.race([host.events.waitFor((e) => e.event === "ready"),
                                      host.exited.then(() => { throw new Error(`host died: ${host.stderr()}`); })]);
    const port = host.events.events.find((e) => e.event === "listening").port;
    return {host, port, ready, startToReadyMs: performance.now() - started};
}

async function loadToReady(model, o) {
    const starts = [];
    const loads = [];
    for (let i = 0; i < 3; ++i) {
        const {host, ready, startToReadyMs} = await startHost(model, o);
        starts.push(startToReadyMs);
        loads.push(ready.loadMs);
        host.proc.kill("SIGTERM");
        await host.exited;
    }
    return {startToReadyMs: median(starts), loadMs: median(loads)};
}

async function main() {
    const o = options(process.argv.slice(2));
    const llama = await getLlama({build: "never", skipDownload: true, gpu: false, maxThreads: o.threads,
                                  logLevel: LlamaLogLevel.warn, logger: () => {}, progressLogs: false});
    const model = await llama.loadModel({modelPath: o.model});
    const context = await model.createContext({contextSize: o.ctx, threads: o.threads, sequences: 1,
                                               batchSize: o.batch});
    const sequence = context.getSequence();
    // The host's template path: the model's own Jinja template.
    const wrapper = new JinjaTemplateChatWrapper({template: model.fileInfo.metadata.tokenizer.chat_template,
                                                  tokenizer: model.tokenizer});
    const {host, port} = await startHost(o.model, o);

    const direct = [];
    const viaHost = [];
    for (let run = 0; run <= o.runs; ++run) { // run 0 warms both up and is not counted
        const text = promptText(model, o.promptTokens, run);
        const d = await directRun(model, sequence, wrapper, text, o);
        const h = await hostRun(port, host.token, text, o);
        if (run > 0) {
            direct.push(d);
            viaHost.push(h);
        }
        process.stderr.write(`run ${run}: direct ttft ${d.ttftMs.toFixed(1)} ms, ${d.tokPerS.toFixed(1)} tok/s; ` +
                             `host ttft ${h.ttftMs.toFixed(1)} ms, ${h.tokPerS.toFixed(1)} tok/s ` +
                             `(server side ${h.serverTokPerS.toFixed(1)}; cached ${h.cached})\n`);
    }
    host.proc.kill("SIGTERM");
    await host.exited;
    await context.dispose();
    await model.dispose();

    const summary = {
        promptTokens: direct[0].promptTokens, maxTokens: o.maxTokens, threads: o.threads, runs: o.runs,
        direct: {ttftMs: median(direct.map((r) => r.ttftMs)), tokPerS: median(direct.map((r) => r.tokPerS))},
        host: {ttftMs: median(viaHost.map((r) => r.ttftMs)), tokPerS: median(viaHost.map((r) => r.tokPerS)),
               serverTokPerS: median(viaHost.map((r) => r.serverTokPerS))},
    };
    summary.ttftRatio = summary.host.ttftMs / summary.direct.ttftMs;
    summary.decodeRatio = summary.host.tokPerS / summary.direct.tokPerS;
    summary.loadToReady = {bench: await loadToReady(o.model, o)};
    if (o.tiny)
        summary.loadToReady.tiny = await loadToReady(o.tiny, {...o, ctx: 256});
    const {direct: d, host: h} = summary;
    console.log(`time to first token: direct ${d.ttftMs.toFixed(1)} ms, host ${h.ttftMs.toFixed(1)} ms ` +
                `(host/direct ${summary.ttftRatio.toFixed(3)})`);
    console.log(`decode: direct ${d.tokPerS.toFixed(1)} tok/s, host ${h.tokPerS.toFixed(1)} tok/s ` +
                `(host/direct ${summary.decodeRatio.toFixed(3)})`);
    for (const [name, r] of Object.entries(summary.loadToReady))
        console.log(`start to ready (${name}): ${r.startToReadyMs.toFixed(0)} ms (loadMs ${r.loadMs})`);
    console.log(JSON.stringify(summary));
    await llama.dispose();
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
