// SPDX-License-Identifier: MIT
#define PCRE2_CODE_UNIT_WIDTH 8
#include "security/secrets/secretscanner.h"

#include "security/secrets/keywordfilter.h"
#include "security/secrets/validators.h"

#include <QCryptographicHash>
#include <QHash>

#include <pcre2.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace reposcope::security::secrets {

namespace {

// A compiled PCRE2 pattern (JIT where the platform has it).
struct Regex {
    pcre2_code *code = nullptr;
    bool jit = false;
    int secretGroup = 0; // the group named "secret", else 0 (the whole match)
    Regex() = default;
    Regex(const Regex &) = delete;
    Regex &operator=(const Regex &) = delete;
    ~Regex() { pcre2_code_free(code); }

    QString compile(const QString &pattern, uint32_t options = 0) {
        const QByteArray utf8 = pattern.toUtf8();
        int errorCode = 0;
        PCRE2_SIZE errorOffset = 0;
        code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(utf8.constData()),
                             PCRE2_SIZE(utf8.size()), options, &errorCode, &errorOffset, nullptr);
        if (!code) {
            PCRE2_UCHAR buffer[256];
            pcre2_get_error_message(errorCode, buffer, sizeof buffer);
            return QStringLiteral("%1 (at offset %2)")
                .arg(QString::fromUtf8(reinterpret_cast<const char *>(buffer)))
                .arg(errorOffset);
        }
        jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
        const int group =
            pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("secret"));
        secretGroup = group > 0 ? group : 0;
        return {};
    }
};

// Match state for one thread: a JIT stack larger than the default 32 KiB (long PEM bodies)
// and a match limit that stops a pathological text from running away.
struct ThreadMatch {
    pcre2_match_context *context = nullptr;
    pcre2_jit_stack *stack = nullptr;
    ThreadMatch() {
        context = pcre2_match_context_create(nullptr);
        stack = pcre2_jit_stack_create(64 * 1024, 4 * 1024 * 1024, nullptr);
        if (stack)
            pcre2_jit_stack_assign(context, nullptr, stack);
        pcre2_set_match_limit(context, 5'000'000);
    }
    ~ThreadMatch() {
        pcre2_jit_stack_free(stack);
        pcre2_match_context_free(context);
    }
};

ThreadMatch &threadMatch() {
    thread_local ThreadMatch match;
    return match;
}

struct MatchData {
    pcre2_match_data *data;
    explicit MatchData(const Regex &re)
        : data(pcre2_match_data_create_from_pattern(re.code, nullptr)) {}
    ~MatchData() { pcre2_match_data_free(data); }
    MatchData(const MatchData &) = delete;
    MatchData &operator=(const MatchData &) = delete;
};

// Next match of `re` in text at or after `start`: {begin, end} of the whole match and of
// the secret group, or false.
bool nextMatch(const Regex &re, MatchData &md, QByteArrayView text, qsizetype start,
               qsizetype *matchEnd, qsizetype *secretBegin, qsizetype *secretEnd) {
    const auto *subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    const int rc = re.jit ? pcre2_jit_match(re.code, subject, PCRE2_SIZE(text.size()),
                                            PCRE2_SIZE(start), 0, md.data, threadMatch().context)
                          : pcre2_match(re.code, subject, PCRE2_SIZE(text.size()),
                                        PCRE2_SIZE(start), 0, md.data, threadMatch().context);
    if (rc < 0)
        return false;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md.data);
    *matchEnd = qsizetype(ov[1]) > start ? qsizetype(ov[1]) : start + 1;
    const int g = re.secretGroup < rc ? re.secretGroup : 0;
    *secretBegin = qsizetype(ov[2 * g]);
    *secretEnd = qsizetype(ov[2 * g + 1]);
    if (ov[2 * g] == PCRE2_UNSET) {
        *secretBegin = qsizetype(ov[0]);
        *secretEnd = qsizetype(ov[1]);
    }
    return true;
}

bool matchesSomewhere(const Regex &re, QByteArrayView text) {
    MatchData md(re);
    qsizetype e = 0, b = 0, f = 0;
    return nextMatch(re, md, text, 0, &e, &b, &f);
}

bool matchesWhole(const Regex &re, QByteArrayView text) {
    MatchData md(re);
    const int rc =
        pcre2_match(re.code, reinterpret_cast<PCRE2_SPTR>(text.data()), PCRE2_SIZE(text.size()), 0,
                    PCRE2_ANCHORED | PCRE2_ENDANCHORED, md.data, threadMatch().context);
    return rc >= 0;
}

// A rule as the scanner runs it.
struct CompiledRule {
    const Rule *rule = nullptr;
    Regex pattern;
    std::unique_ptr<Regex> context;
    std::unique_ptr<Regex> paths;
    // For a keywordLine rule: the pattern compiled with PCRE2_FIRSTLINE (a match must start
    // before the first newline after the start offset), tried from keyword lines only.
    std::unique_ptr<Regex> firstLine;
    std::vector<int> keywords; // indices into the filter's keywords
    QStringList stopwords;     // the set's placeholders plus the rule's own
};

struct Candidate {
    const CompiledRule *rule;
    qsizetype begin;
    qsizetype end;
};

} // namespace

struct SecretScanner::Data {
    RuleSet rules;
    QStringList problems;
    std::vector<std::unique_ptr<CompiledRule>> compiled;
    std::vector<std::unique_ptr<Regex>> allow;
    std::unique_ptr<KeywordFilter> filter;

    bool accepted(const CompiledRule &c, QByteArrayView text, qsizetype begin, qsizetype end) const;
};

SecretScanner::SecretScanner(const RuleSet &rules)
    : m_data(std::make_unique<Data>()) {
    m_data->rules = rules;
    QHash<QByteArray, int> keywordIndex;
    QList<QByteArray> keywords;
    for (const Rule &rule : m_data->rules.rules()) {
        if (!rule.enabled)
            continue;
        auto c = std::make_unique<CompiledRule>();
        c->rule = &rule;
        if (const QString problem = c->pattern.compile(rule.pattern); !problem.isEmpty()) {
            m_data->problems << QStringLiteral("secret rule %1: %2").arg(rule.id, problem);
            continue;
        }
        if (!rule.context.isEmpty()) {
            c->context = std::make_unique<Regex>();
            if (const QString problem = c->context->compile(rule.context); !problem.isEmpty()) {
                m_data->problems
                    << QStringLiteral("secret rule %1 (context): %2").arg(rule.id, problem);
                continue;
            }
        }
        if (!rule.paths.isEmpty()) {
            c->paths = std::make_unique<Regex>();
            if (const QString problem = c->paths->compile(rule.paths); !problem.isEmpty()) {
                m_data->problems
                    << QStringLiteral("secret rule %1 (paths): %2").arg(rule.id, problem);
                continue;
            }
        }
        for (const QString &k : rule.keywords) {
            const QByteArray bytes = k.toUtf8();
            auto it = keywordIndex.constFind(bytes);
            if (it == keywordIndex.cend()) {
                it = keywordIndex.insert(bytes, int(keywords.size()));
                keywords << bytes;
            }
            c->keywords.push_back(*it);
        }
        if (rule.keywordLine && !c->keywords.empty()) {
            c->firstLine = std::make_unique<Regex>();
            if (!c->firstLine->compile(rule.pattern, PCRE2_FIRSTLINE).isEmpty())
                c->firstLine.reset(); // compiled once already: the plain pattern still runs
        }
        c->stopwords = m_data->rules.placeholders() + rule.stopwords;
        m_data->compiled.push_back(std::move(c));
    }
    for (const QString &a : m_data->rules.allow()) {
        auto re = std::make_unique<Regex>();
        if (const QString problem = re->compile(a); !problem.isEmpty())
            m_data->problems << QStringLiteral("secret allow pattern %1: %2").arg(a, problem);
        else
            m_data->allow.push_back(std::move(re));
    }
    m_data->filter = std::make_unique<KeywordFilter>(keywords);
}

SecretScanner::~SecretScanner() = default;

const QStringList &SecretScanner::problems() const {
    return m_data->problems;
}

const RuleSet &SecretScanner::rules() const {
    return m_data->rules;
}

bool SecretScanner::Data::accepted(const CompiledRule &c, QByteArrayView text, qsizetype begin,
                                   qsizetype end) const {
    const Rule &rule = *c.rule;
    const QByteArrayView secret = text.sliced(begin, end - begin);
    if (secret.size() < std::max(rule.minLength, 1))
        return false;
    if (rule.minEntropy > 0 && validators::shannonEntropy(secret) < rule.minEntropy)
        return false;
    if (validators::isPlaceholder(secret, c.stopwords))
        return false;
    if (validators::isPlaceholderValue(secret, rule.placeholderValues))
        return false;
    for (const QString &v : rule.validators) {
        if (v == QLatin1String("github-checksum") && !validators::githubChecksumValid(secret))
            return false;
        if (v == QLatin1String("jwt") && !validators::jwtHeaderValid(secret))
            return false;
        if (v == QLatin1String("mixed") && !validators::mixedCharacters(secret))
            return false;
        if (v == QLatin1String("letters-digits") && !validators::lettersAndDigits(secret))
            return false;
        if (v == QLatin1String("letters-digits-or-random") &&
            !validators::lettersDigitsOrRandom(secret))
            return false;
        if (v == QLatin1String("not-uuid") && validators::isUuid(secret))
            return false;
        if (v == QLatin1String("base64-decodes") && !validators::base64Decodes(secret, 8))
            return false;
    }
    if (c.context) {
        const qsizetype window = rule.contextBytes;
        const qsizetype from = window < 0 ? 0 : std::max<qsizetype>(0, begin - window);
        const qsizetype to = window < 0 ? text.size() : std::min(text.size(), end + window);
        if (!matchesSomewhere(*c.context, text.sliced(from, to - from)))
            return false;
    }
    for (const auto &a : allow)
        if (matchesWhole(*a, secret))
            return false;
    return true;
}

QList<SecretHit> SecretScanner::scan(QByteArrayView text, QByteArrayView path) const {
    QList<SecretHit> hits;
    if (text.isEmpty() || m_data->compiled.empty())
        return hits;
    const std::vector<bool> present = m_data->filter->present(text);
    std::vector<Candidate> candidates;
    std::vector<int> linesFor; // the keywords `lines` was computed for
    std::vector<qsizetype> lines;
    for (const auto &c : m_data->compiled) {
        const bool wanted =
            c->keywords.empty() || std::any_of(c->keywords.begin(), c->keywords.end(),
                                               [&](int k) { return present[size_t(k)]; });
        if (!wanted)
            continue;
        if (c->paths && !matchesSomewhere(*c->paths, path))
            continue;
        MatchData md(c->pattern);
        qsizetype start = 0, matchEnd = 0, b = 0, e = 0;
        if (c->firstLine) {
            // The same matches as the walk below, found from keyword lines only: after a
            // match the search goes on from its end, as below; a line the last match ran
            // past is skipped.
            if (c->keywords != linesFor) {
                linesFor = c->keywords;
                lines = m_data->filter->linesWith(text, c->keywords);
            }
            for (const qsizetype lineStart : lines) {
                start = std::max(start, lineStart);
                if (start > lineStart &&
                    std::memchr(text.data() + lineStart, '\n', size_t(start - lineStart)))
                    continue;
                while (start < text.size() &&
                       nextMatch(*c->firstLine, md, text, start, &matchEnd, &b, &e)) {
                    if (e > b && m_data->accepted(*c, text, b, e))
                        candidates.push_back({c.get(), b, e});
                    start = matchEnd;
                }
            }
            continue;
        }
        while (start < text.size() && nextMatch(c->pattern, md, text, start, &matchEnd, &b, &e)) {
            if (e > b && m_data->accepted(*c, text, b, e))
                candidates.push_back({c.get(), b, e});
            start = matchEnd;
        }
    }
    // Overlaps: specific before generic, then the longer, then the earlier rule.
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate &x, const Candidate &y) {
                         if (x.rule->rule->generic != y.rule->rule->generic)
                             return !x.rule->rule->generic;
                         return x.end - x.begin > y.end - y.begin;
                     });
    std::vector<Candidate> kept;
    for (const Candidate &cand : candidates) {
        const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const Candidate &k) {
            return cand.begin < k.end && k.begin < cand.end;
        });
        if (!overlaps)
            kept.push_back(cand);
    }
    std::sort(kept.begin(), kept.end(),
              [](const Candidate &x, const Candidate &y) { return x.begin < y.begin; });
    // Lines and columns in one walk over the text.
    int line = 1;
    qsizetype lineStart = 0, pos = 0;
    const auto advance = [&](qsizetype to) {
        for (; pos < to; ++pos)
            if (text[pos] == '\n') {
                ++line;
                lineStart = pos + 1;
            }
    };
    for (const Candidate &k : kept) {
        const Rule &rule = *k.rule->rule;
        SecretHit hit;
        hit.ruleId = rule.id;
        hit.description = rule.description;
        hit.severity = rule.severity;
        hit.path = path.toByteArray();
        hit.begin = k.begin;
        hit.end = k.end;
        advance(k.begin);
        hit.line = line;
        hit.column = int(k.begin - lineStart) + 1;
        const QByteArrayView secret = text.sliced(k.begin, k.end - k.begin);
        hit.endLine = line + int(secret.first(secret.size() - 1).count('\n'));
        hit.masked = maskSecret(secret);
        QCryptographicHash hash(QCryptographicHash::Sha256);
        hash.addData(path);
        hash.addData(QByteArrayView("\0", 1));
        hash.addData(rule.id.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
        hash.addData(secret);
        hash.addData(QByteArrayView("\0", 1));
        hit.fingerprint = hash.result().toHex();
        hits << hit;
    }
    return hits;
}

QList<SecretHit> SecretScanner::scan(const QString &text, QByteArrayView path) const {
    const QByteArray utf8 = text.toUtf8();
    QList<SecretHit> hits = scan(QByteArrayView(utf8), path);
    // Byte offsets to UTF-16 offsets: one walk, the hits being in order.
    qsizetype byte = 0, unit = 0;
    const auto toUnits = [&](qsizetype target) {
        while (byte < target) {
            const auto c = uint8_t(utf8[byte]);
            const int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
            byte += len;
            unit += len == 4 ? 2 : 1;
        }
        return unit;
    };
    QList<std::pair<qsizetype *, qsizetype>> offsets;
    for (SecretHit &h : hits)
        offsets << std::pair{&h.begin, h.begin} << std::pair{&h.end, h.end};
    std::sort(offsets.begin(), offsets.end(),
              [](const auto &a, const auto &b) { return a.second < b.second; });
    for (auto &[field, value] : offsets)
        *field = toUnits(value);
    for (SecretHit &h : hits) {
        const qsizetype lineStart =
            h.begin == 0 ? 0 : text.lastIndexOf(QLatin1Char('\n'), h.begin - 1) + 1;
        h.column = int(h.begin - lineStart) + 1;
    }
    return hits;
}

} // namespace reposcope::security::secrets
