// SPDX-License-Identifier: MIT
// The words of prose findings: severity labels and emoji, closing phrases, code spans,
// paths in code spans, flow cues ("comes from", "reaches", "flows to").
#include "findings/citationparser.h"
#include "findings/extractinternal.h"
#include "findings/proseitems.h"

#include <QRegularExpression>

namespace reposcope::findings::detail {

namespace {

const char *const kSeverityWords =
    "critical|high|medium|moderate|low|info|informational|minor|major|severe|blocker";

QRegularExpression makeRe(const char *pattern, bool caseless = true) {
    QRegularExpression::PatternOptions options = QRegularExpression::UseUnicodePropertiesOption;
    if (caseless)
        options |= QRegularExpression::CaseInsensitiveOption;
    QString text = QString::fromUtf8(pattern);
    if (text.contains(QLatin1String("%1")))
        text = text.arg(QLatin1String(kSeverityWords));
    return QRegularExpression(text, options);
}

// Severity labels inside prose; the severity word is capture 1. A bare "high" in a sentence
// ("high-level", "a high number") is none of these.
const QList<QRegularExpression> &labelPatterns() {
    static const QList<QRegularExpression> patterns = {
        // (High)  [Critical]  (high severity)  (Severity: low)  (High risk)  (High, CWE-89)
        makeRe(
            R"([(\[]\s*(?:severity\s*[:=\-]?\s*)?[*_]*(%1)[*_]*(?:[\s\-]+(?:severity|risk|priority))?\s*[)\],;])"),
        // Severity: High   **Severity:** high   severity is low   Priority - low
        makeRe(
            R"(\b(?:severity|priority)(?:\s+level)?[*_]*\s*(?:[:=\-\x{2013}\x{2014}]|\bis\b)?\s*[*_]*\s*(%1)\b)"),
        // Risk: High   Risk level = low
        makeRe(R"(\brisk(?:\s+level)?[*_]*\s*[:=]\s*[*_]*\s*(%1)\b)"),
        // High severity   high-severity
        makeRe(R"(\b(%1)[\s\-]+severity\b)"),
        // **High**   **Critical:**   __Low__
        makeRe(R"((?:\*\*|__)\s*(%1)\s*:?\s*(?:\*\*|__))"),
        // "**1. SQL injection — Critical**", "### Path traversal: high" (at the end of a line)
        makeRe(R"((?:[\x{2014}\x{2013}|:]|\s-)\s*[*_]*(%1)(?:[\s\-]+severity)?[*_]*\s*:?$)"),
    };
    return patterns;
}

// "High: ...", "Critical — ...", "HIGH | ..." at the start (capitalised, then a separator).
const QRegularExpression &leadPattern() {
    static const QRegularExpression pattern = makeRe(
        R"(^[^\p{L}\d]{0,12}?((?:Critical|High|Medium|Moderate|Low|Info|Informational|CRITICAL|HIGH|MEDIUM|MODERATE|LOW|INFO))\b(?:[\s\-]+[Ss]everity)?\s*(?::|\x{2014}|\x{2013}|\s-\s|\s\|))",
        false);
    return pattern;
}

struct Emoji {
    const char *utf8;
    Severity severity;
};
const Emoji kEmoji[] = {
    {"\U0001F534", Severity::Critical}, {"\U0001F7E0", Severity::High},
    {"\U0001F7E1", Severity::Medium},   {"\U0001F7E2", Severity::Low},
    {"\U0001F535", Severity::Info},     {"\u26AA", Severity::Info},
};

bool isWordChar(QChar c) {
    return c.isLetterOrNumber() || c == u'_';
}

} // namespace

std::optional<Severity> leadingEmojiSeverity(QStringView text) {
    qsizetype p = 0;
    while (p < text.size() && (text[p].isSpace() || text[p] == u'*' || text[p] == u'_' ||
                               text[p] == u'[' || text[p] == u'(' || text[p] == u'|'))
        ++p;
    const QStringView rest = text.sliced(p);
    for (const Emoji &emoji : kEmoji) {
        if (rest.startsWith(QString::fromUtf8(emoji.utf8)))
            return emoji.severity;
    }
    return std::nullopt;
}

QString withoutCodeSpans(QStringView text) {
    QString out = text.toString();
    for (const CodeSpan &span : codeSpans(text))
        out.replace(span.pos, span.length, QString(span.length, u' '));
    return out;
}

std::optional<Severity> emojiSeverity(QStringView text) {
    qsizetype best = -1;
    std::optional<Severity> found;
    for (const Emoji &emoji : kEmoji) {
        const qsizetype at = text.indexOf(QString::fromUtf8(emoji.utf8));
        if (at >= 0 && (best < 0 || at < best)) {
            best = at;
            found = emoji.severity;
        }
    }
    return found;
}

QString withoutEmoji(QString text) {
    for (const Emoji &emoji : kEmoji)
        text.remove(QString::fromUtf8(emoji.utf8));
    text.remove(QChar(0xFE0F));
    return text;
}

// The first severity label in the text and where it is.
std::optional<Severity> severityIn(QStringView text) {
    qsizetype best = -1;
    QString word;
    const QString s = withoutCodeSpans(text);
    const QRegularExpressionMatch lead = leadPattern().match(s);
    if (lead.hasMatch()) {
        best = lead.capturedStart(1);
        word = lead.captured(1);
    }
    for (const QRegularExpression &pattern : labelPatterns()) {
        const QRegularExpressionMatch m = pattern.match(s);
        if (m.hasMatch() && (best < 0 || m.capturedStart(1) < best)) {
            best = m.capturedStart(1);
            word = m.captured(1);
        }
    }
    return best < 0 ? std::nullopt : parseSeverity(word);
}

QString removeSeverityLabels(QString t) {
    static const QList<QRegularExpression> removals = {
        makeRe(
            R"(\s*[(\[]\s*(?:severity\s*[:=\-]?\s*)?[*_]*(?:%1)[*_]*(?:[\s\-]+(?:severity|risk|priority))?\s*[)\]])"),
        makeRe(R"((?:\*\*|__)\s*(?:%1)\s*:?\s*(?:\*\*|__)\s*:?)"),
        makeRe(R"(^\s*(?:%1)(?:[\s\-]+severity)?\s*(?::|\x{2014}|\x{2013}|\s-\s|\|)\s*)"),
        makeRe(R"(\s*(?::|\x{2014}|\x{2013}|\s-\s|\|)\s*(?:%1)(?:[\s\-]+severity)?\s*$)"),
        makeRe(R"(\s*\bseverity\s*[:=\-]?\s*(?:%1)\b)"),
    };
    t = withoutEmoji(std::move(t));
    for (const QRegularExpression &removal : removals)
        t.remove(removal);
    return t.trimmed();
}

// "1. ", "2) ", "#3 ", "Finding 1:" at the start of a head.
QStringView skipNumbering(QStringView t) {
    static const QRegularExpression numbering(
        QStringLiteral(R"(^\s*(?:(?:finding|issue|vulnerability)\s+)?#?\d{1,3}[.):]?\s+)"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = numbering.match(t.toString());
    return m.hasMatch() ? t.sliced(m.capturedLength()) : t;
}

// Emphasis, separators and spaces that may end a title or start an explanation.
QString trimPunctuation(const QString &text) {
    static const QString kTrim = QStringLiteral(" \t*_:;,.\u2014\u2013-|");
    qsizetype from = 0;
    qsizetype to = text.size();
    while (from < to && kTrim.contains(text[from]))
        ++from;
    while (to > from && kTrim.contains(text[to - 1]))
        --to;
    QString out = text.sliced(from, to - from);
    // An unbalanced backtick left by the cut ("`invoices_for") is dropped.
    if (out.count(u'`') % 2 == 1) {
        if (out.startsWith(u'`'))
            out.remove(0, 1);
        else if (out.endsWith(u'`'))
            out.chop(1);
    }
    return out.trimmed();
}

QList<CodeSpan> codeSpans(QStringView t) {
    QList<CodeSpan> spans;
    for (qsizetype i = 0; i < t.size();) {
        if (t[i] != u'`') {
            ++i;
            continue;
        }
        qsizetype run = 0;
        while (i + run < t.size() && t[i + run] == u'`')
            ++run;
        const QString closer(run, u'`');
        qsizetype close = t.indexOf(closer, i + run);
        while (close >= 0 && close + run < t.size() && t[close + run] == u'`')
            close = t.indexOf(closer, close + run + 1);
        if (close < 0)
            break;
        QString content = t.sliced(i + run, close - i - run).toString();
        if (run > 1)
            content = content.trimmed();
        if (!content.trimmed().isEmpty())
            spans.append({i, close + run - i, content});
        i = close + run;
    }
    return spans;
}

namespace {

bool hasKnownExtension(QStringView path) {
    static const QStringList kExtensions = {
        QStringLiteral("py"),   QStringLiteral("js"),   QStringLiteral("ts"),
        QStringLiteral("tsx"),  QStringLiteral("jsx"),  QStringLiteral("go"),
        QStringLiteral("rs"),   QStringLiteral("java"), QStringLiteral("kt"),
        QStringLiteral("c"),    QStringLiteral("h"),    QStringLiteral("cc"),
        QStringLiteral("cpp"),  QStringLiteral("hpp"),  QStringLiteral("cs"),
        QStringLiteral("rb"),   QStringLiteral("php"),  QStringLiteral("swift"),
        QStringLiteral("sh"),   QStringLiteral("sql"),  QStringLiteral("json"),
        QStringLiteral("yml"),  QStringLiteral("yaml"), QStringLiteral("toml"),
        QStringLiteral("ini"),  QStringLiteral("cfg"),  QStringLiteral("env"),
        QStringLiteral("xml"),  QStringLiteral("html"), QStringLiteral("md"),
        QStringLiteral("vue"),  QStringLiteral("mod"),  QStringLiteral("txt"),
        QStringLiteral("lock"), QStringLiteral("conf"), QStringLiteral("properties")};
    const qsizetype dot = path.lastIndexOf(u'.');
    return dot >= 0 && kExtensions.contains(path.sliced(dot + 1).toString(), Qt::CaseInsensitive);
}

} // namespace

// A code span that names a file rather than quoting code: "app/db.py", "app/db.py:12".
std::optional<Citation> pathSpan(const QString &content) {
    const QList<CitationMatch> matches = findCitations(content);
    if (!matches.isEmpty() && matches.first().length >= content.trimmed().size() - 2)
        return matches.first().citation;
    const QString t = content.trimmed();
    // A file name with an extension ("app/config.py", "settings.toml"), not "n/a".
    const qsizetype slash = std::max(t.lastIndexOf(u'/'), t.lastIndexOf(u'\\'));
    const bool named = hasKnownExtension(t) || (slash >= 0 && t.indexOf(u'.', slash) > slash + 1);
    if (t.contains(u' ') || !named)
        return std::nullopt;
    std::optional<Citation> citation = parseCitation(t);
    if (citation && citation->text != t)
        return std::nullopt;
    return citation;
}

// Code rather than a name: punctuation or spaces besides letters ("db.Query(q)", not "id").
bool isCodeLike(const QString &content) {
    static const QRegularExpression route(QStringLiteral(R"(^[\w.\-]*[/\\][\w./\\\-<>{}:]*$)"));
    if (route.match(content).hasMatch())
        return false; // a route or a folder ("/admin/export", "static/"): a name
    bool word = false;
    bool other = false;
    for (QChar c : content) {
        (isWordChar(c) ? word : other) = true;
    }
    return word && other;
}

// A span the prose offers as the fix ("use `hmac.compare_digest`"), not the cited code.
bool isSuggestion(QStringView before) {
    const QString t = before.right(16).toString().toLower().trimmed();
    static const char *const kCues[] = {"use",          "instead", "e.g.",     "such as",
                                        "replace with", "prefer",  "switch to"};
    for (const char *cue : kCues) {
        if (t.endsWith(QLatin1String(cue)) &&
            (t.size() == qsizetype(qstrlen(cue)) || !t[t.size() - qstrlen(cue) - 1].isLetter()))
            return true;
    }
    return false;
}

Role roleBefore(QStringView before) {
    const QString t = before.right(60).toString().toLower();
    static const char *const kSource[] = {"comes from",  "come from",  "coming from",  "originates",
                                          "originating", "flows from", "sourced from", "taken from",
                                          "read at",     "read from",  "read in",      "enters at"};
    static const char *const kSink[] = {
        "reaches", "reach ",    "reaching",    "flows to", "flows into", "flow to", "flow into",
        "flowing", "passed to", "passed into", "ends up",  "\u2192",     "->"};
    qsizetype source = -1;
    qsizetype sink = -1;
    for (const char *cue : kSource)
        source = std::max(source, t.lastIndexOf(QString::fromUtf8(cue)));
    for (const char *cue : kSink)
        sink = std::max(sink, t.lastIndexOf(QString::fromUtf8(cue)));
    if (source < 0 && sink < 0)
        return Role::None;
    return source > sink ? Role::Source : Role::Sink;
}

QString nearestCodeSpan(QStringView text, qsizetype citationPos, qsizetype from) {
    qsizetype best = -1;
    QString quote;
    for (const CodeSpan &span : codeSpans(text)) {
        if (span.pos < from || pathSpan(span.content))
            continue;
        const bool after = span.pos >= citationPos;
        const qsizetype distance =
            after ? span.pos - citationPos : citationPos - span.pos - span.length;
        const qsizetype tier =
            (isSuggestion(text.first(span.pos)) ? 2 : 0) + (isCodeLike(span.content) ? 0 : 1);
        const qsizetype rank = (tier * 4 * kProseItemLimit + distance) * 2 + (after ? 0 : 1);
        if (best < 0 || rank < best) {
            best = rank;
            quote = span.content;
        }
    }
    return quote;
}

std::optional<Severity> groupSeverity(QStringView head) {
    const std::optional<Severity> emoji = emojiSeverity(head);
    QString t = withoutEmoji(head.toString()).toLower();
    static const QRegularExpression noise(
        QStringLiteral(
            R"(\b(?:severity|issues?|findings?|vulnerabilit(?:y|ies)|problems?|priority|risks?|level)\b|[^\p{L}\s])"),
        QRegularExpression::UseUnicodePropertiesOption);
    t.replace(noise, QStringLiteral(" "));
    const QStringList words = t.split(u' ', Qt::SkipEmptyParts);
    if (words.isEmpty())
        return emoji;
    if (words.size() != 1)
        return std::nullopt;
    static const QStringList kAmbiguous = {QStringLiteral("note"), QStringLiteral("warning"),
                                           QStringLiteral("error"), QStringLiteral("none"),
                                           QStringLiteral("information")};
    if (kAmbiguous.contains(words.first()))
        return std::nullopt;
    return parseSeverity(words.first());
}

bool startsProseSection(QStringView head) {
    const QString t = withoutEmoji(head.toString()).trimmed();
    for (const Emoji &emoji : kEmoji) {
        if (head.trimmed().startsWith(QString::fromUtf8(emoji.utf8)))
            return true; // "🔴 SQL injection in ..."
    }
    if (t.startsWith(u"**") || t.startsWith(u"__"))
        return t.indexOf(t.first(2), 2) > 2;
    return leadPattern().match(t).hasMatch() ||
           labelPatterns().first().match(t).capturedStart() == 0;
}

bool isClosingText(QStringView text) {
    qsizetype p = 0;
    while (p < text.size() && !text[p].isLetter())
        ++p;
    const QString t = text.sliced(p).toString().toLower();
    static const char *const kCues[] = {
        "summary",        "in summary",      "to summarize",   "to summarise", "to sum up",
        "overall",        "in conclusion",   "conclusion",     "in short",     "tl;dr",
        "tldr",           "all in all",      "final thoughts", "next steps",   "let me know",
        "i hope",         "hope this helps", "if you'd like",  "if you want",  "would you like",
        "recommendations"};
    for (const char *cue : kCues) {
        const qsizetype n = qstrlen(cue);
        if (t.startsWith(QLatin1String(cue)) && (t.size() == n || !t[n].isLetter()))
            return true;
    }
    return false;
}

bool sameFinding(const Finding &a, const Finding &b) {
    const auto sameCitation = [](const Citation &x, const Citation &y) {
        return x.path == y.path && x.startLine == y.startLine && x.endLine == y.endLine &&
               x.text == y.text;
    };
    const auto sameSteps = [&](const QList<FlowStep> &x, const QList<FlowStep> &y) {
        if (x.size() != y.size())
            return false;
        for (qsizetype k = 0; k < x.size(); ++k) {
            if (!sameCitation(x[k].citation, y[k].citation) || x[k].quote != y[k].quote ||
                x[k].label != y[k].label)
                return false;
        }
        return true;
    };
    return a.severity == b.severity && a.title == b.title && sameCitation(a.citation, b.citation) &&
           a.quote == b.quote && a.explanation == b.explanation && sameSteps(a.flow, b.flow) &&
           sameSteps(a.related, b.related);
}

} // namespace reposcope::findings::detail
