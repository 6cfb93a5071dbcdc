// SPDX-License-Identifier: MIT
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace reposcope::security::secrets {

enum class Severity { Low, Medium, High, Critical };
QString severityName(Severity severity);

// One secret rule, as the rules JSON states it (docs/secrets.md lists the fields). The
// pattern is PCRE2; its group named "secret" (else the whole match) is what is masked and
// redacted.
struct Rule {
    QString id; // e.g. "aws-access-key-id": also the redaction marker's name
    QString description;
    Severity severity = Severity::High;
    // Lower-case strings, one of which must occur in the text (case-insensitively) for the
    // pattern to run at all: the pre-filter. Empty: the pattern runs on every text.
    QStringList keywords;
    QString pattern;
    // Checks that cut false positives, by name: "github-checksum", "jwt", "mixed",
    // "letters-digits", "base64-decodes", "url-scheme" (see validators.h). The placeholder
    // check runs on every rule.
    QStringList validators;
    double minEntropy = 0; // Shannon bits per character of the secret; 0: no check
    int minLength = 0;     // of the secret, in bytes
    // Further placeholder words for this rule only (lower case), on top of the set's.
    QStringList stopwords;
    // Whole placeholder values (lower case): a secret that is one of these words, with only
    // digits and punctuation around it ("password1", "pass!", "#admin"), is not reported.
    // For short, human-chosen secrets (URL passwords), where a substring test would drop a
    // real password that merely contains "pass" or "bar".
    QStringList placeholderValues;
    // A PCRE2 pattern that must match within `contextBytes` before or after the secret
    // (-1: anywhere in the text), e.g. "sv=" beside an Azure SAS signature.
    QString context;
    int contextBytes = 400;
    // A PCRE2 pattern the path must match (e.g. .pgpass lines only in .pgpass files).
    QString paths;
    bool generic = false; // an assignment-based rule: a specific rule wins an overlap
    // A promise about the pattern that makes it cheaper: every match starts on a line that
    // holds one of the keywords, at or before it. The scanner then tries the pattern only
    // from the starts of such lines. Must hold for every match, or matches are missed.
    bool keywordLine = false;
    bool enabled = true;
    bool operator==(const Rule &) const = default;
};

// The rules: the built-in JSON resource (:/reposcope/secrets.json), overlaid by a user file
// and then a repository's own file. An overlay replaces fields of a rule with the same id,
// adds new rules, and can switch one off ("enabled": false); its "placeholders" and
// "allow" lists are appended. A value type; cheap to copy; compiled by SecretScanner.
class RuleSet {
public:
    static Result<RuleSet> fromJson(const QByteArray &json);
    // Built-in rules plus the overlays that exist (empty path: none). Problems in an
    // overlay are reported in `warnings` and that overlay is skipped; never fatal.
    static RuleSet load(const QString &userFile, const QString &repositoryFile,
                        QStringList *warnings);
    static RuleSet builtIn();
    static QString defaultUserFile();                       // <config>/secrets.json
    static QString repositoryFile(const QString &rootPath); // <root>/.reposcope/secrets.json

    const QList<Rule> &rules() const { return m_rules; }
    const Rule *rule(const QString &id) const;
    // Words that mark a value as a placeholder (lower case): "example", "xxxx", "${" ...
    const QStringList &placeholders() const { return m_placeholders; }
    // PCRE2 patterns: a secret that matches one in full is never reported.
    const QStringList &allow() const { return m_allow; }

    static QJsonObject toJson(const Rule &rule);

private:
    QList<Rule> m_rules;
    QStringList m_placeholders;
    QStringList m_allow;
};

} // namespace reposcope::security::secrets
