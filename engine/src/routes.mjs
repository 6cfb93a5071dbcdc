// SPDX-License-Identifier: MIT
// The HTTP routes. Every request must carry the bearer token; every error is OpenAI-shaped.
import {handleChat} from "./chat.mjs";
import {HttpError, isAuthorized, readJsonBody, sendError, sendJson, unauthorized} from "./http.mjs";

function requireEngine(host) {
    if (!host.engine)
        throw new HttpError(503, "the model is still loading", "unavailable_error", "loading");
    return host.engine;
}

function health(req, res, host) {
    if (!host.engine) {
        sendJson(res, 503, {status: "loading", progress: host.loadProgress});
        return;
    }
    sendJson(res, 200, {status: host.queue.busy ? "busy" : "ok", queue: host.queue.waitingCount});
}

function models(req, res, host) {
    const engine = requireEngine(host);
    sendJson(res, 200, {object: "list", data: [{
        id: engine.name, object: "model", owned_by: "reposcope-local",
        meta: {n_ctx: engine.contextSize, n_ctx_train: engine.trainedContext, n_vocab: engine.vocabSize,
               n_params: engine.parameterCount, size: engine.fileSize},
    }]});
}

function props(req, res, host) {
    const engine = requireEngine(host);
    sendJson(res, 200, {default_generation_settings: {n_ctx: engine.contextSize}, n_ctx: engine.contextSize,
                        model_path: engine.options.modelPath});
}

async function tokenize(req, res, host) {
    const body = await readJsonBody(req);
    const engine = requireEngine(host);
    if (typeof body.content === "string") {
        sendJson(res, 200, {tokens: engine.tokenize(body.content)});
        return;
    }
    if (typeof body.prompt === "string") {
        const tokens = engine.tokenize(body.prompt);
        sendJson(res, 200, {tokens, count: tokens.length, max_model_len: engine.contextSize});
        return;
    }
    throw new HttpError(400, "give the text as 'content' (string) or 'prompt' (string)");
}

const ROUTES = new Map([
    ["GET /health", health],
    ["GET /v1/models", models],
    ["GET /props", props],
    ["POST /tokenize", tokenize],
    ["POST /v1/chat/completions", handleChat],
]);

/** The request listener for http.createServer; `host` is {token, engine, queue, loadProgress}. */
export function router(host) {
    return async (req, res) => {
        try {
            if (!isAuthorized(req, host.token))
                throw unauthorized();
            const path = new URL(req.url, "http://127.0.0.1").pathname;
            const handler = ROUTES.get(`${req.method} ${path}`);
            if (!handler)
                throw new HttpError(404, `no route for ${req.method} ${path}`, "not_found_error", "not_found");
            await handler(req, res, host);
        } catch (e) {
            const err = e instanceof HttpError
                ? e : new HttpError(500, `internal error: ${e?.message ?? e}`, "server_error", "internal_error");
            if (!(e instanceof HttpError))
                process.stderr.write(`[engine] ${req.method} ${req.url}: ${e?.stack ?? e}\n`);
            sendError(res, err);
        }
    };
}
