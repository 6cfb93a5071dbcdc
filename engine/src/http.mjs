// SPDX-License-Identifier: MIT
// Small HTTP helpers: OpenAI-shaped JSON errors, bearer authentication, JSON bodies.
import {timingSafeEqual} from "node:crypto";

export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** An error carrying the HTTP status and the OpenAI error fields to answer with. */
export class HttpError extends Error {
    constructor(status, message, type = "invalid_request_error", code = null, extra = {}) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.extra = extra;
    }
}

export function sendJson(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": Buffer.byteLength(text),
    });
    res.end(text);
}

export function errorBody(err) {
    return {error: {message: err.message, type: err.type, code: err.code, ...err.extra}};
}

export function sendError(res, err) {
    if (res.headersSent) {
        res.destroy();
        return;
    }
    sendJson(res, err.status, errorBody(err));
}

/** True when the request carries `Authorization: Bearer <token>` (constant-time compare). */
export function isAuthorized(req, token) {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer (.+)$/.exec(header);
    if (!match)
        return false;
    const given = Buffer.from(match[1]);
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
}

export function unauthorized() {
    return new HttpError(401, "missing or wrong bearer token (Authorization: Bearer <token>)",
                         "authentication_error", "invalid_api_key");
}

/** Reads and parses a JSON object body; rejects with HttpError 400/413. */
export async function readJsonBody(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES)
            throw new HttpError(413, `the request body exceeds ${MAX_BODY_BYTES} bytes`);
        chunks.push(chunk);
    }
    let body;
    try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (e) {
        throw new HttpError(400, `the request body is not valid JSON: ${e.message}`, "invalid_request_error",
                            "invalid_json");
    }
    if (body === null || typeof body !== "object" || Array.isArray(body))
        throw new HttpError(400, "the request body must be a JSON object", "invalid_request_error", "invalid_json");
    return body;
}
