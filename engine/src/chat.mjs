// SPDX-License-Identifier: MIT
// POST /v1/chat/completions: validation, the context check, queueing, and the answer as
// an SSE stream (llama-server's prompt_progress shape) or one chat.completion object.
import {randomUUID} from "node:crypto";

import {log} from "./events.mjs";
import {HttpError, readJsonBody, sendJson} from "./http.mjs";
import {checkContext, parseMessages, parseSettings} from "./messages.mjs";

class SseWriter {
    constructor(res) {
        this.res = res;
        res.writeHead(200, {
            "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive",
        });
        res.flushHeaders();
    }
    // A client that went away cancels the job; until it stops, its events are dropped.
    send(object) {
        if (!this.res.destroyed)
            this.res.write(`data: ${JSON.stringify(object)}\n\n`);
    }
    end() {
        if (!this.res.destroyed)
            this.res.end("data: [DONE]\n\n");
    }
}

function usage(promptTokens, result) {
    return {
        prompt_tokens: promptTokens, completion_tokens: result.completionTokens,
        total_tokens: promptTokens + result.completionTokens,
        prompt_tokens_details: {cached_tokens: result.cached},
    };
}

function timings(promptTokens, result) {
    const round = (ms) => Math.round(ms * 1000) / 1000;
    return {
        prompt_n: promptTokens - result.cached, prompt_ms: round(result.promptMs),
        predicted_n: result.completionTokens, predicted_ms: round(result.predictedMs), cache_n: result.cached,
    };
}

async function streamAnswer(res, engine, run, meta) {
    let sse = null;
    const chunk = (fields) => ({id: meta.id, object: "chat.completion.chunk", created: meta.created,
                                model: engine.name, ...fields});
    // Headers go out with the first event, so a request refused while queued still gets a JSON error.
    const open = () => (sse ??= new SseWriter(res));
    const delta = (d, finishReason = null) => chunk({choices: [{index: 0, delta: d, finish_reason: finishReason}]});
    let roleSent = false;
    const sendRole = () => {
        if (!roleSent)
            open().send(delta({role: "assistant", content: ""}));
        roleSent = true;
    };
    const result = await run({
        onProgress: (p) => open().send(chunk({choices: [], prompt_progress: {
            total: p.total, cache: p.cache, processed: p.processed, time_ms: p.timeMs}})),
        onText: (text, completionTokens) => {
            sendRole();
            const event = delta({content: text});
            // llama-server sends prompt_n and timings here too; the count is what matters.
            open().send(meta.timingsPerToken ? {...event, timings: {predicted_n: completionTokens}} : event);
        },
    });
    if (result.finishReason === "cancelled")
        return;
    sendRole();
    open().send({...delta({}, result.finishReason), timings: timings(meta.promptTokens, result)});
    if (meta.includeUsage)
        open().send(chunk({choices: [], usage: usage(meta.promptTokens, result),
                           timings: timings(meta.promptTokens, result)}));
    open().end();
}

async function plainAnswer(res, engine, run, meta) {
    let content = "";
    const result = await run({onProgress: () => {}, onText: (text) => { content += text; }});
    if (result.finishReason === "cancelled")
        return;
    sendJson(res, 200, {
        id: meta.id, object: "chat.completion", created: meta.created, model: engine.name,
        choices: [{index: 0, message: {role: "assistant", content}, finish_reason: result.finishReason}],
        usage: usage(meta.promptTokens, result), timings: timings(meta.promptTokens, result),
    });
}

// One stderr line per cancelled request: what the supervisor's crash report and the tests read.
function logCancel(meta, result, maxTokens) {
    if (result.phase === "prefill")
        log(`${meta.id} cancelled during prefill after ${result.processed} of ${result.total} prompt tokens`);
    else
        log(`${meta.id} cancelled during decoding after ${result.completionTokens} of at most ${maxTokens} tokens`);
}

function asHttpError(e) {
    if (e instanceof HttpError)
        return e;
    if (e?.code === "shutting_down")
        return new HttpError(503, "the engine is shutting down", "unavailable_error", "shutting_down");
    return new HttpError(500, `generation failed: ${e?.message ?? e}`, "server_error", "generation_failed");
}

/**
 * Serves one chat request. `host` gives {engine (null while loading), queue}. The prompt is
 * tokenized and checked against the context before queueing; closing the connection
 * cancels (a queued job is dropped, a running one aborts after its current chunk/token).
 */
export async function handleChat(req, res, host) {
    const body = await readJsonBody(req);
    const engine = host.engine;
    if (!engine)
        throw new HttpError(503, "the model is still loading", "unavailable_error", "loading");
    const messages = parseMessages(body);
    const settings = parseSettings(body);
    const prompt = engine.promptTokens(messages);
    const maxTokens = checkContext(prompt.length, settings.maxTokens, engine.contextSize);
    const meta = {id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000),
                  promptTokens: prompt.length, includeUsage: settings.includeUsage,
                  timingsPerToken: settings.timingsPerToken};
    const run = (callbacks) => {
        const queued = host.queue.push((signal) => engine.generate(prompt, {
            maxTokens, temperature: settings.temperature, seed: settings.seed, ignoreEos: settings.ignoreEos, signal,
            progress: settings.progress, ...callbacks}));
        res.on("close", () => {
            if (!res.writableFinished)
                queued.cancel();
        });
        return queued.done.then((result) => {
            if (result.finishReason === "cancelled")
                logCancel(meta, result, maxTokens);
            return result;
        });
    };
    try {
        await (settings.stream ? streamAnswer(res, engine, run, meta) : plainAnswer(res, engine, run, meta));
    } catch (e) {
        if (e?.code === "cancelled")
            log(`${meta.id} cancelled while queued`);
        if (res.destroyed || e?.code === "cancelled")
            return;
        throw asHttpError(e);
    }
}
