// SPDX-License-Identifier: MIT
#include "findingsamples.h"

#include <algorithm>

namespace reposcope::test {

using namespace reposcope::findings;

namespace {

Citation cite(const QString &path, int start, int end = 0) {
    Citation c;
    c.path = path;
    c.startLine = start;
    c.endLine = start > 0 ? std::max(start, end) : 0;
    c.text = path;
    if (start > 0)
        c.text += QLatin1Char(':') + QString::number(start) +
                  (c.endLine > start ? QLatin1Char('-') + QString::number(c.endLine) : QString());
    return c;
}

ResolvedLocation resolved(VerificationStatus status, const QString &path, int start, int end,
                          const QString &note = QString()) {
    ResolvedLocation r;
    r.status = status;
    r.path = path;
    r.startLine = start;
    r.endLine = start > 0 ? std::max(start, end) : 0;
    r.quoteChecked = true;
    r.note = note;
    return r;
}

Finding make(int ordinal, Severity severity, const QString &title, const QString &category) {
    Finding f;
    f.ordinal = ordinal;
    f.severity = severity;
    f.title = title;
    f.category = category;
    return f;
}

} // namespace

QList<Finding> sampleFindings(int s) {
    QList<Finding> list;

    Finding sql = make(0, Severity::Critical, QStringLiteral("SQL injection in user lookup"),
                       QStringLiteral("sql-injection"));
    sql.citation = cite(QStringLiteral("api/user.go"), 42 + s, 44 + s);
    sql.resolved =
        resolved(VerificationStatus::Verified, QStringLiteral("api/user.go"), 42 + s, 44 + s);
    sql.quote = QStringLiteral("q := \"SELECT * FROM users WHERE name='\" + name + \"'\"");
    sql.explanation = QStringLiteral("The name from the request is concatenated into the query.");
    FlowStep source;
    source.citation = cite(QStringLiteral("api/handler.go"), 12 + s);
    source.label = QStringLiteral("request parameter");
    source.resolved =
        resolved(VerificationStatus::Verified, QStringLiteral("api/handler.go"), 12 + s, 12 + s);
    FlowStep sink;
    sink.citation = cite(QStringLiteral("api/user.go"), 43 + s);
    sink.label = QStringLiteral("query executed");
    sink.quote = QStringLiteral("db.Query(q)");
    sink.resolved =
        resolved(VerificationStatus::Verified, QStringLiteral("api/user.go"), 43 + s, 43 + s);
    sql.flow = {source, sink};
    list << sql;

    Finding cmd = make(1, Severity::High, QStringLiteral("Shell command built from input"),
                       QStringLiteral("command-injection"));
    cmd.citation = cite(QStringLiteral("tools/run.py"), 40 + s);
    cmd.resolved =
        resolved(VerificationStatus::Corrected, QStringLiteral("tools/run.py"), 47 + s, 47 + s,
                 QStringLiteral("cited line %1, found at %2").arg(40 + s).arg(47 + s));
    cmd.quote = QStringLiteral("os.system(\"ls \" + arg)");
    cmd.explanation = QStringLiteral("arg reaches os.system unescaped.");
    list << cmd;

    Finding xss = make(2, Severity::Medium, QStringLiteral("Reflected XSS"), QStringLiteral("xss"));
    xss.citation = cite(QStringLiteral("web/invented.js"), 10 + s);
    xss.resolved = resolved(VerificationStatus::Unverified, QString(), 0, 0,
                            QStringLiteral("web/invented.js was not found in the snapshot"));
    xss.quote = QStringLiteral("el.innerHTML = location.hash");
    xss.explanation = QStringLiteral("The hash is written as HTML.");
    list << xss;

    Finding general = make(3, Severity::Low, QStringLiteral("No rate limiting on login"),
                           QStringLiteral("general"));
    general.citation = cite(QStringLiteral("api/login.go"), 0);
    // No quote: the file exists, nothing was checked.
    general.resolved = resolved(VerificationStatus::Located, QStringLiteral("api/login.go"), 0, 0);
    general.resolved.quoteChecked = false;
    general.explanation = QStringLiteral("Brute force is possible.");
    list << general;

    Finding secret =
        make(4, Severity::Info, QStringLiteral("Token in *config* <script>alert(1)</script> | `x`"),
             QStringLiteral("hardcoded-secret"));
    const QString path = QStringLiteral("conf/my settings/clé.yml");
    secret.citation = cite(path, 3 + s, 5 + s);
    secret.resolved = resolved(VerificationStatus::Verified, path, 3 + s, 5 + s);
    secret.quote = QStringLiteral("token: \"abc,def\"\n# ```not a fence```\nuser: \"x\"");
    secret.explanation =
        QStringLiteral("A token, \"abc,def\", is committed.\n- not a list\r\nSecond line.");
    list << secret;

    Finding sql2 = make(5, Severity::High, QStringLiteral("Second SQL injection"),
                        QStringLiteral("sql-injection"));
    sql2.citation = cite(QStringLiteral("user.go"), 80 + s);
    sql2.resolved = resolved(VerificationStatus::Corrected, QStringLiteral("api/user.go"), 80 + s,
                             80 + s, QStringLiteral("path corrected to api/user.go"));
    sql2.quote = QStringLiteral("db.Exec(\"DELETE FROM t WHERE id=\" + id)");
    list << sql2;

    Finding nowhere = make(6, Severity::Medium, QStringLiteral("Dependencies are outdated"),
                           QStringLiteral("general"));
    nowhere.resolved.status = VerificationStatus::Unverified;
    nowhere.resolved.note = QStringLiteral("no location given");
    list << nowhere;
    return list;
}

void triageSamples(TriageStore &store, const QList<Finding> &findings) {
    store.set(fingerprint(findings[0]), {TriageState::Confirmed, QStringLiteral("reproduced"), {}});
    store.set(
        fingerprint(findings[4]),
        {TriageState::FalsePositive, QStringLiteral("test fixture, \"not\" a real token"), {}});
}

ExportContext sampleContext(const QString &root) {
    ExportContext context;
    context.toolVersion = QStringLiteral("0.1.0");
    context.repositoryName = QStringLiteral("shop");
    context.repositoryRoot = root;
    context.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    context.ref = QStringLiteral("main");
    context.provider = QStringLiteral("Groq");
    context.model = QStringLiteral("meta-llama/llama-4-scout-17b-16e-instruct");
    context.task = QStringLiteral("Security review");
    context.question = QStringLiteral("Find the vulnerabilities.\nCite path:line.");
    context.askedAt = QDateTime(QDate(2025, 3, 4), QTime(5, 6, 7), Qt::UTC);
    return context;
}

} // namespace reposcope::test
