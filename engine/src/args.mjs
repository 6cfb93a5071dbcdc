// SPDX-License-Identifier: MIT
// Command-line options of the engine host (see docs/engine.md). Pure: no I/O.
import os from "node:os";

const GPU_CHOICES = new Set(["cpu", "cuda", "vulkan", "auto"]);

export const USAGE =
    "usage: node host.mjs --model PATH --ctx N --threads N [--gpu cpu|cuda|vulkan|auto] [--batch N]\n" +
    "       the bearer token comes in REPOSCOPE_ENGINE_TOKEN";

function parseCount(name, text) {
    if (!/^\d+$/.test(text ?? ""))
        throw new Error(`${name} needs a whole number, got '${text ?? ""}'`);
    return Number(text);
}

/**
 * Parses argv (without node and the script). Returns
 * {modelPath, contextSize (0 = the model's trained context), threads (resolved, >= 1),
 *  gpu ("cpu"|"cuda"|"vulkan"|"auto"), batchSize (0 = default)} or throws an Error whose
 * message says what is wrong.
 */
export function parseArgs(argv) {
    const out = {modelPath: "", contextSize: 0, threads: 0, gpu: "cpu", batchSize: 0};
    for (let i = 0; i < argv.length; ++i) {
        const name = argv[i];
        const value = argv[i + 1];
        if (value === undefined)
            throw new Error(`${name} needs a value`);
        ++i;
        switch (name) {
        case "--model": out.modelPath = value; break;
        case "--ctx": out.contextSize = parseCount(name, value); break;
        case "--threads": out.threads = parseCount(name, value); break;
        case "--batch": out.batchSize = parseCount(name, value); break;
        case "--gpu":
            if (!GPU_CHOICES.has(value))
                throw new Error(`--gpu must be one of cpu, cuda, vulkan, auto; got '${value}'`);
            out.gpu = value;
            break;
        default: throw new Error(`unknown option '${name}'`);
        }
    }
    if (!out.modelPath)
        throw new Error("--model PATH is required");
    if (out.threads === 0)
        out.threads = Math.max(1, os.availableParallelism());
    return out;
}

/** The value getLlama() expects for `gpu`. */
export function llamaGpuOption(gpu) {
    return gpu === "cpu" ? false : gpu;
}
