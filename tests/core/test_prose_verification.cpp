// SPDX-License-Identifier: MIT
// Findings from a prose answer are verified like any other against a real pack of a real
// scratch repository: a quote at the cited line is verified, a quote cited at the wrong
// line is corrected to where it is (the issue's `app/web.py:3` on `name = None` while the
// prose quotes `request.args` from line 7), a quote that is not in the file is unverified,
// and the flow the prose walks is checked step by step.
#include "findings/citationverifier.h"
#include "findings/findingextractor.h"
#include "prompt/packwriter.h"
#include "scanhelpers.h"
#include "scratchrepo.h"

#include <QBuffer>
#include <QThreadPool>

#include <gtest/gtest.h>

using namespace reposcope::findings;
using namespace reposcope::prompt;

namespace {

const QByteArray kWebPy = "from flask import request\n"                                // 1
                          "def hello():\n"                                             // 2
                          "    name = None\n"                                          // 3
                          "    if request.method == 'GET':\n"                          // 4
                          "        pass\n"                                             // 5
                          "    # the name from the query string\n"                     // 6
                          "    name = request.args.get('name')\n"                      // 7
                          "    return '<h1>Hello ' + name + '</h1>'\n";                // 8
const QByteArray kDbPy = "import sqlite3\n"                                            // 1
                         "def invoices_for(customer):\n"                               // 2
                         "    query = \"SELECT * FROM t WHERE c = '%s'\" % customer\n" // 3
                         "    return db.execute(query)\n";                             // 4

} // namespace

TEST(ProseVerification, ProseFindingsAreVerifiedLikeAnyOther) {
    reposcope::test::ScratchRepo repo;
    repo.write(QStringLiteral("app/web.py"), kWebPy);
    repo.write(QStringLiteral("app/db.py"), kDbPy);
    const reposcope::repo::SnapshotPtr snap = reposcope::test::scanned(repo.path());
    ASSERT_TRUE(snap);
    std::vector<int> nodes{snap->find("app/web.py"), snap->find("app/db.py")};
    ASSERT_GT(nodes[0], 0);
    ASSERT_GT(nodes[1], 0);
    PackOptions options;
    options.lineNumbers = true;
    QThreadPool pool;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto stats = writePack(*snap, nodes, PackFormat(options), buffer, &pool);
    ASSERT_TRUE(stats.ok()) << stats.error().message.toStdString();
    const CitationVerifier verifier(
        makePackSourceSet(snap, buffer.data(), stats->manifest, options));

    const QString answer = QString::fromUtf8(R"MD(Three problems:

1. **SQL injection (Critical)** — `app/db.py:3` formats the customer into SQL:
   `query = "SELECT * FROM t WHERE c = '%s'" % customer`. It reaches `app/db.py:4`.
2. **Reflected XSS (High)** — in `app/web.py` (line 3) the name is taken from
   `request.args.get('name')` and returned unescaped.
3. **Invented code (Low)** — app/web.py line 8 calls `render_unsafe(name)`.

Summary: fix the SQL injection first.
)MD");
    QList<Finding> found = FindingExtractor::extractAll(answer).findings();
    ASSERT_EQ(found.size(), 3);
    for (Finding &finding : found)
        verifier.verify(finding);

    EXPECT_EQ(found[0].resolved.status, VerificationStatus::Verified)
        << found[0].resolved.note.toStdString();
    EXPECT_TRUE(found[0].resolved.quoteChecked);
    ASSERT_EQ(found[0].flow.size(), 2);
    // The step cites a line that exists but gives no quote of its own: located, never verified.
    EXPECT_EQ(found[0].flow[1].resolved.status, VerificationStatus::Located);
    EXPECT_EQ(found[0].flow[1].resolved.startLine, 4);

    EXPECT_EQ(found[1].citation.startLine, 3);
    EXPECT_EQ(found[1].quote, QStringLiteral("request.args.get('name')"));
    EXPECT_EQ(found[1].resolved.status, VerificationStatus::Corrected)
        << "cited at line 3, the quote is at line 7";
    EXPECT_EQ(found[1].resolved.startLine, 7);

    EXPECT_EQ(found[2].resolved.status, VerificationStatus::Unverified)
        << "line 8 exists, the quoted code does not";
    EXPECT_FALSE(found[2].resolved.canNavigate());
    EXPECT_FALSE(found[2].explanation.contains(QStringLiteral("Summary")));
}
