// SPDX-License-Identifier: MIT
#include "findings/citationverifier.h"

#include "findings/quotesearch.h"

#include <QMutexLocker>

#include <cstdlib>

namespace reposcope::findings {

struct CitationVerifier::FileIndex {
    explicit FileIndex(const QByteArray &utf8)
        : text(utf8) {}
    NormalisedText text;
};

namespace {

// How far around the cited lines a multi-line quote may start or end and still
// count as "at the cited lines": models often cite the first line of a block,
// or one line off.
constexpr int kMultiLineSlack = 3;
// Candidates named in an "ambiguous" note.
constexpr int kCandidatesNamed = 5;

QString fileNameOf(const QString &path) {
    return path.mid(path.lastIndexOf(QLatin1Char('/')) + 1);
}

// The tolerated spellings of a path: surrounding quotes, backslashes, "./", a
// leading "/".
QString cleanPath(const QString &cited) {
    QString path = cited.trimmed();
    while (path.size() >= 2 &&
           (path.front() == QLatin1Char('`') || path.front() == QLatin1Char('"') ||
            path.front() == QLatin1Char('\'')) &&
           path.back() == path.front())
        path = path.mid(1, path.size() - 2).trimmed();
    path.replace(QLatin1Char('\\'), QLatin1Char('/'));
    while (path.startsWith(QLatin1String("./")))
        path.remove(0, 2);
    while (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    return path;
}

QString quoted(const QString &path) {
    return QLatin1Char('\'') + path + QLatin1Char('\'');
}

QString listCandidates(QStringList candidates) {
    candidates.sort();
    const qsizetype more = candidates.size() - kCandidatesNamed;
    if (more > 0)
        candidates.resize(kCandidatesNamed);
    QString list = candidates.join(QLatin1String(", "));
    if (more > 0)
        list += QStringLiteral(" and %1 more").arg(more);
    return list;
}

// "47" or "47-49".
QString numbersText(int start, int end) {
    return start == end ? QString::number(start) : QStringLiteral("%1-%2").arg(start).arg(end);
}

// "line 47" or "lines 47-49".
QString linesText(int start, int end) {
    return (start == end ? QStringLiteral("line ") : QStringLiteral("lines ")) +
           numbersText(start, end);
}

// Why the cited range does not fit a file of `count` lines; empty when it fits.
QString rangeProblem(int start, int end, int count) {
    if (count == 0)
        return QStringLiteral("%1 cited, but the file is empty").arg(linesText(start, end));
    if (start > count)
        return QStringLiteral("line %1 is past the end (%2 lines)").arg(start).arg(count);
    if (end > count)
        return QStringLiteral("%1 run past the end (%2 lines)")
            .arg(linesText(start, end))
            .arg(count);
    return QString();
}

bool overlaps(const LineSpan &span, int start, int end, int slack) {
    return span.start <= end + slack && span.end >= start - slack;
}

// The occurrence starting closest to `line` (the earlier one on a tie).
LineSpan nearest(const QList<LineSpan> &spans, int line) {
    LineSpan best = spans.front();
    for (const LineSpan &span : spans) {
        if (std::abs(span.start - line) < std::abs(best.start - line))
            best = span;
    }
    return best;
}

ResolvedLocation unverified(const QString &path, const QString &note) {
    ResolvedLocation location;
    location.status = VerificationStatus::Unverified;
    location.path = path;
    location.note = note;
    return location;
}

} // namespace

CitationVerifier::CitationVerifier(SourceSetPtr sources)
    : m_sources(std::move(sources)) {
    if (!m_sources)
        return;
    const QStringList &paths = m_sources->paths();
    m_paths.reserve(paths.size());
    for (const QString &path : paths) {
        m_paths.insert(path);
        if (path.contains(QLatin1Char('\\'))) {
            QString slashed = path;
            slashed.replace(QLatin1Char('\\'), QLatin1Char('/'));
            m_bySlashed.insert(slashed, m_bySlashed.contains(slashed) ? QString() : path);
        }
        const QString name = fileNameOf(path);
        const auto known = m_byName.constFind(name);
        if (known == m_byName.cend())
            m_byName.insert(name, path);
        else if (*known != path)
            m_byName.insert(name, QString()); // a second file with this name
    }
}

CitationVerifier::~CitationVerifier() = default;

CitationVerifier::PathMatch CitationVerifier::matchPath(const QString &cited) const {
    PathMatch match;
    const QString path = cleanPath(cited);
    if (path.isEmpty()) {
        match.note = QStringLiteral("no file was named");
        return match;
    }
    if (m_paths.contains(path)) {
        match.path = path;
        return match;
    }
    // "inv\xff.txt" as the pack shows it, its backslash read as a separator on the way here.
    if (const QString escaped = m_bySlashed.value(path); !escaped.isEmpty()) {
        match.path = escaped;
        return match;
    }
    // "reposcope/core/x.cpp" for "core/x.cpp": the model prefixed the
    // repository's folder.
    const QString root = m_sources ? m_sources->rootName() : QString();
    if (!root.isEmpty() && path.startsWith(root + QLatin1Char('/'))) {
        const QString inside = path.mid(root.size() + 1);
        if (m_paths.contains(inside)) {
            match.path = inside;
            return match;
        }
    }
    QStringList candidates;
    const QString suffix = QLatin1Char('/') + path;
    for (const QString &known : m_paths) {
        if (known.endsWith(suffix))
            candidates.append(known);
    }
    const QString name = fileNameOf(path);
    if (candidates.isEmpty() && name != path) {
        // Another folder than cited: accepted only when the file name is unique.
        const QString unique = m_byName.value(name);
        if (!unique.isEmpty()) {
            match.path = unique;
            match.corrected = true;
            match.note = QStringLiteral("no file %1; the only %2 is %3")
                             .arg(quoted(path), quoted(name), unique);
            return match;
        }
        if (m_byName.contains(name)) {
            for (const QString &known : m_paths) {
                if (fileNameOf(known) == name)
                    candidates.append(known);
            }
            match.note = QStringLiteral("no file %1, and %2 is ambiguous: %3")
                             .arg(quoted(path), quoted(name), listCandidates(candidates));
            return match;
        }
    }
    if (candidates.isEmpty()) {
        match.note = QStringLiteral("no file %1 in the snapshot").arg(quoted(path));
    } else if (candidates.size() > 1) {
        match.note =
            QStringLiteral("%1 is ambiguous: %2").arg(quoted(path), listCandidates(candidates));
    } else {
        match.path = candidates.front();
        match.corrected = true;
        match.note = QStringLiteral("%1 is %2").arg(quoted(path), match.path);
    }
    return match;
}

QString CitationVerifier::resolvePath(const QString &cited, QString *why) const {
    const PathMatch match = matchPath(cited);
    if (why)
        *why = match.path.isEmpty() ? match.note : QString();
    return match.path;
}

std::shared_ptr<const CitationVerifier::FileIndex>
CitationVerifier::fileIndex(const QString &path) const {
    {
        QMutexLocker lock(&m_cacheMutex);
        const auto cached = m_cache.constFind(path);
        if (cached != m_cache.cend())
            return *cached;
    }
    // Built outside the lock: two threads may build the same file once each,
    // harmlessly.
    const std::optional<QByteArray> text = m_sources->text(path);
    std::shared_ptr<const FileIndex> index;
    if (text)
        index = std::make_shared<const FileIndex>(*text);
    QMutexLocker lock(&m_cacheMutex);
    m_cache.insert(path, index);
    return index;
}

ResolvedLocation CitationVerifier::verify(const Citation &citation, const QString &quote) const {
    if (!m_sources)
        return unverified(QString(), QStringLiteral("the repository snapshot is not available"));
    const PathMatch match = matchPath(citation.path);
    if (match.path.isEmpty())
        return unverified(QString(), match.note);
    const std::shared_ptr<const FileIndex> file = fileIndex(match.path);
    if (!file)
        return unverified(match.path,
                          QStringLiteral("%1 could not be read as text").arg(match.path));

    QStringList notes;
    if (match.corrected)
        notes << match.note;
    const int lineCount = file->text.lineCount();
    const int start = citation.startLine;
    const int end = std::max(citation.endLine, start);
    const QString outOfRange = citation.hasLine() ? rangeProblem(start, end, lineCount) : QString();
    if (!outOfRange.isEmpty())
        notes << outOfRange;

    ResolvedLocation location;
    location.path = match.path;
    const QList<QuotePattern> patterns = quotePatterns(quote);
    if (patterns.isEmpty()) {
        if (!outOfRange.isEmpty())
            return unverified(match.path, notes.join(QLatin1String("; ")));
        // Nothing was checked but that the place exists: located, never verified ("verified"
        // means the quote holds). A corrected path stays corrected, with its note.
        location.status =
            match.corrected ? VerificationStatus::Corrected : VerificationStatus::Located;
        location.startLine = citation.hasLine() ? start : 0;
        location.endLine = citation.hasLine() ? end : 0;
        location.note = notes.join(QLatin1String("; "));
        return location;
    }

    location.quoteChecked = true;
    QList<LineSpan> spans;
    bool multiLine = false;
    for (const QuotePattern &pattern : patterns) {
        spans = findQuote(file->text, pattern);
        multiLine = pattern.multiLine;
        if (!spans.isEmpty())
            break;
    }
    if (spans.isEmpty()) {
        notes << QStringLiteral("the quote is not in %1").arg(match.path);
        ResolvedLocation missing = unverified(match.path, notes.join(QLatin1String("; ")));
        missing.quoteChecked = true;
        return missing;
    }

    const int slack = multiLine ? kMultiLineSlack : 0;
    if (citation.hasLine() && outOfRange.isEmpty()) {
        for (const LineSpan &span : spans) {
            if (!overlaps(span, start, end, slack))
                continue;
            location.status =
                match.corrected ? VerificationStatus::Corrected : VerificationStatus::Verified;
            location.startLine = start;
            location.endLine = end;
            location.note = notes.join(QLatin1String("; "));
            return location;
        }
    }
    if (!citation.hasLine()) {
        // Nothing was wrong, the location was only incomplete: the quote supplies
        // the lines.
        const LineSpan &first = spans.front();
        location.status =
            match.corrected ? VerificationStatus::Corrected : VerificationStatus::Verified;
        location.startLine = first.start;
        location.endLine = first.end;
        notes << QStringLiteral("no line cited; the quote is at %1")
                     .arg(numbersText(first.start, first.end));
        if (spans.size() > 1)
            notes.back() += QStringLiteral(" (first of %1 places)").arg(spans.size());
        location.note = notes.join(QLatin1String("; "));
        return location;
    }
    const LineSpan found = nearest(spans, start);
    location.status = VerificationStatus::Corrected;
    location.startLine = found.start;
    location.endLine = found.end;
    // Past the end, the range note already says what was cited.
    notes << (outOfRange.isEmpty()
                  ? QStringLiteral("cited %1, the quote is at %2")
                        .arg(linesText(start, end), numbersText(found.start, found.end))
                  : QStringLiteral("the quote is at %1").arg(numbersText(found.start, found.end)));
    location.note = notes.join(QLatin1String("; "));
    return location;
}

void CitationVerifier::verify(Finding &finding) const {
    finding.resolved = verify(finding.citation, finding.quote);
    for (FlowStep &step : finding.flow)
        step.resolved = verify(step.citation, step.quote);
    for (FlowStep &step : finding.related)
        step.resolved = verify(step.citation, step.quote);
}

void CitationVerifier::verify(Mention &mention) const {
    mention.resolved = verify(mention.citation, mention.quote);
}

} // namespace reposcope::findings
