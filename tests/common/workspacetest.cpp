// SPDX-License-Identifier: MIT
#include "workspacetest.h"

#include "tokenize/estimatortokenizer.h"

#include <QSignalSpy>

namespace reposcope::test {

void WorkspaceTest::SetUp() {
    ASSERT_TRUE(m_cacheDir.isValid());
    m_workspace = std::make_unique<workspace::Workspace>(
        &m_pool, std::make_shared<const tokenize::EstimatorTokenizer>(), m_cacheDir.path());
}

void WorkspaceTest::TearDown() {
    m_workspace.reset();
    m_pool.waitForDone();
}

void WorkspaceTest::openAndWaitForCounting(const QString &path, bool *cancelled) {
    QSignalSpy counted(m_workspace.get(), &workspace::Workspace::countingFinished);
    repo::ScanOptions options;
    options.path = path;
    m_workspace->open(options);
    ASSERT_TRUE(counted.wait(60000)) << "counting never finished for " << path.toStdString();
    if (cancelled)
        *cancelled = counted.first().at(0).toBool();
}

} // namespace reposcope::test
