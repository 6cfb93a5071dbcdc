// SPDX-License-Identifier: MIT
// Incremental detokenization that never splits a UTF-8 character: tokens whose text
// ends in an incomplete multi-byte sequence are held back until the next token completes it.

const REPLACEMENT = "\uFFFD";
// A character is at most 4 bytes, so an incomplete tail spans at most 3 tokens; a
// replacement character that survives more tokens than that is a genuinely invalid byte.
const MAX_PENDING = 4;
const CONTEXT_TOKENS = 8;

export class TextStream {
    /** detokenize(tokens, lastTokens) -> string, e.g. model.detokenize(tokens, false, lastTokens). */
    constructor(detokenize) {
        this.detokenize = detokenize;
        this.pending = [];
        this.emitted = [];
    }

    /** Adds one token; returns the text that is now complete ("" while held back). */
    push(token) {
        this.pending.push(token);
        const text = this.detokenize(this.pending, this.emitted.slice(-CONTEXT_TOKENS));
        if (text.endsWith(REPLACEMENT) && this.pending.length < MAX_PENDING)
            return "";
        return this.#take(text);
    }

    /** The held-back text at the end of generation. */
    flush() {
        if (this.pending.length === 0)
            return "";
        return this.#take(this.detokenize(this.pending, this.emitted.slice(-CONTEXT_TOKENS)));
    }

    #take(text) {
        this.emitted.push(...this.pending);
        if (this.emitted.length > CONTEXT_TOKENS)
            this.emitted.splice(0, this.emitted.length - CONTEXT_TOKENS);
        this.pending = [];
        return text;
    }
}
