#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// RepoScope's local engine host: loads one GGUF model with llama.cpp (node-llama-cpp) and
// serves an OpenAI-style API on 127.0.0.1 (ephemeral port, bearer token from
// REPOSCOPE_ENGINE_TOKEN). stdout carries only JSON event lines for the supervisor;
// see docs/engine.md for the protocol.
import http from "node:http";

import {parseArgs, USAGE} from "./src/args.mjs";
import {emit, keepStdoutForEvents, log, throttledLoadingEmitter} from "./src/events.mjs";
import {JobQueue} from "./src/queue.mjs";
import {router} from "./src/routes.mjs";

const SHUTDOWN_GRACE_MS = 1500;
const NODE_NEEDED = 20;

function fatal(message) {
    emit({event: "fatal", message});
    log(`fatal: ${message}`);
    process.exit(1);
}

async function loadEngine(host, options) {
    // Imported here so that a missing node_modules is reported as a fatal event, not a crash.
    let Engine;
    try {
        ({Engine} = await import("./src/engine.mjs"));
    } catch (e) {
        fatal(`node-llama-cpp is not installed next to the engine host (${e.message}): run scripts/bootstrap.sh`);
    }
    const onProgress = throttledLoadingEmitter();
    try {
        host.engine = await Engine.load(options, (p) => {
            host.loadProgress = p;
            onProgress(p);
        });
    } catch (e) {
        fatal(e.message);
    }
    const engine = host.engine;
    emit({event: "ready", model: engine.name, contextSize: engine.contextSize, trainedContext: engine.trainedContext,
          vocabSize: engine.vocabSize, threads: options.threads, gpu: options.gpu, loadMs: Math.round(engine.loadMs)});
}

function installShutdown(host, server) {
    let stopping = false;
    const shutdown = async (why) => {
        if (stopping)
            return;
        stopping = true;
        log(`shutting down (${why})`);
        setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
        host.queue.close();
        server.close();
        server.closeAllConnections();
        await host.engine?.dispose();
        process.exit(0);
    };
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
    // The parent holds our stdin: when it dies or closes it, we go too.
    process.stdin.on("end", () => shutdown("stdin closed"));
    process.stdin.on("error", () => shutdown("stdin error"));
    process.stdin.resume();
}

async function main() {
    keepStdoutForEvents();
    process.on("uncaughtException", (e) => fatal(`internal error: ${e?.stack ?? e}`));
    process.on("unhandledRejection", (e) => fatal(`internal error: ${e?.stack ?? e}`));
    if (Number(process.versions.node.split(".")[0]) < NODE_NEEDED)
        fatal(`the engine host runs under Node.js ${process.versions.node} (${process.execPath}); node-llama-cpp ` +
              `needs Node.js ${NODE_NEEDED} or newer: run scripts/bootstrap.sh (it fetches one into .deps/node), ` +
              `or set REPOSCOPE_NODE to a newer node`);
    let options;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (e) {
        fatal(`${e.message}\n${USAGE}`);
    }
    const token = process.env.REPOSCOPE_ENGINE_TOKEN ?? "";
    if (!token)
        fatal("REPOSCOPE_ENGINE_TOKEN is not set: give the host a random bearer token in that variable");
    const host = {token, engine: null, loadProgress: 0, queue: null};
    host.queue = new JobQueue({onBusy: () => emit({event: "busy"}), onIdle: () => emit({event: "idle"})});
    const server = http.createServer(router(host));
    server.keepAliveTimeout = 60_000;
    installShutdown(host, server);
    server.on("error", (e) => fatal(`cannot listen on 127.0.0.1: ${e.message}`));
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    emit({event: "listening", port: server.address().port});
    await loadEngine(host, options);
}

main();
