// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "llm/client/chatrequest.h"
#include "prompt/packformat.h"
#include "repo/reposnapshot.h"
#include "workspace/packpreparation.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

class QThreadPool;

namespace reposcope::tokenize {
class Tokenizer;
}

namespace reposcope::workspace {

// One text part of the next request, exactly as it will be sent.
struct OutgoingPart {
    enum class Kind { System, Pack, Question, Answer, NextQuestion };
    Kind kind = Kind::System;
    QString label;   // "System prompt", "Repository pack (12 files)", "Question 1", …
    QByteArray text; // the part's UTF-8 bytes, redacted where the policy says
};

// The text parts of the next request after redaction: what "What leaves the machine" shows.
struct OutgoingRequest {
    QList<OutgoingPart> parts;
    // What the pack (when written for this request: a first question) and the question in
    // the composer held. A follow-up's pack was handled when the conversation began.
    SecretReport secrets;
    bool redacts = true;      // the policy replaces secrets by markers
    bool packIsNew = false;   // a first question: the pack was written for this view
    int packFiles = 0;        // files in the pack (0 when a follow-up's pack is shown)
    QStringList problems;     // files the pack left out
    qint64 bytes = 0;         // all parts
    qint64 tokens = 0;        // all parts, counted with the tokenizer
    bool tokensExact = false; // the tokenizer's count is exact
};

// What the UI thread captures for buildOutgoing(): cheap copies (the texts are shared).
struct OutgoingInputs {
    // A follow-up: Conversation::buildMessages(QString(), {}, turns) of the conversation
    // that holds the pack; its last message is where the new question goes. Empty for a
    // first question, which writes the pack of `files` from `snapshot`.
    std::vector<llm::ChatMessage> messages;
    QByteArray systemPrompt; // a first question's system prompt
    repo::SnapshotPtr snapshot;
    std::vector<int> files;
    std::optional<prompt::PackFormat> format; // a first question's (it has no default)
    QString question; // as typed in the composer; redacted like ChatSession::ask does
    RedactionPolicy policy;
    std::shared_ptr<const tokenize::Tokenizer> tokenizer; // Workspace::tokenizerPtr()
};

// Builds the next request's text parts. Blocking (writes the pack for a first question
// with preparePack, tokenizes everything): run it on a worker of `pool`. Checks `cancel`.
Result<OutgoingRequest> buildOutgoing(const OutgoingInputs &in, QThreadPool *pool,
                                      const std::atomic_bool *cancel);

// The request laid out for reading: each part under a header line (the headers are not
// sent), CRLF line ends shown as line breaks. Spans are positions in `text` (UTF-16),
// sorted, not overlapping.
struct OutgoingLayout {
    struct Span {
        enum class Kind { Header, Marker, Secret };
        Kind kind = Kind::Header;
        int position = 0;
        int length = 0;
    };
    QString text;
    QList<Span> spans;
    QList<int> partStarts; // position of each part's header line
    int markers = 0;       // «redacted:RULE» markers in the text
    int secrets = 0;       // secrets the scanner finds in the text: they are sent as they are
    bool crlf = false;     // some part had CRLF line ends
};

// Blocking (scans the whole text with `scanner` when given): run it on a worker.
OutgoingLayout layoutOutgoing(const OutgoingRequest &request,
                              const security::secrets::SecretScanner *scanner,
                              const std::atomic_bool *cancel);

} // namespace reposcope::workspace
