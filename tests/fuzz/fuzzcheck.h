// SPDX-License-Identifier: MIT
#pragma once
// Invariant checks shared by the fuzz targets. A broken invariant aborts with a message
// (libFuzzer then saves the input as a crash), or, while a FailureCollector is alive on
// the thread (the mutation loop in the test suite), is recorded for the test to report.

#include <QString>
#include <QStringList>

namespace reposcope::fuzz {

void fail(const char *target, const QString &what);

#define FUZZ_CHECK(cond, target, what)                                                             \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ::reposcope::fuzz::fail(target, what);                                                 \
    } while (0)

// While one is alive, fail() records instead of aborting (this thread only).
class FailureCollector {
public:
    FailureCollector();
    ~FailureCollector();
    FailureCollector(const FailureCollector &) = delete;
    FailureCollector &operator=(const FailureCollector &) = delete;
    QStringList take();

private:
    QStringList m_failures;
    FailureCollector *m_previous = nullptr;
    friend void fail(const char *, const QString &);
};

// The longest error text a loader may give for an input of any size: enough to say what is
// wrong and where, never a dump of the input.
inline constexpr int kMaxErrorText = 600;

// What is wrong with an error text a person will read ("" when nothing): empty, longer than
// kMaxErrorText, or holding a control character (C0, DEL, C1) that a terminal would act on.
QString errorTextProblem(const QString &message);

// A short printable rendering of `text` for a failure message.
QString printable(const QString &text, int max = 160);

} // namespace reposcope::fuzz
