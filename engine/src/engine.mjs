// SPDX-License-Identifier: MIT
// The loaded model: one llama.cpp context with one sequence whose KV cache is reused across
// requests (common token prefix), chunked prefill with progress, token-by-token decoding.
// Not re-entrant: the JobQueue serves one generation at a time.
import path from "node:path";
import {getLlama, JinjaTemplateChatWrapper, LlamaLogLevel, resolveChatWrapper} from "node-llama-cpp";

import {llamaGpuOption} from "./args.mjs";
import {EngineError, preflightModel} from "./preflight.mjs";
import {TextStream} from "./textstream.mjs";

const DEFAULT_CHUNK = 512;

// The last error lines llama.cpp logged: its exceptions only say "Failed to load model".
const recentErrors = [];

function llamaLogger(level, message) {
    const text = message.endsWith("\n") ? message : message + "\n";
    process.stderr.write(`[llama.cpp ${level}] ${text}`);
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) {
        recentErrors.push(text.trim());
        recentErrors.splice(0, recentErrors.length - 3);
    }
}

function llamaErrors() {
    return recentErrors.length > 0 ? ` (llama.cpp: ${recentErrors.join(" / ")})` : "";
}

/**
 * The model's own chat template, rendered by JinjaTemplateChatWrapper (~30 ms), or when the
 * file has none, resolveChatWrapper's choice by architecture and name. resolveChatWrapper
 * on a templated model costs ~0.5 s of CPU (it compares the template with every built-in
 * wrapper), a third of the time to "ready", for the same rendering.
 */
function chatWrapperFor(model) {
    const template = model.fileInfo.metadata?.tokenizer?.chat_template;
    if (typeof template === "string" && template.length > 0) {
        try {
            return new JinjaTemplateChatWrapper({template, tokenizer: model.tokenizer});
        } catch (e) {
            process.stderr.write(`[engine] the model's chat template does not render (${e.message}); ` +
                                 "using a built-in template\n");
        }
    }
    return resolveChatWrapper(model);
}

/** Single tokens that end a turn in `wrapper`'s template besides the model's end-of-generation tokens. */
function stopTokensFor(wrapper, model) {
    const {stopGenerationTriggers = []} = wrapper.generateContextState({
        chatHistory: [{type: "user", text: "hi"}, {type: "model", response: []}]});
    const stops = new Set();
    for (const trigger of stopGenerationTriggers) {
        const tokens = trigger.tokenize(model.tokenizer, "trimLeadingSpace");
        if (tokens.length === 1 && model.isSpecialToken(tokens[0]))
            stops.add(tokens[0]);
    }
    return stops;
}

export class Engine {
    /** Loads llama.cpp, the model and a context. Throws EngineError with an actionable message. */
    static async load(options, onLoadProgress) {
        const started = performance.now();
        await preflightModel(options.modelPath);
        const llama = await getLlama({
            build: "never", skipDownload: true, gpu: llamaGpuOption(options.gpu), maxThreads: options.threads,
            logLevel: LlamaLogLevel.warn, logger: llamaLogger, progressLogs: false,
        }).catch((e) => {
            throw new EngineError(`cannot start llama.cpp (gpu ${options.gpu}): ${e.message}; ` +
                                  "run scripts/bootstrap.sh, or choose --gpu cpu");
        });
        let model;
        try {
            model = await llama.loadModel({modelPath: options.modelPath, onLoadProgress});
        } catch (e) {
            await llama.dispose().catch(() => {});
            throw new EngineError(`cannot load the model ${options.modelPath}: ${e.message}${llamaErrors()}; ` +
                                  "the file may be damaged or of an architecture this llama.cpp does not know");
        }
        const contextSize = options.contextSize > 0 ? options.contextSize : model.trainContextSize;
        let context;
        try {
            context = await model.createContext({
                contextSize, threads: options.threads, sequences: 1,
                ...(options.batchSize > 0 ? {batchSize: options.batchSize} : {}),
            });
        } catch (e) {
            await model.dispose().catch(() => {});
            await llama.dispose().catch(() => {});
            throw new EngineError(`cannot create a context of ${contextSize} tokens: ${e.message}${llamaErrors()}; ` +
                                  "choose a smaller context size");
        }
        return new Engine(llama, model, context, options, performance.now() - started);
    }

    constructor(llama, model, context, options, loadMs) {
        this.llama = llama;
        this.model = model;
        this.context = context;
        this.sequence = context.getSequence();
        this.options = options;
        this.loadMs = loadMs;
        this.chatWrapper = chatWrapperFor(model);
        this.stopTokens = stopTokensFor(this.chatWrapper, model);
        this.chunkSize = Math.max(1, Math.min(options.batchSize || DEFAULT_CHUNK, context.batchSize));
        this.name = path.basename(options.modelPath);
    }

    get contextSize() { return this.context.contextSize; }
    get trainedContext() { return this.model.trainContextSize; }
    get vocabSize() { return this.model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length ?? 0; }
    get parameterCount() { return this.model.fileInsights.totalParameters; }
    get fileSize() { return this.model.size; }

    /** Plain-text tokenization: special-token text is never matched as a special token. */
    tokenize(text) {
        return this.model.tokenize(text, false);
    }

    /** Applies the model's chat template to [{role, text}]; returns the prompt tokens. */
    promptTokens(messages) {
        const chatHistory = messages.map(({role, text}) => {
            if (role === "assistant")
                return {type: "model", response: [text]};
            return {type: role, text};
        });
        chatHistory.push({type: "model", response: []});
        const {contextText} = this.chatWrapper.generateContextState({chatHistory});
        return contextText.tokenize(this.model.tokenizer);
    }

    /**
     * Evaluates `prompt` (reusing the cached prefix) and decodes up to `maxTokens` tokens.
     * Callbacks: onProgress({total, cache, processed, timeMs}) when `progress` is true,
     * onText(text, completionTokens) for each complete piece, with the tokens decoded so far
     * (what the final usage counts); `ignoreEos` decodes past end-of-generation
     * tokens. Stops early when `signal` aborts (after the current prefill chunk or token).
     * Returns {finishReason: "stop"|"length"|"cancelled",
     * completionTokens, cached, promptMs, predictedMs, phase: "prefill"|"decode"} (a
     * prefill cancel also gives `processed` of `total`).
     */
    async generate(prompt, {maxTokens, temperature, seed, ignoreEos, signal, progress, onProgress, onText}) {
        const started = performance.now();
        const cached = await this.#reusePrefix(prompt);
        const total = prompt.length;
        const report = (processed) => progress && onProgress({
            total, cache: cached, processed, timeMs: Math.round(performance.now() - started),
        });
        report(cached);
        // The last prompt token is evaluated by the first decoding step, which yields logits.
        const rest = prompt.slice(cached, total - 1);
        for (let at = 0; at < rest.length; at += this.chunkSize) {
            if (signal.aborted)
                return {finishReason: "cancelled", phase: "prefill", processed: cached + at, total,
                        completionTokens: 0, cached, promptMs: 0, predictedMs: 0};
            const chunk = rest.slice(at, at + this.chunkSize);
            await this.sequence.evaluateWithoutGeneratingNewTokens(chunk);
            report(at + chunk.length >= rest.length ? total : cached + at + chunk.length);
        }
        if (rest.length === 0 && cached < total)
            report(total);
        return this.#decode(prompt[total - 1],
                            {maxTokens, temperature, seed, ignoreEos, signal, onText, cached, started});
    }

    async #reusePrefix(prompt) {
        const current = this.sequence.contextTokens;
        let common = 0;
        const limit = Math.min(current.length, prompt.length - 1);
        while (common < limit && current[common] === prompt[common])
            ++common;
        if (this.sequence.nextTokenIndex > common)
            await this.sequence.eraseContextTokenRanges([{start: common, end: this.sequence.nextTokenIndex}]);
        return common;
    }

    async #decode(lastPromptToken, {maxTokens, temperature, seed, ignoreEos, signal, onText, cached, started}) {
        const stream = new TextStream((tokens, last) => this.model.detokenize(tokens, false, last));
        let firstTokenAt = 0;
        let count = 0;
        let finishReason = "length";
        // yieldEogToken: without it the generator ends silently on an end-of-generation token,
        // which would be reported as "length"; here the loop sees it and says "stop".
        const evaluateOptions = {temperature, yieldEogToken: true, ...(seed !== undefined ? {seed} : {})};
        if (maxTokens > 0) {
            for await (const token of this.sequence.evaluate([lastPromptToken], evaluateOptions)) {
                if (count === 0)
                    firstTokenAt = performance.now();
                if (signal.aborted) {
                    finishReason = "cancelled";
                    break;
                }
                if (!ignoreEos && (this.model.isEogToken(token) || this.stopTokens.has(token))) {
                    finishReason = "stop";
                    break;
                }
                ++count;
                const text = stream.push(token);
                if (text)
                    onText(text, count);
                if (count >= maxTokens)
                    break;
            }
        }
        const tail = stream.flush();
        if (tail && finishReason !== "cancelled")
            onText(tail, count);
        const end = performance.now();
        firstTokenAt ||= end;
        return {finishReason, phase: "decode", completionTokens: count, cached, promptMs: firstTokenAt - started,
                predictedMs: end - firstTokenAt};
    }

    async dispose() {
        await this.context.dispose().catch(() => {});
        await this.model.dispose().catch(() => {});
        await this.llama.dispose().catch(() => {});
    }
}
