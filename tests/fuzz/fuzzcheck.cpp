// SPDX-License-Identifier: MIT
#include "fuzzcheck.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace reposcope::fuzz {

namespace {
thread_local FailureCollector *t_collector = nullptr;

bool isControl(char16_t c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}
} // namespace

void fail(const char *target, const QString &what) {
    const QString line = QStringLiteral("%1: %2").arg(QLatin1String(target), what);
    if (t_collector != nullptr) {
        t_collector->m_failures.append(line);
        return;
    }
    std::fprintf(stderr, "fuzz invariant broken: %s\n", qPrintable(line));
    std::abort();
}

FailureCollector::FailureCollector()
    : m_previous(t_collector) {
    t_collector = this;
}

FailureCollector::~FailureCollector() {
    t_collector = m_previous;
}

QStringList FailureCollector::take() {
    return std::exchange(m_failures, {});
}

QString errorTextProblem(const QString &message) {
    if (message.trimmed().isEmpty())
        return QStringLiteral("empty error text");
    if (message.size() > kMaxErrorText)
        return QStringLiteral("error text of %1 characters: %2")
            .arg(message.size())
            .arg(printable(message));
    for (const QChar c : message) {
        if (isControl(c.unicode()))
            return QStringLiteral("control character U+%1 in the error text: %2")
                .arg(c.unicode(), 4, 16, QLatin1Char('0'))
                .arg(printable(message));
    }
    return {};
}

QString printable(const QString &text, int max) {
    QString out;
    for (const QChar c : text.left(max)) {
        if (isControl(c.unicode()))
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    if (text.size() > max)
        out += QStringLiteral("…");
    return out;
}

} // namespace reposcope::fuzz
