// SPDX-License-Identifier: MIT
#include "chat/chatformat.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

#include <cmath>

namespace reposcope::ui::chatformat {

namespace {

QString tr(const char *text) {
    return QCoreApplication::translate("reposcope::ui::chatformat", text);
}

} // namespace

QString duration(qint64 ms) {
    if (ms < 0)
        return {};
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    if (ms < 60'000)
        return tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 seconds = ms / 1000;
    return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

QString tokens(qint64 count) {
    if (count >= 10'000'000)
        return tr("%1M").arg(double(count) / 1e6, 0, 'f', 2);
    return QLocale().toString(count);
}

QString cost(double dollars) {
    // Cents from a dime up; below that three significant digits, so $0.0132 is not "$0.01".
    int decimals = 2;
    if (dollars > 0 && dollars < 0.1)
        decimals = std::min(6, 2 - int(std::floor(std::log10(dollars))));
    QString number = QString::number(dollars, 'f', decimals);
    while (decimals-- > 2 && number.endsWith(u'0'))
        number.chop(1);
    return QStringLiteral("$") + number;
}

qint64 completionTokens(const llm::Turn &turn, bool *estimated) {
    const qint64 reported = turn.stats.usage.completionTokens;
    *estimated = reported < 0;
    return reported >= 0 ? reported : turn.stats.outputTokensEstimate;
}

qint64 promptTokens(const llm::Turn &turn, bool *estimated) {
    const qint64 reported = turn.stats.usage.promptTokens;
    *estimated = reported < 0;
    return reported >= 0 ? reported : turn.promptTokensEstimate;
}

std::optional<double> tokensPerSecond(const llm::Turn &turn, qint64 nowMs) {
    const llm::ChatStats &stats = turn.stats;
    if (stats.ttftMs < 0)
        return std::nullopt;
    const qint64 end = stats.totalMs >= 0 ? stats.totalMs : nowMs;
    bool estimated = false;
    const qint64 count = completionTokens(turn, &estimated);
    // Under a fifth of a second of streaming says nothing about the rate.
    if (end - stats.ttftMs < 200 || count <= 0)
        return std::nullopt;
    if (stats.totalMs >= 0)
        return stats.tokensPerSecond(); // the client's own figure for a finished request
    return double(count) * 1000.0 / double(end - stats.ttftMs);
}

QString turnFigures(const llm::Turn &turn) {
    const llm::ChatStats &stats = turn.stats;
    QStringList parts;
    if (stats.ttftMs >= 0)
        parts << tr("first token %1").arg(duration(stats.ttftMs));
    if (stats.totalMs >= 0)
        parts << tr("total %1").arg(duration(stats.totalMs));
    bool estimated = false;
    const qint64 prompt = promptTokens(turn, &estimated);
    if (prompt > 0) {
        QString text =
            tr("%1%2 prompt").arg(estimated ? QStringLiteral("≈") : QString(), tokens(prompt));
        if (stats.usage.cachedPromptTokens > 0)
            text += tr(" (%1 cached)").arg(tokens(stats.usage.cachedPromptTokens));
        parts << text;
    }
    const qint64 completion = completionTokens(turn, &estimated);
    if (completion > 0 || !estimated) {
        parts << tr("%1%2 completion")
                     .arg(estimated ? QStringLiteral("≈") : QString(), tokens(completion));
    }
    if (const std::optional<double> rate = tokensPerSecond(turn, stats.totalMs))
        parts << tr("%1 tok/s").arg(*rate, 0, 'f', *rate < 10 ? 1 : 0);
    if (turn.cost)
        parts << cost(*turn.cost);
    return parts.join(QStringLiteral(" · "));
}

} // namespace reposcope::ui::chatformat
