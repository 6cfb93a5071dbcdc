// SPDX-License-Identifier: MIT
// categorize() and categoryTitle(): a keyword table from titles to stable rule ids.
#include "findings/findingextractor.h"

namespace reposcope::findings {

namespace {

struct Category {
    const char *id;
    const char *title;
    const char *keywords; // lower case, '|'-separated; matched at word starts
};

// Order matters: the first category with a keyword in the text wins, so the specific ones
// ("sql injection") come before the broad ones ("injection", "validation").
const Category kCategories[] = {
    {"sql-injection", "SQL injection",
     "sql injection|sqli|sql query built|raw sql|unparameterized|unparameterised|nosql injection"},
    {"command-injection", "Command injection",
     "command injection|os command|shell injection|shell=true|exec(|system(|popen"},
    {"template-injection", "Template injection", "template injection|ssti"},
    {"code-injection", "Code injection", "code injection|eval(|eval |remote code execution|rce"},
    {"xss", "Cross-site scripting",
     "xss|cross-site scripting|cross site scripting|innerhtml|dangerouslysetinnerhtml|unescaped "
     "html"},
    {"path-traversal", "Path traversal",
     "path traversal|directory traversal|zip slip|../|arbitrary file read|arbitrary file write"},
    {"ssrf", "Server-side request forgery",
     "ssrf|server-side request forgery|server side request forgery"},
    {"open-redirect", "Open redirect", "open redirect|unvalidated redirect"},
    {"csrf", "Cross-site request forgery", "csrf|cross-site request forgery|xsrf"},
    {"xxe", "XML external entities", "xxe|xml external entit"},
    {"deserialization", "Unsafe deserialization",
     "deserializ|deserialis|pickle|unmarshal|yaml.load|objectinputstream"},
    {"hardcoded-secret", "Hard-coded secret",
     "hardcoded secret|hard-coded secret|hardcoded password|hard-coded password|hardcoded "
     "credential|hardcoded key|hardcoded token|hardcoded api|secret|api key|password "
     "in|credential|private key|token in"},
    {"weak-crypto", "Weak cryptography",
     "weak crypto|weak hash|weak random|predictable random|predictable token|md5|sha1|sha-1|des "
     "|ecb|insecure random|math.random|weak "
     "cipher|cryptograph|hardcoded iv|static iv|signature|length extension|constant-time|"
     "constant time|timing attack|compare_digest"},
    {"insecure-transport", "Insecure transport",
     "tls|ssl|certificate|insecureskipverify|verify=false|plaintext http|http://"},
    {"missing-authz", "Missing authorization",
     "authoriz|authoris|access control|idor|insecure direct object|privilege|permission"},
    {"missing-authn", "Missing authentication",
     "authenticat|unauthenticated|login|session fixation|jwt"},
    {"race-condition", "Race condition",
     "race|toctou|data race|concurren|deadlock|mutex|thread-safe|thread safe|atomic"},
    {"sensitive-data-exposure", "Sensitive data exposure",
     "logs password|logged|logging of|personal data|pii|leak|exposure|sensitive data"},
    {"resource-exhaustion", "Resource exhaustion",
     "denial of service|dos|unbounded|resource exhaustion|input size|memory exhaustion|rate "
     "limit|redos"},
    {"memory-safety", "Memory safety",
     "buffer overflow|out-of-bounds|out of bounds|use after free|use-after-free|null pointer|null "
     "dereference|double free|integer overflow"},
    {"file-upload", "Unrestricted file upload", "file upload|unrestricted upload|upload of any"},
    {"injection", "Injection", "injection"},
    {"input-validation", "Input validation",
     "validation|unvalidated|unsanitized|unsanitised|untrusted input|sanitiz"},
    {"error-handling", "Error handling",
     "error handling|swallowed|ignored error|unchecked error|exception|panic"},
    {"api-mismatch", "API contract mismatch",
     "mismatch|contract|endpoint|status code|response field|request field"},
    {"dead-code", "Dead code", "dead code|unused|unreachable|commented-out|commented out"},
    {"duplication", "Duplication", "duplicat|copy-paste|copy-pasted|copied"},
    {"complexity", "Complexity",
     "complex|god object|god class|too long|too large|nested|long function|large function"},
    {"todo", "Deferred work", "todo|fixme|hack"},
    {"deprecated-api", "Deprecated API", "deprecated|outdated|end-of-life|legacy api"},
    {"dependency", "Dependency", "dependency|dependencies|vulnerable version|licence|license"},
    {"missing-tests", "Missing tests", "no test|missing test|untested|test coverage"},
    {"performance", "Performance", "performance|n+1|slow|quadratic|inefficien"},
    {"magic-number", "Magic numbers", "magic number|magic value|hard-coded constant"},
    {"documentation", "Documentation", "documentation|undocumented|readme|comment"},
    {"configuration", "Configuration", "configuration|config|debug mode|default setting"},
};

constexpr qsizetype kExplanationScan = 2000; // enough for the words that name the problem

bool atWordStart(const QString &text, qsizetype at) {
    return at == 0 || !text[at - 1].isLetterOrNumber();
}

bool containsKeyword(const QString &text, QLatin1String word) {
    for (qsizetype at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
        if (atWordStart(text, at))
            return true;
    }
    return false;
}

const char *categoryIn(const QString &text) {
    for (const Category &category : kCategories) {
        const QLatin1String keywords(category.keywords);
        for (qsizetype from = 0; from < keywords.size();) {
            qsizetype to = keywords.indexOf(QLatin1Char('|'), from);
            if (to < 0)
                to = keywords.size();
            if (containsKeyword(text, keywords.sliced(from, to - from)))
                return category.id;
            from = to + 1;
        }
    }
    return nullptr;
}

} // namespace

QString categorize(const QString &title, const QString &explanation) {
    if (const char *id = categoryIn(title.toLower()))
        return QString::fromLatin1(id);
    if (const char *id = categoryIn(explanation.left(kExplanationScan).toLower()))
        return QString::fromLatin1(id);
    return QStringLiteral("general");
}

QString categoryTitle(const QString &category) {
    for (const Category &entry : kCategories) {
        if (category == QLatin1String(entry.id))
            return QString::fromLatin1(entry.title);
    }
    if (category == QLatin1String("general") || category.isEmpty())
        return QStringLiteral("General");
    QString title = category;
    title.replace(u'-', u' ');
    title[0] = title[0].toUpper();
    return title;
}

} // namespace reposcope::findings
