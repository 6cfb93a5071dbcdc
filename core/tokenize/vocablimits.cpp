// SPDX-License-Identifier: MIT
#include "tokenize/vocablimits.h"

#include "common/figures.h"

namespace reposcope::tokenize {

Result<VocabularyLimits> parseVocabularyLimit(const QString &text, const QString &source) {
    bool ok = false;
    const qint64 tokens = text.trimmed().toLongLong(&ok);
    // The file-size limit is tokens × 128 bytes: keep it far from overflowing.
    if (!ok || tokens <= 0 || tokens > (qint64(1) << 40))
        return Error::make(Error::Code::Usage,
                           QStringLiteral("%1 needs a positive number of tokens (e.g. 1000000), "
                                          "not \"%2\"")
                               .arg(source, text.left(40)));
    VocabularyLimits limits;
    limits.maxTokens = tokens;
    return limits;
}

Result<VocabularyLimits> vocabularyLimitsFromEnvironment() {
    if (!qEnvironmentVariableIsSet(kMaxVocabTokensEnv))
        return VocabularyLimits{};
    return parseVocabularyLimit(qEnvironmentVariable(kMaxVocabTokensEnv),
                                QString::fromLatin1(kMaxVocabTokensEnv));
}

QString raiseVocabularyLimitHint() {
    return QStringLiteral("if the file is genuine, raise the limit with --max-vocab-tokens N "
                          "(command line) or the environment variable %1=N (app and command "
                          "line); N tokens allow files of N × %2 bytes")
        .arg(QLatin1String(kMaxVocabTokensEnv))
        .arg(VocabularyLimits::kFileBytesPerToken);
}

QString vocabularyFileTooLarge(qint64 size, const VocabularyLimits &limits) {
    return QStringLiteral("the file is %1, over the %2 limit for a vocabulary file (%3 tokens × "
                          "%4 bytes; the largest real tokenizer.json is about 35 MB), so it was "
                          "not parsed; %5")
        .arg(formatBytes(size), formatBytes(limits.maxFileBytes()), formatCount(limits.maxTokens))
        .arg(VocabularyLimits::kFileBytesPerToken)
        .arg(raiseVocabularyLimitHint());
}

QString vocabularyTooLarge(const QString &what, qint64 count, const VocabularyLimits &limits,
                           bool merges) {
    const QString limit =
        merges ? QStringLiteral("%1 merges (%2 per token of the %3-token limit; the largest real "
                                "vocabularies hold about 515,000)")
                     .arg(formatCount(limits.maxMerges()))
                     .arg(VocabularyLimits::kMergesPerToken)
                     .arg(formatCount(limits.maxTokens))
               : QStringLiteral("%1 tokens (the largest real vocabularies hold about 262,000)")
                     .arg(formatCount(limits.maxTokens));
    return QStringLiteral("%1 lists %2 entries, over the limit of %3, so it was not parsed; %4")
        .arg(what, formatCount(count), limit, raiseVocabularyLimitHint());
}

} // namespace reposcope::tokenize
