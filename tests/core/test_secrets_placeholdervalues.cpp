// SPDX-License-Identifier: MIT
#include "security/secrets/validators.h"

#include <gtest/gtest.h>

using namespace reposcope::security::secrets;

TEST(SecretPlaceholderValues, WholeWordsAreDroppedRealPasswordsAreNot) {
    const QStringList words{QStringLiteral("password"), QStringLiteral("pass"),
                            QStringLiteral("mypass"), QStringLiteral("bar")};
    EXPECT_TRUE(validators::isPlaceholderValue("Password123!", words));
    EXPECT_TRUE(validators::isPlaceholderValue("pass", words));
    EXPECT_TRUE(validators::isPlaceholderValue("pa%2Fssword", words));
    EXPECT_TRUE(validators::isPlaceholderValue("My%20Pass", words));
    // A real password that merely contains a placeholder word is a secret.
    EXPECT_FALSE(validators::isPlaceholderValue("S3cr3tPassw0rd9x", words));
    EXPECT_FALSE(validators::isPlaceholderValue("Barcelona2024", words));
    EXPECT_FALSE(validators::isPlaceholderValue("123456", words));
    EXPECT_FALSE(validators::isPlaceholderValue("password", {}));
}
