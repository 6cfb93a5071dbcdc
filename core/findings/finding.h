// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace reposcope::findings {

// How bad a finding is, as the audit templates ask the model to grade it.
enum class Severity { Critical, High, Medium, Low, Info };

// "CRITICAL", "HIGH", ... (the spelling the findings format uses).
QString severityName(Severity severity);
// Accepts the format's names in any case and the usual synonyms models use
// (blocker, severe, major, moderate, minor, informational, note, warning, error ...).
std::optional<Severity> parseSeverity(QStringView text);

// A location as the model wrote it, before it is checked against the repository.
struct Citation {
    QString path;      // as written, '/'-separated, without quotes or backticks
    int startLine = 0; // 1-based; 0 = the model gave no line
    int endLine = 0;   // == startLine for one line; >= startLine
    QString text;      // the citation exactly as it appeared ("api/user.go:42-50")
    bool hasLine() const { return startLine > 0; }
};

// The order is the enum's int value (tables index by it); kStatusCount follows the last.
enum class VerificationStatus {
    Pending,   // not checked yet
    Verified,  // the quote is in the file at the cited lines: "verified" means the quote holds
    Corrected, // found, but somewhere else than cited: the path or the lines were corrected
    Located,   // the file and the cited lines exist, but there was no quote to check
    Unverified // the file, the lines or the quote could not be found: never navigated to
};
inline constexpr int kStatusCount = 5;
QString statusName(VerificationStatus status); // "verified", "corrected", "located", ...

// Where a citation really points, after checking it against the snapshot.
struct ResolvedLocation {
    VerificationStatus status = VerificationStatus::Pending;
    QString path;      // repository-relative path of the file; empty when not found
    int startLine = 0; // 1-based lines to show; 0 when no trustworthy line is known
    int endLine = 0;
    bool quoteChecked = false; // a quote was given and compared
    QString note;              // what was corrected, or why it is unverified; for people
    // Verified, corrected and located locations are jumped to; never unverified ones.
    bool canNavigate() const {
        return status == VerificationStatus::Verified || status == VerificationStatus::Corrected ||
               status == VerificationStatus::Located;
    }
};

// One step of a data-flow chain ("Flow: a.go:12 → b.go:40").
struct FlowStep {
    Citation citation;
    QString quote; // optional
    QString label; // optional words the model put next to the step
    ResolvedLocation resolved;
};

// One finding extracted from an answer.
struct Finding {
    int ordinal = 0; // 0-based order of appearance in its answer
    Severity severity = Severity::Medium;
    QString title;
    Citation citation;
    QString quote; // verbatim excerpt of the cited code as the model gave it; may be empty
    QString explanation;
    QString category; // rule id derived from the title ("sql-injection", "general", ...)
    QList<FlowStep> flow;
    // Other places the finding cites that are not a data flow ("see also app/x.py:3" in a
    // prose answer). Same shape as a flow step (citation, quote, label, resolution), so
    // they can be verified and exported alike; SARIF writes them as relatedLocations.
    QList<FlowStep> related;
    ResolvedLocation resolved;
    qsizetype answerOffset = 0; // where the finding starts in the answer text
};

// A path:line mention anywhere in an answer's prose; becomes a link.
struct Mention {
    Citation citation;
    // The inline code span that follows the mention closely in its sentence ("`app/web.py:7`
    // reads `request.args`"), checked like a finding's quote; empty when there is none.
    QString quote;
    qsizetype offset = 0; // in the answer text
    qsizetype length = 0;
    ResolvedLocation resolved;
};

// A stable identity for a finding, independent of the run, of line moves and of wording:
// the category, the resolved (else cited) path, and the whitespace-normalised quote (else
// the normalised title). Line numbers are left out on purpose. Hex, 32 characters. Used for SARIF
// partialFingerprints and triage.
QString fingerprint(const Finding &finding);

} // namespace reposcope::findings
