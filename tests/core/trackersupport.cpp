// SPDX-License-Identifier: MIT
#include "trackersupport.h"

#include "prompt/packwriter.h"
#include "scanhelpers.h"

#include <QBuffer>
#include <QThreadPool>

#include <gtest/gtest.h>

namespace reposcope::test {

QByteArray userGo() {
    QByteArray text;
    for (int line = 1; line <= 50; ++line) {
        if (line == 42)
            text += "\trows, err := db.Query(\"SELECT * FROM users WHERE id = \" + id)\n";
        else
            text += "\t// step " + QByteArray::number(line) + "\n";
    }
    return text;
}

findings::SourceSetPtr packSources(const QString &path) {
    const repo::SnapshotPtr snap = scanned(path);
    std::vector<int> nodes;
    for (int node = 0; node < snap->nodeCount(); ++node)
        if (!snap->isDirectory(node))
            nodes.push_back(node);
    prompt::PackOptions options;
    options.lineNumbers = true;
    QThreadPool pool;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto stats = prompt::writePack(*snap, nodes, prompt::PackFormat(options), buffer, &pool);
    EXPECT_TRUE(stats.ok());
    return findings::makePackSourceSet(
        snap, buffer.data(), stats.ok() ? stats->manifest : prompt::PackManifest{}, options);
}

ScriptedResponse streamedAnswer(const QString &answer, int pieceSize, bool complete) {
    ScriptedResponse response = ScriptedResponse::sse({sse::roleChunk()});
    for (qsizetype at = 0; at < answer.size(); at += pieceSize)
        response.write(sse::contentChunk(answer.mid(at, pieceSize))).delay(1);
    if (complete)
        response.write(sse::finishChunk()).write(sse::done());
    else
        response.reset();
    return response;
}

} // namespace reposcope::test
