// SPDX-License-Identifier: MIT
// Test helpers: tiny models from reposcope-make-gguf, a real host process per test file,
// and small HTTP/SSE clients. No wall-clock assertions: waits end on events.
import {execFileSync, spawn} from "node:child_process";
import {randomBytes} from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

export const ENGINE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPO_DIR = path.resolve(ENGINE_DIR, "..");

/** Throws a clear error when engine/node_modules is missing (CI must run the bootstrap). */
export function requireNodeModules() {
    const pkg = path.join(ENGINE_DIR, "node_modules", "node-llama-cpp", "package.json");
    if (!fs.existsSync(pkg))
        throw new Error(`engine/node_modules is missing (${pkg}): run scripts/bootstrap.sh first`);
}

function makeGgufTool() {
    const fromEnv = process.env.REPOSCOPE_MAKE_GGUF;
    if (fromEnv)
        return fromEnv;
    const found = fs.readdirSync(REPO_DIR).filter((d) => d.startsWith("build"))
        .map((d) => path.join(REPO_DIR, d, "tests", "reposcope-make-gguf")).find((p) => fs.existsSync(p));
    if (!found)
        throw new Error("reposcope-make-gguf not found: build it (cmake --build BUILD --target reposcope-make-gguf) " +
                        "and set REPOSCOPE_MAKE_GGUF, or run the tests through ctest");
    return found;
}

export function tempDir() {
    return fs.mkdtempSync(path.join(os.tmpdir(), "reposcope-engine-test-"));
}

/** Writes a model with reposcope-make-gguf; `args` e.g. ["--embd", "64"] or ["--broken", "truncated"]. */
export function makeModel(dir, name, args = []) {
    const file = path.join(dir, name);
    execFileSync(makeGgufTool(), [file, ...args], {stdio: ["ignore", "ignore", "inherit"]});
    return file;
}

/** Collects the host's stdout events; waitFor(predicate) resolves with the first match. */
class EventLog {
    constructor() { this.events = []; this.waiters = []; }
    add(event) {
        this.events.push(event);
        this.waiters = this.waiters.filter((w) => !(w.match(event) && (w.resolve(event), true)));
    }
    waitFor(match, from = 0) {
        const seen = this.events.slice(from).find(match);
        if (seen)
            return Promise.resolve(seen);
        return new Promise((resolve) => this.waiters.push({match, resolve}));
    }
}

/**
 * Starts `node host.mjs` with `args`. Returns {proc, events, stderr(), exited (Promise of
 * {code, signal}), token}. Does not wait for anything.
 */
export function spawnHost(args, {token = randomBytes(16).toString("hex"), env = {}} = {}) {
    const proc = spawn(process.execPath, [path.join(ENGINE_DIR, "host.mjs"), ...args], {
        env: {...process.env, REPOSCOPE_ENGINE_TOKEN: token, ...env}, stdio: ["pipe", "pipe", "pipe"],
    });
    const events = new EventLog();
    let stderr = "";
    let buffered = "";
    const badLines = [];
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (text) => {
        buffered += text;
        let nl;
        while ((nl = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            try {
                events.add(JSON.parse(line));
            } catch {
                badLines.push(line);
            }
        }
    });
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (text) => { stderr += text; });
    const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({code, signal})));
    return {proc, events, token, exited, badLines, stderr: () => stderr};
}

/** Starts a host on `model` and waits for "ready"; adds request helpers. */
export async function startHost(model, extraArgs = []) {
    requireNodeModules();
    const host = spawnHost(["--model", model, "--ctx", "1024", "--threads", "1", ...extraArgs]);
    const ready = await Promise.race([
        host.events.waitFor((e) => e.event === "ready"),
        host.exited.then((r) => { throw new Error(`host exited (${JSON.stringify(r)}): ${host.stderr()}`); }),
    ]);
    const listening = host.events.events.find((e) => e.event === "listening");
    return {...host, ready, port: listening.port,
            request: (method, p, body, opts = {}) => request(listening.port, method, p, body,
                                                             {token: host.token, ...opts}),
            stream: (body, opts = {}) => streamChat(listening.port, body, {token: host.token, ...opts}),
            stop: async () => { host.proc.kill("SIGTERM"); return host.exited; }};
}

/** One HTTP request; resolves {status, body (parsed JSON or raw text)}. */
export function request(port, method, p, body, {token, raw} = {}) {
    return new Promise((resolve, reject) => {
        const headers = {};
        if (token !== undefined)
            headers.Authorization = `Bearer ${token}`;
        const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
        if (payload !== undefined)
            headers["Content-Type"] = "application/json";
        const req = http.request({host: "127.0.0.1", port, method, path: p, headers}, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (c) => { text += c; });
            res.on("end", () => {
                let parsed = text;
                try { parsed = JSON.parse(text); } catch { /* keep the text */ }
                resolve({status: res.statusCode, body: parsed});
            });
        });
        req.on("error", reject);
        req.end(payload);
    });
}

/**
 * A streaming chat request. onEvent(event, req) sees each parsed `data:` object (may call
 * req.destroy() to cancel); onRequest(req) gets the request at once. Resolves
 * {status, events, done (saw [DONE]), body (non-SSE)}.
 */
export function streamChat(port, body, {token, onEvent = () => {}, onRequest = () => {}} = {}) {
    return new Promise((resolve, reject) => {
        const payload = JSON.stringify({stream: true, ...body});
        const events = [];
        let done = false;
        const req = http.request({host: "127.0.0.1", port, method: "POST", path: "/v1/chat/completions",
                                  headers: {Authorization: `Bearer ${token}`, "Content-Type": "application/json"}},
        (res) => {
            let buffered = "";
            res.setEncoding("utf8");
            res.on("data", (c) => {
                buffered += c;
                let end;
                while ((end = buffered.indexOf("\n\n")) >= 0) {
                    const block = buffered.slice(0, end);
                    buffered = buffered.slice(end + 2);
                    if (!block.startsWith("data: "))
                        continue;
                    const data = block.slice(6);
                    if (data === "[DONE]") {
                        done = true;
                        continue;
                    }
                    const event = JSON.parse(data);
                    events.push(event);
                    onEvent(event, req);
                }
            });
            const finish = () => {
                let parsed = buffered;
                try { parsed = JSON.parse(buffered); } catch { /* SSE */ }
                resolve({status: res.statusCode, events, done, body: parsed});
            };
            res.on("end", finish);
            res.on("close", finish);
        });
        req.on("error", (e) => (req.destroyed ? resolve({status: 0, events, done, cancelled: true}) : reject(e)));
        req.end(payload);
        onRequest(req);
    });
}

/** Polls `check()` (async) until it returns a truthy value; each try waits on the event loop. */
export async function until(check) {
    for (;;) {
        const value = await check();
        if (value)
            return value;
        await new Promise((r) => setTimeout(r, 20));
    }
}

export function content(events) {
    return events.map((e) => e.choices?.[0]?.delta?.content ?? "").join("");
}
