// SPDX-License-Identifier: MIT
// TokenMapLayouter under a real QThreadPool: cache hits delivered in the same call,
// superseded requests never delivered, destruction while a job runs or waits.
#include "eventloop.h"
#include "tokenmap/tokenmaplayouter.h"
#include "tokenmaptestsupport.h"

#include <QCoreApplication>
#include <QSemaphore>
#include <QThreadPool>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

using namespace reposcope;
using models::MapLayout;
using models::TokenMapLayouter;

namespace {

using LayoutPtr = std::shared_ptr<const MapLayout>;

class TokenMapLayouterTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_snap = test::randomTree(4000, 200, 21);
        m_weights = test::sizeWeights(*m_snap, 1);
        m_layouter = std::make_unique<TokenMapLayouter>(&m_pool);
        QObject::connect(m_layouter.get(), &TokenMapLayouter::laidOut, m_layouter.get(),
                         [this](LayoutPtr layout) { m_received.push_back(std::move(layout)); });
        for (int node = 1; node < m_snap->nodeCount() && m_folder < 0; ++node) {
            if (m_snap->isDirectory(node) && m_weights->weight[size_t(node)] > 0)
                m_folder = node;
        }
    }
    void TearDown() override {
        m_layouter.reset();
        m_pool.waitForDone();
    }
    // Waits for every job and then for what they posted.
    void settle() {
        m_pool.waitForDone();
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
    }

    QThreadPool m_pool;
    repo::SnapshotPtr m_snap;
    std::shared_ptr<const models::MapWeights> m_weights;
    std::unique_ptr<TokenMapLayouter> m_layouter;
    std::vector<LayoutPtr> m_received;
    int m_folder = -1;
};

TEST_F(TokenMapLayouterTest, CacheHitIsDeliveredInTheSameCall) {
    m_layouter->request(m_snap, m_weights, 0, {800, 600});
    EXPECT_TRUE(m_received.empty()) << "an uncached layout runs on the pool";
    ASSERT_TRUE(test::processEventsUntil([&] { return m_received.size() == 1; }));
    const LayoutPtr first = m_received[0];
    EXPECT_EQ(first->root, 0);
    EXPECT_EQ(first->size, QSizeF(800, 600));
    EXPECT_EQ(first->rects.size(),
              models::layoutTokenMap(*m_snap, *m_weights, 0, {800, 600}).rects.size());

    // Zoom in, then back out: the way out is a cache hit, delivered before request returns.
    m_layouter->request(m_snap, m_weights, m_folder, {800, 600});
    ASSERT_TRUE(test::processEventsUntil([&] { return m_received.size() == 2; }));
    EXPECT_EQ(m_received[1]->root, m_folder);
    m_layouter->request(m_snap, m_weights, 0, {800, 600});
    ASSERT_EQ(m_received.size(), 3u);
    EXPECT_EQ(m_received[2], first); // the very same layout

    // New weights (a count arrived) or another size: not a hit.
    const auto newer = test::sizeWeights(*m_snap, 2);
    m_layouter->request(m_snap, newer, 0, {800, 600});
    EXPECT_EQ(m_received.size(), 3u);
    ASSERT_TRUE(test::processEventsUntil([&] { return m_received.size() == 4; }));
    EXPECT_EQ(m_received[3]->generation, 2u);
    m_layouter->request(m_snap, newer, 0, {801, 600});
    EXPECT_EQ(m_received.size(), 4u);
    ASSERT_TRUE(test::processEventsUntil([&] { return m_received.size() == 5; }));

    // clear() forgets everything.
    m_layouter->clear();
    m_layouter->request(m_snap, m_weights, 0, {800, 600});
    EXPECT_EQ(m_received.size(), 5u);
    ASSERT_TRUE(test::processEventsUntil([&] { return m_received.size() == 6; }));
    EXPECT_NE(m_received[5], first);
}

TEST_F(TokenMapLayouterTest, OnlyTheNewestRequestIsDelivered) {
    m_layouter->request(m_snap, m_weights, 0, {1600, 1000});
    m_layouter->request(m_snap, m_weights, m_folder, {640, 480});
    ASSERT_TRUE(test::processEventsUntil([&] { return !m_received.empty(); }));
    settle();
    ASSERT_EQ(m_received.size(), 1u);
    EXPECT_EQ(m_received[0]->root, m_folder);
    EXPECT_EQ(m_received[0]->size, QSizeF(640, 480));

    // A cache hit supersedes a pending job too.
    m_layouter->request(m_snap, m_weights, 0, {1024, 768});       // not cached
    m_layouter->request(m_snap, m_weights, m_folder, {640, 480}); // cached: delivered now
    ASSERT_EQ(m_received.size(), 2u);
    EXPECT_EQ(m_received[1], m_received[0]);
    settle();
    EXPECT_EQ(m_received.size(), 2u) << "the superseded 1024×768 layout was delivered";
}

TEST_F(TokenMapLayouterTest, DestroyedWhileAJobRuns) {
    // A kernel-sized tree (tens of milliseconds of layout), destroyed once a pool thread has
    // picked the job up: it is then laying out, or just about to (a queued job is the next
    // test's case); either way it must find no owner and drop its result.
    const repo::SnapshotPtr big = test::randomTree(78000, 5000, 4);
    const auto weights = test::sizeWeights(*big, 1);
    m_layouter->request(big, weights, 0, {1600, 1000});
    ASSERT_TRUE(test::processEventsUntil([&] { return m_pool.activeThreadCount() > 0; }));
    m_layouter.reset();
    settle();
    EXPECT_TRUE(m_received.empty());
    // The job let go of everything it held: nothing leaks or dangles.
    EXPECT_EQ(big.use_count(), 1);
    EXPECT_EQ(weights.use_count(), 1);
}

TEST_F(TokenMapLayouterTest, DestroyedWhileAJobWaitsInThePool) {
    QThreadPool one;
    one.setMaxThreadCount(1);
    QSemaphore started, release;
    one.start([&] {
        started.release();
        release.acquire();
    });
    started.acquire(); // the only thread is busy: the layout job must queue
    auto layouter = std::make_unique<TokenMapLayouter>(&one);
    int delivered = 0;
    QObject::connect(layouter.get(), &TokenMapLayouter::laidOut, layouter.get(),
                     [&](LayoutPtr) { ++delivered; });
    layouter->request(m_snap, m_weights, 0, {800, 600});
    layouter.reset(); // returns at once although the job has not even started
    release.release();
    one.waitForDone();
    QCoreApplication::sendPostedEvents();
    EXPECT_EQ(delivered, 0);
    EXPECT_EQ(m_snap.use_count(), 1);

    // A layouter made after that works normally on the same pool.
    TokenMapLayouter again(&one);
    QObject::connect(&again, &TokenMapLayouter::laidOut, &again, [&](LayoutPtr) { ++delivered; });
    again.request(m_snap, m_weights, 0, {800, 600});
    ASSERT_TRUE(test::processEventsUntil([&] { return delivered == 1; }));
}

} // namespace
