// SPDX-License-Identifier: MIT
// Local model discovery on fake layouts of every well-known location (real GGUF files,
// real symbolic links, real Ollama manifests), broken files, and the memory estimate.
#include "ggufwriter.h"
#include "llm/gguf/ggufreader.h"
#include "llm/local/localmodels.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>

#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <optional>
#include <tuple>
#include <vector>

using namespace reposcope;
using namespace reposcope::llm;
using reposcope::test::GgufWriter;

namespace {

// A metadata-only model with a chosen shape (no tensors: discovery never needs them).
struct Shape {
    QByteArray arch = "qwen2";
    quint32 fileType = 15; // Q4_K_M
    quint32 context = 32768;
    quint32 blocks = 28;
    quint32 embd = 3584;
    quint32 heads = 28;
    std::optional<quint32> headsKv = 4; // absent: plain multi-head attention
    std::optional<quint64> parameterCount = 7615616512ull;
};

GgufWriter shapeModel(const Shape &s) {
    GgufWriter w;
    w.addString("general.architecture", s.arch);
    w.addUInt32("general.file_type", s.fileType);
    if (s.parameterCount)
        w.addUInt64("general.parameter_count", *s.parameterCount);
    w.addUInt32(s.arch + ".context_length", s.context);
    w.addUInt32(s.arch + ".block_count", s.blocks);
    w.addUInt32(s.arch + ".embedding_length", s.embd);
    w.addUInt32(s.arch + ".attention.head_count", s.heads);
    if (s.headsKv)
        w.addUInt32(s.arch + ".attention.head_count_kv", *s.headsKv);
    return w;
}

QByteArray u32(quint32 v) {
    QByteArray b(4, '\0');
    qToLittleEndian<quint32>(v, b.data());
    return b;
}
QByteArray u64(quint64 v) {
    QByteArray b(8, '\0');
    qToLittleEndian<quint64>(v, b.data());
    return b;
}

const QString kOllamaModelType = QStringLiteral("application/vnd.ollama.image.model");

class LocalModelsTest : public ::testing::Test {
protected:
    QString path(const QString &rel) const { return m_dir.filePath(rel); }

    QString writeBytes(const QString &rel, const QByteArray &bytes) {
        const QString p = path(rel);
        EXPECT_TRUE(QDir().mkpath(QFileInfo(p).path()));
        QFile f(p);
        EXPECT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate)) << p.toStdString();
        f.write(bytes);
        return p;
    }
    QString writeModel(const QString &rel, const GgufWriter &w) {
        return writeBytes(rel, w.build());
    }

    void link(const QString &target, const QString &rel) {
        ASSERT_TRUE(QDir().mkpath(QFileInfo(path(rel)).path()));
        ASSERT_TRUE(QFile::link(target, path(rel))) << rel.toStdString();
    }

    // An Ollama manifest whose model layer names `digest` (plus a template layer).
    void writeManifest(const QString &rel, const QString &digest) {
        const QString json =
            QStringLiteral(
                "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"%1\",\"digest\":\"%2\","
                "\"size\":1},{\"mediaType\":\"application/vnd.ollama.image.template\","
                "\"digest\":\"sha256:%3\",\"size\":1}]}")
                .arg(kOllamaModelType, digest, QString(64, u'e'));
        writeBytes(QStringLiteral("ollama/manifests/") + rel, json.toUtf8());
    }

    DiscoveryRoots noRoots() const { return {}; }

    static const LocalModel *find(const QList<LocalModel> &models, const QString &name) {
        for (const LocalModel &m : models)
            if (m.displayName == name)
                return &m;
        return nullptr;
    }
    static QStringList names(const QList<LocalModel> &models) {
        QStringList out;
        for (const LocalModel &m : models)
            out << m.displayName;
        return out;
    }

    QTemporaryDir m_dir;
};

TEST_F(LocalModelsTest, FolderListsEveryGgufWithItsMetadata) {
    writeModel(QStringLiteral("models/qwen-7b.gguf"), shapeModel({}));
    test::TinyLlamaOptions o;
    o.blocks = 2;
    const QString tiny = writeModel(QStringLiteral("models/sub/tiny.GGUF"), test::tinyLlama(o));
    writeBytes(QStringLiteral("models/readme.txt"), "not a model");
    writeModel(QStringLiteral("models/.hidden/skipped.gguf"), shapeModel({}));

    DiscoveryRoots roots;
    roots.folders = {path(QStringLiteral("models"))};
    const QList<LocalModel> models = discoverLocalModels(roots);
    ASSERT_EQ(names(models), (QStringList{QStringLiteral("qwen-7b"), QStringLiteral("tiny")}));

    const LocalModel &q = models[0];
    EXPECT_EQ(q.source, QStringLiteral("folder"));
    EXPECT_EQ(q.path, path(QStringLiteral("models/qwen-7b.gguf")));
    EXPECT_EQ(q.fileSize, QFileInfo(q.path).size());
    EXPECT_TRUE(q.error.isEmpty()) << q.error.toStdString();
    EXPECT_EQ(q.architecture, QStringLiteral("qwen2"));
    EXPECT_EQ(q.quantization, QStringLiteral("Q4_K_M"));
    EXPECT_EQ(q.parameterCount, 7615616512);
    EXPECT_FALSE(q.parameterCountEstimated);
    EXPECT_EQ(q.trainedContext, 32768);
    EXPECT_EQ(q.layerCount, 28);
    EXPECT_EQ(q.embeddingLength, 3584);
    EXPECT_EQ(q.headCount, 28);
    EXPECT_EQ(q.headCountKv, 4);
    EXPECT_EQ(q.partCount, 1);

    // No general.parameter_count: summed from the tensor shapes, and flagged.
    const LocalModel &t = models[1];
    const auto info = readGgufMetadata(tiny);
    ASSERT_TRUE(info.ok()) << info.error().message.toStdString();
    ASSERT_GT(info->parameterCount.value_or(0), 0u);
    EXPECT_EQ(t.parameterCount, qint64(*info->parameterCount));
    EXPECT_TRUE(t.parameterCountEstimated);
    EXPECT_EQ(t.quantization, ggufFileTypeName(0));
    EXPECT_EQ(t.layerCount, 2);
    EXPECT_EQ(t.trainedContext, 256);
}

TEST_F(LocalModelsTest, BrokenFilesAreListedWithTheReadersError) {
    const QByteArray good = test::tinyLlama().build();
    writeBytes(QStringLiteral("m/a-truncated.gguf"), good.left(good.size() / 2));
    QByteArray garbage(4096, '\0');
    for (int i = 0; i < garbage.size(); ++i)
        garbage[i] = char((i * 131 + 7) & 0xff);
    writeBytes(QStringLiteral("m/b-garbage.gguf"), garbage);
    GgufWriter huge = shapeModel({});
    huge.addRaw("tokenizer.ggml.tokens", GgufWriter::Array,
                u32(GgufWriter::String) + u64(quint64(1) << 60));
    writeModel(QStringLiteral("m/c-huge-array.gguf"), huge);
    writeBytes(QStringLiteral("m/d-empty.gguf"), QByteArray());
    writeModel(QStringLiteral("m/e-fine.gguf"), test::tinyLlama());

    DiscoveryRoots roots;
    roots.folders = {path(QStringLiteral("m"))};
    const QList<LocalModel> models = discoverLocalModels(roots);
    ASSERT_EQ(models.size(), 5);
    for (int i = 0; i < 4; ++i) {
        const LocalModel &m = models[i];
        const auto direct = readGgufMetadata(m.path);
        ASSERT_FALSE(direct.ok()) << m.path.toStdString();
        EXPECT_EQ(m.error, direct.error().message) << m.displayName.toStdString();
        EXPECT_TRUE(m.architecture.isEmpty());
        EXPECT_EQ(m.parameterCount, 0);
        EXPECT_EQ(m.fileSize, QFileInfo(m.path).size());
    }
    EXPECT_TRUE(models[4].error.isEmpty()) << models[4].error.toStdString();
    EXPECT_EQ(models[4].architecture, QStringLiteral("llama"));
}

TEST_F(LocalModelsTest, SplitModelIsListedOnceWithAllParts) {
    test::TinyLlamaOptions o;
    o.blocks = 1;
    GgufWriter first = test::tinyLlama(o);
    first.addUInt16("split.no", 0);
    first.addUInt16("split.count", 3);
    const QString p1 = writeModel(QStringLiteral("s/big-00001-of-00003.gguf"), first);
    qint64 params = qint64(*readGgufMetadata(p1)->parameterCount);
    for (quint16 i = 2; i <= 3; ++i) {
        GgufWriter part;
        part.addUInt16("split.no", quint16(i - 1));
        part.addTensor("blk." + QByteArray::number(i) + ".attn_q.weight", {16, quint64(16) * i});
        const QString p = writeModel(QStringLiteral("s/big-0000%1-of-00003.gguf").arg(i), part);
        params += qint64(*readGgufMetadata(p)->parameterCount);
    }
    // Parts 2 and 3 without part 1, and part 1 of 2 without part 2.
    writeModel(QStringLiteral("s/orphan-00002-of-00003.gguf"), shapeModel({}));
    writeModel(QStringLiteral("s/orphan-00003-of-00003.gguf"), shapeModel({}));
    writeModel(QStringLiteral("s/half-00001-of-00002.gguf"), shapeModel({}));

    DiscoveryRoots roots;
    roots.folders = {path(QStringLiteral("s"))};
    const QList<LocalModel> models = discoverLocalModels(roots);
    ASSERT_EQ(models.size(), 3) << names(models).join(u',').toStdString();
    const LocalModel *big = find(models, QStringLiteral("big"));
    ASSERT_NE(big, nullptr);
    EXPECT_TRUE(big->error.isEmpty()) << big->error.toStdString();
    EXPECT_EQ(big->path, p1);
    EXPECT_EQ(big->partCount, 3);
    qint64 total = 0;
    for (int i = 1; i <= 3; ++i)
        total += QFileInfo(path(QStringLiteral("s/big-0000%1-of-00003.gguf").arg(i))).size();
    EXPECT_EQ(big->fileSize, total);
    EXPECT_EQ(big->parameterCount, params);

    const LocalModel *half = find(models, QStringLiteral("half"));
    ASSERT_NE(half, nullptr);
    EXPECT_TRUE(half->error.contains(QStringLiteral("part 2 of 2 is missing")))
        << half->error.toStdString();
    const LocalModel *orphan = find(models, QStringLiteral("orphan"));
    ASSERT_NE(orphan, nullptr);
    EXPECT_TRUE(orphan->error.contains(QStringLiteral("part 1 of 3 is missing")))
        << orphan->error.toStdString();
}

TEST_F(LocalModelsTest, HuggingFaceCacheFollowsSnapshotLinksAndListsEachBlobOnce) {
    const QString repo = QStringLiteral("hub/models--Qwen--Qwen2.5-7B-Instruct-GGUF/");
    const QString blobA = writeModel(repo + QStringLiteral("blobs/aaaa"), shapeModel({}));
    Shape old;
    old.context = 4096;
    const QString blobB = writeModel(repo + QStringLiteral("blobs/bbbb"), shapeModel(old));
    const QString cur = QStringLiteral("1111111111aaaa"), prev = QStringLiteral("0000000000bbbb");
    writeBytes(repo + QStringLiteral("refs/main"), cur.toLatin1() + '\n');
    // The same blob in both snapshots (relative links, as huggingface_hub makes them).
    link(QStringLiteral("../../blobs/aaaa"),
         repo + QStringLiteral("snapshots/") + prev + QStringLiteral("/q4.gguf"));
    link(QStringLiteral("../../blobs/aaaa"),
         repo + QStringLiteral("snapshots/") + cur + QStringLiteral("/q4.gguf"));
    link(QStringLiteral("../../../blobs/bbbb"),
         repo + QStringLiteral("snapshots/") + prev + QStringLiteral("/old/q8.gguf"));
    link(QStringLiteral("../../blobs/missing"),
         repo + QStringLiteral("snapshots/") + cur + QStringLiteral("/gone.gguf"));

    DiscoveryRoots roots;
    roots.huggingFaceHub = path(QStringLiteral("hub"));
    const QList<LocalModel> models = discoverLocalModels(roots);
    ASSERT_EQ(names(models),
              (QStringList{QStringLiteral("Qwen/Qwen2.5-7B-Instruct-GGUF/gone"),
                           QStringLiteral("Qwen/Qwen2.5-7B-Instruct-GGUF/q4"),
                           QStringLiteral("Qwen/Qwen2.5-7B-Instruct-GGUF/old/q8 @0000000")}));
    for (const LocalModel &m : models)
        EXPECT_EQ(m.source, QStringLiteral("Hugging Face cache"));
    EXPECT_FALSE(models[0].error.isEmpty());
    EXPECT_TRUE(models[0].architecture.isEmpty());
    EXPECT_EQ(models[1].path,
              path(repo + QStringLiteral("snapshots/") + cur + QStringLiteral("/q4.gguf")));
    EXPECT_EQ(QFileInfo(models[1].path).canonicalFilePath(), QFileInfo(blobA).canonicalFilePath());
    EXPECT_EQ(models[1].fileSize, QFileInfo(blobA).size()); // the blob's size, not the link's
    EXPECT_EQ(models[1].trainedContext, 32768);
    EXPECT_EQ(models[2].trainedContext, 4096);
    EXPECT_EQ(models[2].fileSize, QFileInfo(blobB).size());
}

TEST_F(LocalModelsTest, LmStudioAndLlamaCppCacheNameModelsByFolder) {
    writeModel(QStringLiteral("lms1/lmstudio-community/Llama-3-8B-GGUF/Llama-3-8B-Q4_K_M.gguf"),
               shapeModel({}));
    writeModel(QStringLiteral("lms2/bartowski/Phi-4-GGUF/phi-4-Q8_0.gguf"), shapeModel({}));
    writeModel(QStringLiteral("llamacpp/ggml-org_gemma-3-1b-it-GGUF_gemma-3-1b-it-Q4_K_M.gguf"),
               shapeModel({}));
    writeBytes(QStringLiteral("llamacpp/manifest=ggml-org=gemma.json"), "{}");

    DiscoveryRoots roots;
    roots.lmStudio = {path(QStringLiteral("lms1")), path(QStringLiteral("lms2")),
                      path(QStringLiteral("does-not-exist"))};
    roots.llamaCppCache = path(QStringLiteral("llamacpp"));
    const QList<LocalModel> models = discoverLocalModels(roots);
    ASSERT_EQ(models.size(), 3) << names(models).join(u',').toStdString();
    EXPECT_EQ(models[0].displayName,
              QStringLiteral("ggml-org_gemma-3-1b-it-GGUF_gemma-3-1b-it-Q4_K_M"));
    EXPECT_EQ(models[0].source, QStringLiteral("llama.cpp cache"));
    EXPECT_EQ(models[1].displayName,
              QStringLiteral("lmstudio-community/Llama-3-8B-GGUF/Llama-3-8B-Q4_K_M"));
    EXPECT_EQ(models[1].source, QStringLiteral("LM Studio"));
    EXPECT_EQ(models[2].displayName, QStringLiteral("bartowski/Phi-4-GGUF/phi-4-Q8_0"));
    for (const LocalModel &m : models)
        EXPECT_TRUE(m.error.isEmpty()) << m.error.toStdString();
}

TEST_F(LocalModelsTest, OllamaManifestsNameTheirModelBlobs) {
    const QString hexA(64, u'a'), hexB(64, u'b'), hexC(64, u'c');
    writeModel(QStringLiteral("ollama/blobs/sha256-") + hexA, shapeModel({}));
    Shape small;
    small.blocks = 16;
    writeModel(QStringLiteral("ollama/blobs/sha256-") + hexB, shapeModel(small));
    writeBytes(QStringLiteral("ollama/blobs/sha256-") + hexC, "not gguf at all");
    const QString reg = QStringLiteral("example-registry/");
    writeManifest(reg + QStringLiteral("library/qwen2.5/latest"), QStringLiteral("sha256:") + hexA);
    writeManifest(reg + QStringLiteral("library/qwen2.5/7b"), QStringLiteral("sha256:") + hexA);
    writeManifest(reg + QStringLiteral("someone/tiny/v1"), QStringLiteral("sha256:") + hexB);
    writeManifest(reg + QStringLiteral("library/broken/latest"), QStringLiteral("sha256:") + hexC);
    writeManifest(reg + QStringLiteral("library/absent/latest"),
                  QStringLiteral("sha256:") + QString(64, u'd'));
    writeManifest(reg + QStringLiteral("library/evil/latest"),
                  QStringLiteral("sha256:../../../etc/passwd"));
    writeBytes(QStringLiteral("ollama/manifests/") + reg + QStringLiteral("library/junk/latest"),
               "{not json");
    writeBytes(QStringLiteral("ollama/manifests/") + reg + QStringLiteral("library/nomodel/latest"),
               "{\"layers\":[]}");

    DiscoveryRoots roots;
    roots.ollamaModels = path(QStringLiteral("ollama"));
    const QList<LocalModel> models = discoverLocalModels(roots);
    ASSERT_EQ(names(models),
              (QStringList{QStringLiteral("absent:latest"), QStringLiteral("broken:latest"),
                           QStringLiteral("evil:latest"), QStringLiteral("junk:latest"),
                           QStringLiteral("qwen2.5:7b"), QStringLiteral("someone/tiny:v1")}));
    for (const LocalModel &m : models)
        EXPECT_EQ(m.source, QStringLiteral("Ollama"));
    for (int i = 0; i < 4; ++i)
        EXPECT_FALSE(models[i].error.isEmpty()) << models[i].displayName.toStdString();
    EXPECT_TRUE(models[1].error.contains(QStringLiteral("bad magic")))
        << models[1].error.toStdString();
    EXPECT_TRUE(models[2].error.contains(QStringLiteral("digest")))
        << models[2].error.toStdString();
    EXPECT_TRUE(models[3].error.contains(QStringLiteral("JSON"))) << models[3].error.toStdString();
    EXPECT_EQ(models[4].path, path(QStringLiteral("ollama/blobs/sha256-") + hexA));
    EXPECT_TRUE(models[4].error.isEmpty()) << models[4].error.toStdString();
    EXPECT_EQ(models[4].architecture, QStringLiteral("qwen2"));
    EXPECT_EQ(models[5].layerCount, 16);
}

TEST_F(LocalModelsTest, LinkLoopsEndAndOverlappingRootsListOnce) {
    writeModel(QStringLiteral("lms/pub/model/m.gguf"), shapeModel({}));
    link(path(QStringLiteral("lms")), QStringLiteral("lms/pub/model/loop"));
    link(path(QStringLiteral("lms/pub")), QStringLiteral("lms/pub/again"));

    DiscoveryRoots roots;
    roots.folders = {path(QStringLiteral("lms")), path(QStringLiteral("lms"))};
    roots.lmStudio = {path(QStringLiteral("lms"))};
    const QList<LocalModel> models = discoverLocalModels(roots);
    ASSERT_EQ(models.size(), 1);
    EXPECT_EQ(models[0].source, QStringLiteral("folder")); // the first way it was found
    EXPECT_EQ(models[0].displayName, QStringLiteral("m"));
}

TEST_F(LocalModelsTest, CancelledDiscoveryStopsEarly) {
    for (int i = 0; i < 3; ++i)
        writeModel(QStringLiteral("c/m%1.gguf").arg(i), shapeModel({}));
    DiscoveryRoots roots;
    roots.folders = {path(QStringLiteral("c"))};
    std::atomic_bool cancel{true};
    EXPECT_TRUE(discoverLocalModels(roots, &cancel).isEmpty());
    cancel = false;
    EXPECT_EQ(discoverLocalModels(roots, &cancel).size(), 3);
}

// Sets environment variables for one test and restores them.
class EnvGuard {
public:
    void set(const char *name, const QString &value) {
        m_saved.emplace_back(name, qgetenv(name), qEnvironmentVariableIsSet(name));
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value.toUtf8());
    }
    ~EnvGuard() {
        for (auto it = m_saved.rbegin(); it != m_saved.rend(); ++it) {
            const auto &[name, value, wasSet] = *it;
            if (wasSet)
                qputenv(name, value);
            else
                qunsetenv(name);
        }
    }

private:
    std::vector<std::tuple<const char *, QByteArray, bool>> m_saved;
};

TEST(LocalModelRoots, DefaultsFollowTheEnvironment) {
    EnvGuard env;
    env.set("HOME", QStringLiteral("/home/ada"));
    env.set("XDG_CACHE_HOME", QString());
    env.set("LLAMA_CACHE", QString());
    env.set("HF_HOME", QString());
    env.set("HF_HUB_CACHE", QString());
    env.set("OLLAMA_MODELS", QString());
    DiscoveryRoots r = DiscoveryRoots::defaults({QStringLiteral("/data/models")});
    EXPECT_EQ(r.folders, QStringList{QStringLiteral("/data/models")});
    EXPECT_EQ(r.llamaCppCache, QStringLiteral("/home/ada/.cache/llama.cpp"));
    EXPECT_EQ(r.huggingFaceHub, QStringLiteral("/home/ada/.cache/huggingface/hub"));
    EXPECT_EQ(r.lmStudio, (QStringList{QStringLiteral("/home/ada/.lmstudio/models"),
                                       QStringLiteral("/home/ada/.cache/lm-studio/models")}));
    EXPECT_EQ(r.ollamaModels, QStringLiteral("/home/ada/.ollama/models"));

    env.set("HF_HOME", QStringLiteral("/big/hf"));
    env.set("OLLAMA_MODELS", QStringLiteral("/big/ollama"));
    env.set("XDG_CACHE_HOME", QStringLiteral("/var/cache/ada"));
    r = DiscoveryRoots::defaults();
    EXPECT_EQ(r.huggingFaceHub, QStringLiteral("/big/hf/hub"));
    EXPECT_EQ(r.ollamaModels, QStringLiteral("/big/ollama"));
    EXPECT_EQ(r.llamaCppCache, QStringLiteral("/var/cache/ada/llama.cpp"));
    env.set("HF_HUB_CACHE", QStringLiteral("/elsewhere/hub"));
    EXPECT_EQ(DiscoveryRoots::defaults().huggingFaceHub, QStringLiteral("/elsewhere/hub"));
}

// ---- memory estimate -------------------------------------------------------------------

LocalModel llama3_8b() {
    LocalModel m;
    m.fileSize = 4920734656; // Meta-Llama-3-8B-Instruct Q4_K_M
    m.layerCount = 32;
    m.embeddingLength = 4096;
    m.headCount = 32;
    m.headCountKv = 8;
    m.trainedContext = 8192;
    return m;
}

TEST(LocalModelMemory, Llama3At8kNeedsOneGibOfKvCache) {
    const MemoryEstimate e = estimateMemory(llama3_8b(), 8192, qint64(16) << 30);
    EXPECT_TRUE(e.kvCacheKnown);
    EXPECT_EQ(e.kvCacheBytes, qint64(1) << 30);
    EXPECT_EQ(e.weightsBytes, 4920734656);
    EXPECT_EQ(e.overheadBytes, kEngineOverheadBytes);
    EXPECT_EQ(e.totalBytes, 4920734656 + (qint64(1) << 30) + kEngineOverheadBytes);
    EXPECT_TRUE(e.fits);
    // Context <= 0 means the trained context; the KV cache scales linearly with it.
    EXPECT_EQ(estimateMemory(llama3_8b(), 0, -1).kvCacheBytes, qint64(1) << 30);
    EXPECT_EQ(estimateMemory(llama3_8b(), 2048, -1).kvCacheBytes, qint64(256) << 20);
}

TEST_F(LocalModelsTest, EstimateMatchesTheFormulaOnDiscoveredShapes) {
    Shape s; // Qwen2.5 7B: 28 layers, 3584 wide, 28 heads, 4 kv heads
    writeModel(QStringLiteral("e/qwen.gguf"), shapeModel(s));
    Shape noKv = s;
    noKv.arch = "mpt";
    noKv.headsKv = std::nullopt;
    writeModel(QStringLiteral("e/mha.gguf"), shapeModel(noKv));
    DiscoveryRoots roots;
    roots.folders = {path(QStringLiteral("e"))};
    const QList<LocalModel> models = discoverLocalModels(roots);
    ASSERT_EQ(models.size(), 2);
    for (const LocalModel &m : models) {
        ASSERT_TRUE(m.error.isEmpty()) << m.error.toStdString();
        const qint64 ctx = 12345;
        const qint64 expected =
            2 * m.layerCount * ctx * (m.embeddingLength / m.headCount * m.headCountKv) * 2;
        const MemoryEstimate e = estimateMemory(m, ctx, -1);
        EXPECT_EQ(e.kvCacheBytes, expected) << m.displayName.toStdString();
        EXPECT_EQ(e.weightsBytes, m.fileSize);
        EXPECT_EQ(e.contextTokens, ctx);
    }
    EXPECT_EQ(models[0].headCountKv, 28); // no head_count_kv: one kv head per head
    EXPECT_EQ(models[1].headCountKv, 4);
    EXPECT_EQ(estimateMemory(models[1], 1000, -1).kvCacheBytes, 2 * 28 * 1000 * 512 * 2);
}

TEST(LocalModelMemory, StatedKeyAndValueLengthsOverrideTheHeadWidth) {
    LocalModel m; // Gemma-2-9B-like: head dim 256 although 3584 / 16 = 224
    m.layerCount = 42;
    m.embeddingLength = 3584;
    m.headCount = 16;
    m.headCountKv = 8;
    m.keyLength = 256;
    m.valueLength = 256;
    EXPECT_EQ(estimateMemory(m, 8192, -1).kvCacheBytes, qint64(42) * 8192 * 8 * (256 + 256) * 2);
}

TEST(LocalModelMemory, FitsExactlyAtTheLimit) {
    const MemoryEstimate e = estimateMemory(llama3_8b(), 8192, -1);
    EXPECT_FALSE(e.fits);
    EXPECT_EQ(e.availableBytes, -1);
    EXPECT_TRUE(e.summary.contains(QStringLiteral("free memory unknown")))
        << e.summary.toStdString();
    EXPECT_TRUE(estimateMemory(llama3_8b(), 8192, e.totalBytes).fits);
    const MemoryEstimate tight = estimateMemory(llama3_8b(), 8192, e.totalBytes - 1);
    EXPECT_FALSE(tight.fits);
    EXPECT_TRUE(tight.summary.startsWith(QStringLiteral("needs ≈6.5 GB, more than the 6.5 GB")))
        << tight.summary.toStdString();
    const MemoryEstimate roomy = estimateMemory(llama3_8b(), 8192, 7800000000);
    EXPECT_EQ(roomy.summary, QStringLiteral("needs ≈6.5 GB of 7.8 GB free"));
}

TEST(LocalModelMemory, MissingOrAbsurdShapesNeverWrapIntoFits) {
    LocalModel m;
    m.fileSize = 1000;
    const MemoryEstimate unknown = estimateMemory(m, 4096, qint64(1) << 40);
    EXPECT_FALSE(unknown.kvCacheKnown);
    EXPECT_EQ(unknown.kvCacheBytes, 0);
    EXPECT_TRUE(unknown.fits);
    EXPECT_TRUE(unknown.summary.contains(QStringLiteral("KV cache not counted")));

    m.layerCount = qint64(1) << 40;
    m.embeddingLength = qint64(1) << 40;
    m.headCount = 1;
    m.headCountKv = 1;
    const MemoryEstimate absurd =
        estimateMemory(m, qint64(1) << 40, std::numeric_limits<qint64>::max() - 1);
    EXPECT_EQ(absurd.totalBytes, std::numeric_limits<qint64>::max());
    EXPECT_FALSE(absurd.fits);
}

TEST(LocalModelMemory, ReadsMemAvailable) {
    const QByteArray sample = "MemTotal:       16314360 kB\nMemFree:          812344 kB\n"
                              "MemAvailable:    7621908 kB\nBuffers:          345120 kB\n";
    EXPECT_EQ(parseMemAvailable(sample), qint64(7621908) * 1024);
    EXPECT_EQ(parseMemAvailable("MemTotal: 1 kB\n"), -1);
    EXPECT_EQ(parseMemAvailable("MemAvailable: lots kB\n"), -1);
    if (QFile::exists(QStringLiteral("/proc/meminfo"))) {
        EXPECT_GT(availableMemoryBytes(), 0);
    }
}

} // namespace
