// SPDX-License-Identifier: MIT
#pragma once

#include "workspace/workspace.h"

#include <QString>
#include <QTemporaryDir>
#include <QThreadPool>

#include <gtest/gtest.h>

#include <memory>

namespace reposcope::test {

// Fixture with the services app/ builds for a Workspace: its own thread pool, the
// EstimatorTokenizer and a token cache in a temporary folder. SetUp() creates the
// workspace; TearDown() destroys it and waits for the pool, so derived fixtures destroy
// their models and widgets before calling it. A derived SetUp() calls this one first
// and returns when HasFatalFailure().
class WorkspaceTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Opens `path` (working tree, default options) and waits for countingFinished.
    // Fails fatally when it never comes; wrap in ASSERT_NO_FATAL_FAILURE. `cancelled`
    // receives the signal's argument.
    void openAndWaitForCounting(const QString &path, bool *cancelled = nullptr);

    QTemporaryDir m_cacheDir;
    QThreadPool m_pool;
    std::unique_ptr<workspace::Workspace> m_workspace;
};

} // namespace reposcope::test
