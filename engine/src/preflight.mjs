// SPDX-License-Identifier: MIT
// Checks a GGUF file before llama.cpp sees it: llama.cpp aborts the whole process (SIGABRT)
// on some malformed files, e.g. a transformer without its feed-forward length or head count.
// Reads only the header and metadata (~10 ms).
import fs from "node:fs";
import {readGgufFileInfo} from "node-llama-cpp";

// Architectures whose llama.cpp loader needs both keys (the common decoder-only transformers).
const NEEDS_FF_AND_HEADS = new Set(["llama", "llama4", "mistral", "mistral3", "qwen2", "qwen3", "qwen2moe", "qwen3moe",
                                    "gemma", "gemma2", "gemma3", "phi2", "phi3", "starcoder2", "granite", "olmo",
                                    "olmo2", "deepseek", "deepseek2", "command-r", "cohere2", "internlm2", "exaone",
                                    "stablelm", "gpt2", "gptneox", "falcon", "bloom", "mpt", "baichuan", "glm4"]);

/** An error whose message says what the person should do. */
export class EngineError extends Error {}

function checkMagic(modelPath) {
    let fd;
    try {
        fd = fs.openSync(modelPath, "r");
    } catch (e) {
        throw new EngineError(`cannot open the model file ${modelPath} (${e.code ?? e.message}): ` +
                              "pick an existing .gguf file");
    }
    try {
        const magic = Buffer.alloc(4);
        const n = fs.readSync(fd, magic, 0, 4, 0);
        if (n < 4 || magic.toString("latin1") !== "GGUF")
            throw new EngineError(`${modelPath} is not a GGUF file: pick a .gguf model (llama.cpp format)`);
    } finally {
        fs.closeSync(fd);
    }
}

/** Throws EngineError when the file is missing, not GGUF, unreadable, or lacks keys llama.cpp needs. */
export async function preflightModel(modelPath) {
    checkMagic(modelPath);
    let info;
    try {
        info = await readGgufFileInfo(modelPath, {readTensorInfo: false, logWarnings: false,
                                                  ignoreKeys: ["tokenizer.ggml.tokens", "tokenizer.ggml.merges",
                                                               "tokenizer.ggml.token_type", "tokenizer.ggml.scores"]});
    } catch (e) {
        throw new EngineError(`cannot read the GGUF metadata of ${modelPath}: ${e.message}; the file is damaged or ` +
                              "incomplete (download it again)");
    }
    const arch = info.metadata?.general?.architecture;
    const params = info.metadata?.[arch];
    if (!arch || !params)
        throw new EngineError(`${modelPath} does not name its architecture (general.architecture): not a usable model`);
    if (!NEEDS_FF_AND_HEADS.has(arch))
        return;
    const missing = [];
    if (params.feed_forward_length === undefined)
        missing.push(`${arch}.feed_forward_length`);
    if (params.attention?.head_count === undefined)
        missing.push(`${arch}.attention.head_count`);
    if (missing.length > 0)
        throw new EngineError(`${modelPath} lacks the metadata ${missing.join(" and ")} that llama.cpp needs: ` +
                              "the file is damaged or was written by a broken converter");
}
