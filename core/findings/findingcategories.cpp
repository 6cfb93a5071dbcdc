// SPDX-License-Identifier: MIT
// categorize() and categoryTitle(): a keyword table from titles to stable rule ids.
#include "findings/findingextractor.h"

namespace reposcope::findings {

namespace {

struct Category {
    const char *id;
    bool security; // a weakness code-scanning services tag "security"
    const char *title;
    const char *keywords; // lower case, '|'-separated; matched at word starts
};

// Order matters: the first category with a keyword in the text wins, so the specific ones
// ("sql injection") come before the broad ones ("injection", "validation").
const Category kCategories[] = {
    {"sql-injection", true, "SQL injection",
     "sql injection|sqli|sql query built|raw sql|unparameterized|unparameterised|nosql injection"},
    {"command-injection", true, "Command injection",
     "command injection|os command|shell injection|shell=true|exec(|system(|popen"},
    {"template-injection", true, "Template injection", "template injection|ssti"},
    {"code-injection", true, "Code injection",
     "code injection|eval(|eval |remote code execution|rce"},
    {"xss", true, "Cross-site scripting",
     "xss|cross-site scripting|cross site scripting|innerhtml|dangerouslysetinnerhtml|unescaped "
     "html"},
    {"path-traversal", true, "Path traversal",
     "path traversal|directory traversal|zip slip|../|arbitrary file read|arbitrary file write"},
    {"ssrf", true, "Server-side request forgery",
     "ssrf|server-side request forgery|server side request forgery"},
    {"open-redirect", true, "Open redirect", "open redirect|unvalidated redirect"},
    {"csrf", true, "Cross-site request forgery", "csrf|cross-site request forgery|xsrf"},
    {"xxe", true, "XML external entities", "xxe|xml external entit"},
    {"deserialization", true, "Unsafe deserialization",
     "deserializ|deserialis|pickle|unmarshal|yaml.load|objectinputstream"},
    {"hardcoded-secret", true, "Hard-coded secret",
     "hardcoded secret|hard-coded secret|hardcoded password|hard-coded password|hardcoded "
     "credential|hardcoded key|hardcoded token|hardcoded api|secret|api key|password "
     "in|credential|private key|token in"},
    {"weak-crypto", true, "Weak cryptography",
     "weak crypto|weak hash|weak random|predictable random|predictable token|md5|sha1|sha-1|des "
     "|ecb|insecure random|math.random|weak "
     "cipher|cryptograph|hardcoded iv|static iv|signature|length extension|constant-time|"
     "constant time|timing attack|compare_digest"},
    {"insecure-transport", true, "Insecure transport",
     "tls|ssl|certificate|insecureskipverify|verify=false|plaintext http|http://"},
    {"missing-authz", true, "Missing authorization",
     "authoriz|authoris|access control|idor|insecure direct object|privilege|permission"},
    {"missing-authn", true, "Missing authentication",
     "authenticat|unauthenticated|login|session fixation|jwt"},
    {"race-condition", true, "Race condition",
     "race|toctou|data race|concurren|deadlock|mutex|thread-safe|thread safe|atomic"},
    {"sensitive-data-exposure", true, "Sensitive data exposure",
     "logs password|logged|logging of|personal data|pii|leak|exposure|sensitive data"},
    {"resource-exhaustion", true, "Resource exhaustion",
     "denial of service|dos|unbounded|resource exhaustion|input size|memory exhaustion|rate "
     "limit|redos"},
    {"memory-safety", true, "Memory safety",
     "buffer overflow|out-of-bounds|out of bounds|use after free|use-after-free|null pointer|null "
     "dereference|double free|integer overflow"},
    {"file-upload", true, "Unrestricted file upload",
     "file upload|unrestricted upload|upload of any"},
    {"injection", true, "Injection", "injection"},
    {"input-validation", true, "Input validation",
     "validation|unvalidated|unsanitized|unsanitised|untrusted input|sanitiz"},
    {"error-handling", false, "Error handling",
     "error handling|swallowed|ignored error|unchecked error|exception|panic"},
    {"api-mismatch", false, "API contract mismatch",
     "mismatch|contract|endpoint|status code|response field|request field"},
    {"dead-code", false, "Dead code", "dead code|unused|unreachable|commented-out|commented out"},
    {"duplication", false, "Duplication", "duplicat|copy-paste|copy-pasted|copied"},
    {"complexity", false, "Complexity",
     "complex|god object|god class|too long|too large|nested|long function|large function"},
    {"todo", false, "Deferred work", "todo|fixme|hack"},
    {"deprecated-api", false, "Deprecated API", "deprecated|outdated|end-of-life|legacy api"},
    {"dependency", false, "Dependency",
     "dependency|dependencies|vulnerable version|licence|license"},
    {"missing-tests", false, "Missing tests", "no test|missing test|untested|test coverage"},
    {"performance", false, "Performance", "performance|n+1|slow|quadratic|inefficien"},
    {"magic-number", false, "Magic numbers", "magic number|magic value|hard-coded constant"},
    {"documentation", false, "Documentation", "documentation|undocumented|readme|comment"},
    {"configuration", false, "Configuration", "configuration|config|debug mode|default setting"},
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

bool isSecurityCategory(const QString &category) {
    for (const Category &entry : kCategories) {
        if (category == QLatin1String(entry.id))
            return entry.security;
    }
    return false;
}

} // namespace reposcope::findings
