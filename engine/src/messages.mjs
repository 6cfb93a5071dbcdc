// SPDX-License-Identifier: MIT
// Validation of OpenAI chat-completions requests into what the engine needs. Pure.
import {HttpError} from "./http.mjs";

const ROLES = new Map([["system", "system"], ["developer", "system"], ["user", "user"], ["assistant", "assistant"]]);
const IMAGE_PARTS = new Set(["image_url", "input_image", "image"]);
const DEFAULT_TEMPERATURE = 0.8;
const DEFAULT_RESERVE = 512;

function invalid(message, code = "invalid_request") {
    return new HttpError(400, message, "invalid_request_error", code);
}

function contentText(content, index) {
    if (typeof content === "string")
        return content;
    if (content === null || content === undefined)
        return "";
    if (!Array.isArray(content))
        throw invalid(`messages[${index}].content must be a string or an array of parts`);
    return content.map((part) => {
        if (IMAGE_PARTS.has(part?.type))
            throw invalid("this local model does not read images: send text only", "unsupported_content");
        if (part?.type !== "text" || typeof part.text !== "string")
            throw invalid(`messages[${index}] has a part of type '${part?.type}'; only text parts are supported`);
        return part.text;
    }).join("");
}

/** [{role, text}] from `body.messages`, or throws HttpError 400. */
export function parseMessages(body) {
    if (!Array.isArray(body.messages) || body.messages.length === 0)
        throw invalid("'messages' must be a non-empty array");
    return body.messages.map((m, i) => {
        const role = ROLES.get(m?.role);
        if (!role)
            throw invalid(`messages[${i}].role '${m?.role}' is not supported (system, user, assistant)`);
        return {role, text: contentText(m.content, i)};
    });
}

function optionalNumber(body, name, min, max) {
    const v = body[name];
    if (v === undefined || v === null)
        return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
        throw invalid(`'${name}' must be a number between ${min} and ${max}`);
    return v;
}

/** Generation settings from the request body; throws HttpError 400 on bad values. */
export function parseSettings(body) {
    const maxTokens = optionalNumber(body, "max_completion_tokens", 0, 2 ** 31) ??
                      optionalNumber(body, "max_tokens", 0, 2 ** 31);
    return {
        stream: body.stream === true,
        includeUsage: body.stream_options?.include_usage === true,
        progress: body.return_progress === true,
        // llama-server's option: `timings` on every chunk, so a live count is the real one.
        timingsPerToken: body.timings_per_token === true,
        maxTokens: maxTokens === undefined ? undefined : Math.floor(maxTokens),
        temperature: optionalNumber(body, "temperature", 0, 10) ?? DEFAULT_TEMPERATURE,
        seed: optionalNumber(body, "seed", 0, 2 ** 32),
        ignoreEos: body.ignore_eos === true, // llama-server's option; the benchmark uses it
    };
}

/**
 * The context check done before any evaluation: the prompt plus a reserve for the answer
 * (min(max_tokens or 512, ctx/4)) must fit. Returns the number of tokens the answer may
 * use, or throws the llama-server style 400 (never a context shift).
 */
export function checkContext(promptLength, maxTokens, contextSize) {
    const reserve = Math.min(maxTokens ?? DEFAULT_RESERVE, Math.floor(contextSize / 4));
    if (promptLength + reserve > contextSize || promptLength >= contextSize) {
        throw new HttpError(400,
            `the request (${promptLength} tokens) exceeds the available context size (${contextSize} tokens) ` +
            `with ${reserve} tokens kept for the answer: shorten the conversation or raise the context size`,
            "exceed_context_size_error", "context_length_exceeded",
            {n_prompt_tokens: promptLength, n_ctx: contextSize});
    }
    const room = contextSize - promptLength;
    return Math.min(maxTokens ?? room, room);
}
