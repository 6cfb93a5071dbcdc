// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"
#include "findings/sourceset.h"
#include "prompt/packformat.h"
#include "prompt/packwriter.h"
#include "repo/reposnapshot.h"
#include "security/secrets/allowlist.h"
#include "security/secrets/secrethit.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <vector>

class QThreadPool;

namespace reposcope::security::secrets {
class SecretScanner;
}
namespace reposcope::tokenize {
class Tokenizer;
}

namespace reposcope::workspace {

// What the privacy guard does with the secrets in what is about to be sent.
struct RedactionPolicy {
    // Null: no scan at all (nothing is found, nothing redacted).
    std::shared_ptr<const security::secrets::SecretScanner> scanner;
    // true: each secret not allowed is replaced by its marker (remote backends, and the CLI
    // unless --no-redact). false: secrets are found and reported as warned, but sent as they
    // are (the local engine and loopback servers, unless the user turned redaction on).
    bool redact = true;
    security::secrets::AllowList allow;
};

// The secrets found in one text about to be sent, sorted by what happened to them. Paths,
// lines and columns are those of the file in the repository (not of the pack), so a hit can
// be shown as file:line and opened in the viewer.
struct SecretReport {
    QList<security::secrets::SecretHit> redacted; // replaced by «redacted:RULE-ID» markers
    QList<security::secrets::SecretHit> allowed;  // sent: the allow list names them
    QList<security::secrets::SecretHit> warned;   // sent: the policy does not redact
    int total() const { return int(redacted.size() + allowed.size() + warned.size()); }
    bool isEmpty() const { return total() == 0; }
    void append(const SecretReport &other);
};

// `pack` (as writePack wrote it, described by `manifest`) with every secret in a file's
// content handled by `policy`. The manifest is moved to where the contents lie in the new
// text (markers are not the length of the secrets they replace); line structure is kept, so
// every line keeps its number. `lineNumbers`: the pack was written with line-number prefixes
// (PackOptions::lineNumbers); each file is then scanned without them, so a key split over
// lines is found whole and hits carry the file's own lines and columns.
struct RedactedPack {
    QByteArray text;
    prompt::PackManifest manifest;
    SecretReport secrets;
};
RedactedPack redactPack(QByteArray pack, prompt::PackManifest manifest,
                        const RedactionPolicy &policy, bool lineNumbers = false);

// Tokens of `redacted` minus tokens of `pack` (the pack it was made from, described by
// `manifest`), counted per file whose content changed: PreparedPack::tokenDelta.
qint64 redactionTokenDelta(const QByteArray &pack, const prompt::PackManifest &manifest,
                           const RedactedPack &redacted, const tokenize::Tokenizer &tokenizer);

// A free text about to be sent (a question, an extra text part) with its secrets handled by
// `policy`; the hits' path is `label` (e.g. "question") and lines are the text's own.
QString redactText(const QString &text, const QString &label, const RedactionPolicy &policy,
                   SecretReport *report);

// The pack written for a conversation: the bytes sent, and what they were made of.
struct PreparedPack {
    QByteArray text; // exactly what is sent: redacted where the policy says
    int files = 0;
    QStringList problems; // files skipped (unreadable, not text)
    // The files the pack holds, as sent (markers included), for checking citations.
    findings::SourceSetPtr sources;
    SecretReport secrets;
    // Tokens of the sent pack minus tokens of the pack as the selection counted it (the
    // markers' tokens minus the secrets'), counted per redacted file with `tokenizer`; 0
    // when nothing was redacted.
    qint64 tokenDelta = 0;
};

// Writes the pack of `files` (as Selection::selectedFiles() gives them) and applies
// `policy`: what ChatSession sends, and what the "What leaves the machine" view shows before
// sending. Blocking: run it on a worker of `pool`.
Result<PreparedPack> preparePack(repo::SnapshotPtr snapshot, const std::vector<int> &files,
                                 const prompt::PackFormat &format, QThreadPool *pool,
                                 const std::atomic_bool *cancel, const RedactionPolicy &policy,
                                 const tokenize::Tokenizer &tokenizer);

} // namespace reposcope::workspace
