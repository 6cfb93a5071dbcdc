// SPDX-License-Identifier: MIT
#include "findings/citationurl.h"

#include <QStringList>

namespace reposcope::findings {

namespace {

// Every byte but unreserved characters encoded, so '&', '=', '#', '?', '+' and spaces in a
// path can never be taken for query syntax.
QString encoded(const QString &value) {
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

std::optional<int> lineNumber(const QString &text) {
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 1)
        return std::nullopt;
    return value;
}

} // namespace

QUrl citationUrl(const Citation &citation) {
    QString query = QStringLiteral("path=") + encoded(citation.path);
    if (citation.hasLine()) {
        const int end = std::max(citation.endLine, citation.startLine);
        query += QStringLiteral("&start=") + QString::number(citation.startLine) +
                 QStringLiteral("&end=") + QString::number(end);
    }
    QUrl url;
    url.setScheme(kCitationScheme.toString());
    url.setQuery(query, QUrl::StrictMode);
    return url;
}

std::optional<Citation> citationFromUrl(const QUrl &url) {
    if (!url.isValid() || url.scheme() != kCitationScheme)
        return std::nullopt;
    Citation citation;
    QString start;
    QString end;
    const QString query = url.query(QUrl::FullyEncoded);
    for (const QString &item : query.split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        if (eq < 0)
            continue;
        const QString key = item.left(eq);
        const QString value = QUrl::fromPercentEncoding(item.mid(eq + 1).toLatin1());
        if (key == QLatin1String("path"))
            citation.path = value;
        else if (key == QLatin1String("start"))
            start = value;
        else if (key == QLatin1String("end"))
            end = value;
    }
    if (citation.path.isEmpty())
        return std::nullopt;
    citation.text = citation.path;
    if (start.isEmpty())
        return citation;
    const std::optional<int> first = lineNumber(start);
    const std::optional<int> last = end.isEmpty() ? first : lineNumber(end);
    if (!first || !last || *last < *first)
        return std::nullopt;
    citation.startLine = *first;
    citation.endLine = *last;
    citation.text += QLatin1Char(':') + QString::number(*first);
    if (*last != *first)
        citation.text += QLatin1Char('-') + QString::number(*last);
    return citation;
}

} // namespace reposcope::findings
