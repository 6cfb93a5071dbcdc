// SPDX-License-Identifier: MIT
#include "tokenize/bpe/jsoncounts.h"

#include <array>

namespace reposcope::tokenize {

namespace {

enum class Container { Other, Root, Model, AddedTokens, Vocab, Merges };

struct Frame {
    Container id = Container::Other;
    bool object = false;
    bool expectKey = false; // an object between '{' or ',' and ':'
    qint64 count = 0;
};

bool endsScalar(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':' || c == ']' ||
           c == '}' || c == '{' || c == '[' || c == '"';
}

// What a container opened under `parent` after `key` is.
Container containerFor(const Frame &parent, QByteArrayView key) {
    if (!parent.object)
        return Container::Other;
    if (parent.id == Container::Root) {
        if (key == "model")
            return Container::Model;
        if (key == "added_tokens")
            return Container::AddedTokens;
    } else if (parent.id == Container::Model) {
        if (key == "vocab")
            return Container::Vocab;
        if (key == "merges")
            return Container::Merges;
    }
    return Container::Other;
}

} // namespace

TokenizerJsonCounts countTokenizerJson(QByteArrayView json) {
    // Only the root, "model" and one of the counted containers are ever tracked; anything
    // else (and everything inside it) is one level of `deeper`.
    std::array<Frame, 3> stack;
    int depth = 0;
    qint64 deeper = 0;
    QByteArrayView key; // the last key read in a tracked object
    TokenizerJsonCounts out;
    const char *p = json.data();
    const char *const end = p + json.size();
    auto record = [&out](const Frame &closed) {
        if (closed.id == Container::AddedTokens)
            out.addedTokens = closed.count;
        else if (closed.id == Container::Vocab)
            out.vocab = closed.count;
        else if (closed.id == Container::Merges)
            out.merges = closed.count;
    };
    auto valueStarts = [&] {
        if (deeper == 0 && depth > 0)
            ++stack[size_t(depth - 1)].count;
    };
    while (p < end) {
        const char c = *p;
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            ++p;
            break;
        case '"': {
            const char *start = ++p;
            while (p < end && *p != '"')
                p += *p == '\\' ? 2 : 1;
            if (p > end)
                p = end;
            const QByteArrayView text(start, p - start);
            if (p < end)
                ++p; // the closing quote
            if (deeper == 0 && depth > 0 && stack[size_t(depth - 1)].expectKey)
                key = text;
            else
                valueStarts();
            break;
        }
        case ':':
            if (deeper == 0 && depth > 0)
                stack[size_t(depth - 1)].expectKey = false;
            ++p;
            break;
        case ',':
            if (deeper == 0 && depth > 0)
                stack[size_t(depth - 1)].expectKey = stack[size_t(depth - 1)].object;
            ++p;
            break;
        case '{':
        case '[': {
            valueStarts();
            Container id = Container::Other;
            if (deeper == 0)
                id = depth == 0 ? Container::Root : containerFor(stack[size_t(depth - 1)], key);
            if (deeper > 0 || id == Container::Other || depth == int(stack.size()))
                ++deeper;
            else
                stack[size_t(depth++)] = Frame{id, c == '{', c == '{', 0};
            key = {};
            ++p;
            break;
        }
        case '}':
        case ']':
            if (deeper > 0) {
                --deeper;
            } else if (depth > 0) {
                record(stack[size_t(--depth)]);
            }
            ++p;
            break;
        default: // a number, true, false, null (or junk the parser will name)
            valueStarts();
            while (p < end && !endsScalar(*p))
                ++p;
            break;
        }
    }
    // A container the text never closes (a truncated file) counts what it reached.
    while (depth > 0)
        record(stack[size_t(--depth)]);
    return out;
}

} // namespace reposcope::tokenize
