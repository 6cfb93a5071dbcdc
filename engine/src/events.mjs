// SPDX-License-Identifier: MIT
// The host's side of the supervisor protocol: one JSON object per line on stdout, and
// nothing else on stdout. Diagnostics go to stderr through `log`.

/** Writes one event line; synchronous with respect to ordering (single writer). */
export function emit(event) {
    process.stdout.write(JSON.stringify(event) + "\n");
}

/** A human-readable diagnostic line on stderr. */
export function log(message) {
    process.stderr.write(`[engine] ${message}\n`);
}

/**
 * Returns onLoadProgress(p) that emits {"event":"loading"} at most every `intervalMs`
 * (always the first call and p == 1). Cheap; called from node-llama-cpp's loader.
 */
export function throttledLoadingEmitter(intervalMs = 50, now = () => performance.now()) {
    let last = -Infinity;
    return (progress) => {
        const t = now();
        if (progress < 1 && t - last < intervalMs)
            return;
        last = t;
        emit({event: "loading", progress: Math.round(Math.min(1, Math.max(0, progress)) * 1000) / 1000});
    };
}

/** Sends console.log/info/debug to stderr so that no library can write to stdout. */
export function keepStdoutForEvents() {
    // A parent that closed our stdout is gone: stdin's end shuts us down; no crash on EPIPE here.
    process.stdout.on("error", () => {});
    const toStderr = (...args) => console.error(...args);
    console.log = toStderr;
    console.info = toStderr;
    console.debug = toStderr;
}
