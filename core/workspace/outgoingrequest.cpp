// SPDX-License-Identifier: MIT
#include "workspace/outgoingrequest.h"

#include "prompt/prompttokens.h"
#include "security/secrets/secretscanner.h"
#include "tokenize/tokenizer.h"

#include <QLocale>
#include <QObject>
#include <QRegularExpression>

#include <algorithm>

namespace reposcope::workspace {

namespace {

bool cancelled(const std::atomic_bool *cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

Error cancelledError() {
    return Error::make(Error::Code::Cancelled, QObject::tr("Cancelled."));
}

// The parts of `messages`, labelled by their place in the conversation; the last user
// message is the question about to be sent.
QList<OutgoingPart> partsOf(const std::vector<llm::ChatMessage> &messages, int packFiles) {
    QList<OutgoingPart> parts;
    int question = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const llm::ChatMessage &m = messages[i];
        const bool last = i + 1 == messages.size();
        switch (m.role) {
        case llm::ChatMessage::Role::System:
            parts.append({OutgoingPart::Kind::System, QObject::tr("System prompt"), m.text});
            break;
        case llm::ChatMessage::Role::User:
            if (!m.prefix.isEmpty())
                parts.append({OutgoingPart::Kind::Pack,
                              packFiles == 1  ? QObject::tr("Repository pack (1 file)")
                              : packFiles > 1 ? QObject::tr("Repository pack (%1 files)")
                                                    .arg(QLocale().toString(packFiles))
                                              : QObject::tr("Repository pack"),
                              m.prefix});
            if (last)
                parts.append({OutgoingPart::Kind::NextQuestion,
                              QObject::tr("Your question (not sent yet)"), m.text});
            else
                parts.append({OutgoingPart::Kind::Question,
                              QObject::tr("Question %1 (sent before)").arg(++question), m.text});
            break;
        case llm::ChatMessage::Role::Assistant:
            parts.append(
                {OutgoingPart::Kind::Answer, QObject::tr("Answer %1").arg(question), m.text});
            break;
        }
    }
    return parts;
}

} // namespace

Result<OutgoingRequest> buildOutgoing(const OutgoingInputs &in, QThreadPool *pool,
                                      const std::atomic_bool *cancel) {
    OutgoingRequest out;
    out.redacts = in.policy.scanner && in.policy.redact;
    SecretReport questionReport;
    const QByteArray question =
        redactText(in.question, QStringLiteral("question"), in.policy, &questionReport).toUtf8();

    std::vector<llm::ChatMessage> messages = in.messages;
    if (messages.empty()) {
        // A first question: the pack as ChatSession will write it for this selection.
        if (!in.snapshot || !in.tokenizer || !in.format)
            return Error::make(Error::Code::Usage, QObject::tr("Open a repository first."));
        Result<PreparedPack> pack =
            preparePack(in.snapshot, in.files, *in.format, pool, cancel, in.policy, *in.tokenizer);
        if (!pack)
            return pack.error();
        out.packIsNew = true;
        out.packFiles = pack->files;
        out.problems = pack->problems;
        out.secrets = pack->secrets;
        if (!in.systemPrompt.isEmpty())
            messages.push_back({llm::ChatMessage::Role::System, in.systemPrompt, {}, {}});
        messages.push_back(
            {llm::ChatMessage::Role::User, QByteArray(prompt::kQuestionSeparator), {}, pack->text});
    }
    if (cancelled(cancel))
        return cancelledError();
    messages.back().text += question; // "" or the separator after the pack, then the question
    out.secrets.append(questionReport);
    out.parts = partsOf(messages, out.packFiles);

    if (in.tokenizer)
        out.tokensExact = in.tokenizer->isExact();
    for (const OutgoingPart &part : std::as_const(out.parts)) {
        if (cancelled(cancel))
            return cancelledError();
        out.bytes += part.text.size();
        if (in.tokenizer)
            out.tokens += in.tokenizer->count(
                std::string_view(part.text.constData(), std::size_t(part.text.size())));
    }
    return out;
}

OutgoingLayout layoutOutgoing(const OutgoingRequest &request,
                              const security::secrets::SecretScanner *scanner,
                              const std::atomic_bool *cancel) {
    using Span = OutgoingLayout::Span;
    OutgoingLayout layout;
    static const QRegularExpression marker(QStringLiteral("«redacted:[^»\\n]*»"));
    const QLocale locale;
    for (const OutgoingPart &part : request.parts) {
        if (cancelled(cancel))
            return layout;
        if (!layout.text.isEmpty() && !layout.text.endsWith(QLatin1Char('\n')))
            layout.text += QLatin1Char('\n');
        const QString header = QStringLiteral("━━ %1 · %2 bytes ━━")
                                   .arg(part.label, locale.toString(qint64(part.text.size())));
        layout.partStarts.append(int(layout.text.size()));
        layout.spans.append({Span::Kind::Header, int(layout.text.size()), int(header.size())});
        layout.text += header + QLatin1Char('\n');

        QString body = QString::fromUtf8(part.text);
        if (body.contains(QLatin1Char('\r'))) {
            layout.crlf = layout.crlf || body.contains(QLatin1String("\r\n"));
            body.replace(QLatin1String("\r\n"), QLatin1String("\n"));
        }
        const int base = int(layout.text.size());
        QList<Span> spans;
        for (auto it = marker.globalMatch(body); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            spans.append(
                {Span::Kind::Marker, base + int(m.capturedStart()), int(m.capturedLength())});
        }
        layout.markers += int(spans.size());
        if (scanner) {
            for (const security::secrets::SecretHit &hit : scanner->scan(body)) {
                spans.append({Span::Kind::Secret, base + int(hit.begin), int(hit.end - hit.begin)});
                ++layout.secrets;
            }
        }
        std::sort(spans.begin(), spans.end(),
                  [](const Span &a, const Span &b) { return a.position < b.position; });
        int end = 0;
        for (const Span &s : std::as_const(spans)) {
            if (s.position < end)
                continue; // a hit inside a marker: the marker wins
            layout.spans.append(s);
            end = s.position + s.length;
        }
        layout.text += body;
    }
    return layout;
}

} // namespace reposcope::workspace
