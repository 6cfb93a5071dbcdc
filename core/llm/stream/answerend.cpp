// SPDX-License-Identifier: MIT
#include "llm/stream/answerend.h"

#include "common/figures.h"

#include <QCoreApplication>
#include <QStringList>

namespace reposcope::llm {

bool isCutOffReason(const QString &finishReason) {
    static const QStringList kReasons{
        QStringLiteral("length"),
        QStringLiteral("max_tokens"),
        QStringLiteral("max_output_tokens"),
        QStringLiteral("model_context_window_exceeded"),
    };
    return kReasons.contains(finishReason.trimmed(), Qt::CaseInsensitive);
}

AnswerEnd answerEnd(const QString &answer, const QString &reasoning, const QString &finishReason) {
    const bool cutOff = isCutOffReason(finishReason);
    if (!answer.trimmed().isEmpty())
        return cutOff ? AnswerEnd::CutOff : AnswerEnd::Complete;
    return cutOff && !reasoning.trimmed().isEmpty() ? AnswerEnd::ThinkingOnly : AnswerEnd::NoText;
}

QString answerEndMessage(AnswerEnd end, const ChatStats &stats, int maxOutputTokens) {
    const auto tr = [](const char *text) { return QCoreApplication::translate("AnswerEnd", text); };
    // The limit as the server counted it when it said so, else what the request asked for.
    const qint64 limit =
        stats.usage.completionTokens > 0 ? stats.usage.completionTokens : qint64(maxOutputTokens);
    const QString tokens =
        limit > 0 ? tr("%1 tokens").arg(formatCount(limit)) : tr("the server's default");
    switch (end) {
    case AnswerEnd::Complete:
        return QString();
    case AnswerEnd::CutOff:
        return tr("The answer stopped at the output token limit (%1, finish reason \"%2\") and is "
                  "incomplete.")
                   .arg(tokens, stats.finishReason) +
               QLatin1Char(' ') + tr(kCutOffHint);
    case AnswerEnd::ThinkingOnly:
        return tr("The model spent its whole output budget (%1) thinking and wrote no answer.")
                   .arg(tokens) +
               QLatin1Char(' ') + tr(kThinkingOnlyHint);
    case AnswerEnd::NoText:
        return stats.finishReason.isEmpty()
                   ? tr("The model ended without writing any answer text.")
                   : tr("The model ended (finish reason \"%1\") without writing any answer text.")
                         .arg(stats.finishReason);
    }
    return QString();
}

} // namespace reposcope::llm
