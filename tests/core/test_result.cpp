// SPDX-License-Identifier: MIT
#include "common/result.h"

#include <gtest/gtest.h>

using reposcope::Error;
using reposcope::Result;

TEST(Result, CarriesValueOrError) {
    Result<int> good(42);
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 42);
    Result<int> bad(Error::make(Error::Code::NotFound, QStringLiteral("gone")));
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, Error::Code::NotFound);
    EXPECT_EQ(bad.error().message, QStringLiteral("gone"));
}
