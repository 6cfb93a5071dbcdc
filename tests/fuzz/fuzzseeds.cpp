// SPDX-License-Identifier: MIT
// The seed inputs and mutation dictionaries of the fuzz targets, all made here by the real
// writers (nothing is read from disk), and the target registry.
#include "fuzztargets.h"

#include "../core/imagesamples.h"
#include "ggufwriter.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>

namespace reposcope::fuzz {

namespace {

QByteArray le32(quint32 v) {
    QByteArray out(4, '\0');
    for (int i = 0; i < 4; ++i)
        out[i] = char((v >> (8 * i)) & 0xFF);
    return out;
}

QByteArray le64(quint64 v) {
    QByteArray out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[i] = char((v >> (8 * i)) & 0xFF);
    return out;
}

// --- GGUF -------------------------------------------------------------------------------

std::vector<QByteArray> ggufSeeds() {
    std::vector<QByteArray> seeds;
    test::TinyLlamaOptions withTensors;
    seeds.push_back(test::tinyLlama(withTensors).build());
    test::TinyLlamaOptions noTensors;
    noTensors.tensors = false;
    seeds.push_back(test::tinyLlama(noTensors).build(2));

    // Every value type, nested arrays and an explicit alignment.
    test::GgufWriter all;
    all.addString("general.architecture", "llama");
    all.addString("general.name", "fuzz \xC3\xA9");
    all.addUInt32("general.alignment", 64);
    all.addUInt8("u8", 200);
    all.addInt8("i8", -5);
    all.addUInt16("u16", 60000);
    all.addInt16("i16", -30000);
    all.addUInt32("general.file_type", 15);
    all.addInt32("i32", -7);
    all.addUInt64("llama.context_length", 4096);
    all.addInt64("i64", -1);
    all.addFloat32("f32", 1.5f);
    all.addFloat64("f64", -2.25);
    all.addBool("flag", true);
    all.addStringArray("strings", {"a", "", "\xF0\x9F\x98\x80"});
    all.addInt32Array("ints", {1, -2, 3});
    all.addFloat32Array("floats", {0.5f, -0.5f});
    // [[1, 2], []] as arrays of uint8 arrays
    all.addRaw("nested", test::GgufWriter::Array,
               le32(test::GgufWriter::Array) + le64(2) + le32(test::GgufWriter::UInt8) + le64(2) +
                   QByteArray("\x01\x02", 2) + le32(test::GgufWriter::UInt8) + le64(0));
    all.addTensor("t.weight", {64, 2});
    all.addTensor("u.weight", {3});
    seeds.push_back(all.build());

    // A vocabulary alone, with the Llama 3 pre-tokenizer.
    test::GgufWriter vocab;
    vocab.addString("general.architecture", "gpt2");
    test::addGpt2Vocab(vocab, test::tinyVocab(), "llama3");
    seeds.push_back(vocab.build());
    return seeds;
}

std::vector<QByteArray> ggufDictionary() {
    std::vector<QByteArray> d = {"GGUF",
                                 le32(2),
                                 le32(3),
                                 le32(8),
                                 le32(9),
                                 le32(13),
                                 le32(0xFFFFFFFF),
                                 le64(0),
                                 le64(1),
                                 le64(0x7FFFFFFFFFFFFFFFull),
                                 le64(0xFFFFFFFFFFFFFFFFull),
                                 le64(1ull << 28)};
    for (const char *key :
         {"general.architecture", "general.alignment", "general.name", "general.file_type",
          "tokenizer.ggml.model", "tokenizer.ggml.tokens", "tokenizer.ggml.token_type",
          "tokenizer.ggml.merges", "tokenizer.ggml.pre", "gpt2", "llama", "qwen2", "llama3"})
        d.push_back(test::GgufWriter::ggufString(key));
    return d;
}

// --- tokenizer.json ---------------------------------------------------------------------

QByteArray compact(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::vector<QByteArray> tokenizerSeeds() {
    std::vector<QByteArray> seeds;
    // The shape of test_hftokenizer_loader's minimal file.
    seeds.push_back(
        R"({"version":"1.0","added_tokens":[{"id":5,"content":"<|end|>","special":true}],)"
        R"("normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,)"
        R"("use_regex":true},"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"Ġ":3,)"
        R"("Ġab":4},"merges":["a b",["Ġ","ab"]]}})");

    // The tiny GPT-2 vocabulary as a Llama 3 style file: Split then ByteLevel, NFC.
    const test::TinyVocab tiny = test::tinyVocab();
    QJsonObject vocab;
    for (qsizetype i = 0; i < tiny.tokens.size(); ++i) {
        if (tiny.tokenTypes[size_t(i)] == 1)
            vocab.insert(QString::fromUtf8(tiny.tokens[i]), int(i));
    }
    QJsonArray merges;
    for (const QByteArray &m : tiny.merges)
        merges.append(QString::fromUtf8(m));
    QJsonArray added;
    for (qsizetype i = 0; i < tiny.tokens.size(); ++i) {
        if (tiny.tokenTypes[size_t(i)] == 3)
            added.append(QJsonObject{{QStringLiteral("id"), int(i)},
                                     {QStringLiteral("content"), QString::fromUtf8(tiny.tokens[i])},
                                     {QStringLiteral("special"), true}});
    }
    const QJsonObject split{
        {QStringLiteral("type"), QStringLiteral("Split")},
        {QStringLiteral("pattern"),
         QJsonObject{{QStringLiteral("Regex"),
                      QStringLiteral("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
                                     "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|"
                                     "\\s+(?!\\S)|\\s+")}}},
        {QStringLiteral("behavior"), QStringLiteral("Isolated")},
        {QStringLiteral("invert"), false}};
    const QJsonObject byteLevel{{QStringLiteral("type"), QStringLiteral("ByteLevel")},
                                {QStringLiteral("add_prefix_space"), false},
                                {QStringLiteral("use_regex"), false}};
    QJsonObject llama3{
        {QStringLiteral("version"), QStringLiteral("1.0")},
        {QStringLiteral("added_tokens"), added},
        {QStringLiteral("normalizer"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("NFC")}}},
        {QStringLiteral("pre_tokenizer"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("Sequence")},
                     {QStringLiteral("pretokenizers"), QJsonArray{split, byteLevel}}}},
        {QStringLiteral("model"), QJsonObject{{QStringLiteral("type"), QStringLiteral("BPE")},
                                              {QStringLiteral("ignore_merges"), true},
                                              {QStringLiteral("vocab"), vocab},
                                              {QStringLiteral("merges"), merges}}}};
    seeds.push_back(compact(llama3));

    // Merges as pairs, a String split, an NFKC sequence.
    QJsonArray pairs;
    for (const auto &m : tiny.merges) {
        const qsizetype space = m.indexOf(' ');
        pairs.append(
            QJsonArray{QString::fromUtf8(m.left(space)), QString::fromUtf8(m.mid(space + 1))});
    }
    QJsonObject model = llama3.value(QStringLiteral("model")).toObject();
    model.insert(QStringLiteral("merges"), pairs);
    model.remove(QStringLiteral("ignore_merges"));
    QJsonObject other = llama3;
    other.insert(QStringLiteral("model"), model);
    other.insert(
        QStringLiteral("normalizer"),
        QJsonObject{{QStringLiteral("type"), QStringLiteral("Sequence")},
                    {QStringLiteral("normalizers"),
                     QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("NFC")}},
                                QJsonObject{{QStringLiteral("type"), QStringLiteral("NFKC")}}}}});
    QJsonObject stringSplit = split;
    stringSplit.insert(QStringLiteral("pattern"),
                       QJsonObject{{QStringLiteral("String"), QStringLiteral(".")}});
    other.insert(
        QStringLiteral("pre_tokenizer"),
        QJsonObject{{QStringLiteral("type"), QStringLiteral("Sequence")},
                    {QStringLiteral("pretokenizers"),
                     QJsonArray{stringSplit, QJsonObject{{QStringLiteral("type"),
                                                          QStringLiteral("ByteLevel")}}}}});
    seeds.push_back(QJsonDocument(other).toJson(QJsonDocument::Indented));
    return seeds;
}

std::vector<QByteArray> tokenizerDictionary() {
    return {"{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "null",
            "true",
            "false",
            "0",
            "-1",
            "1e308",
            "2147483648",
            "0.5",
            "\"\"",
            "\\u0000",
            "\\ud800",
            "\\\"",
            "\"type\"",
            "\"BPE\"",
            "\"ByteLevel\"",
            "\"Split\"",
            "\"Sequence\"",
            "\"Regex\"",
            "\"String\"",
            "\"Isolated\"",
            "\"model\"",
            "\"vocab\"",
            "\"merges\"",
            "\"added_tokens\"",
            "\"normalizer\"",
            "\"NFC\"",
            "\"NFKC\"",
            "\"pre_tokenizer\"",
            "\"pretokenizers\"",
            "\"normalizers\"",
            "\"ignore_merges\"",
            "\"use_regex\"",
            "\"byte_fallback\"",
            "\"\xC4\xA0\"",
            "\"(\"",
            "\"[\"",
            "\"(a+)+$\"",
            "\"\\\\p{L}\"",
            "\"(?<=a)\"",
            "\"\\\\\"",
            "\"\\u001b[2J\""};
}

// --- images -----------------------------------------------------------------------------

QImage withAlpha(QSize size) {
    QImage image(size, QImage::Format_ARGB32);
    for (int y = 0; y < size.height(); ++y)
        for (int x = 0; x < size.width(); ++x)
            image.setPixel(x, y, qRgba(x * 13, y * 29, (x ^ y) * 7, (x * y * 5) & 0xFF));
    return image;
}

std::vector<QByteArray> imageSeeds() {
    using test::encodeImage;
    std::vector<QByteArray> seeds;
    const QImage photo = test::photoLike(QSize(40, 30));
    seeds.push_back(encodeImage(photo, "png"));
    seeds.push_back(encodeImage(withAlpha(QSize(17, 9)), "png"));
    seeds.push_back(encodeImage(photo.convertToFormat(QImage::Format_Grayscale8), "png"));
    seeds.push_back(
        encodeImage(test::diagram(QSize(24, 24)).convertToFormat(QImage::Format_Indexed8), "png"));
    seeds.push_back(
        encodeImage(withAlpha(QSize(5, 7)).convertToFormat(QImage::Format_RGBA64), "png"));
    seeds.push_back(
        test::withPngText(encodeImage(test::quadrants(QSize(8, 8)), "png"), "Comment", "fuzz"));
    const QByteArray jpeg = encodeImage(photo, "jpeg", 80);
    seeds.push_back(jpeg);
    seeds.push_back(
        test::withExifOrientation(encodeImage(test::quadrants(QSize(64, 48)), "jpeg"), 6));
    const QByteArray webp = encodeImage(test::diagram(QSize(30, 20)), "webp");
    if (!webp.isEmpty())
        seeds.push_back(webp);
    seeds.push_back(test::twoFrameGif(QSize(12, 10), Qt::red, Qt::blue));
    seeds.push_back(encodeImage(test::quadrants(QSize(9, 6)), "bmp"));
    for (auto it = seeds.begin(); it != seeds.end();) {
        if (it->isEmpty()) // a writer missing from this Qt: no seed rather than an empty one
            it = seeds.erase(it);
        else
            ++it;
    }
    return seeds;
}

std::vector<QByteArray> imageDictionary() {
    return {"IHDR",
            "IDAT",
            "IEND",
            "tEXt",
            "zTXt",
            "PLTE",
            "tRNS",
            "eXIf",
            "iCCP",
            "sRGB",
            QByteArray("\x89PNG\r\n\x1a\n", 8),
            QByteArray("\xFF\xD8\xFF", 3),
            QByteArray("\xFF\xDA", 2),
            QByteArray("\xFF\xD9", 2),
            QByteArray("\xFF\xE1", 2),
            QByteArray("\xFF\xC0", 2),
            QByteArray("Exif\0\0", 6),
            "RIFF",
            "WEBP",
            "VP8 ",
            "VP8L",
            "VP8X",
            "EXIF",
            "ALPH",
            "GIF89a",
            QByteArray("!\xF9\x04", 3),
            "NETSCAPE2.0",
            "BM",
            QByteArray("\0\0\0\0", 4),
            QByteArray("\0\0\x01\0", 4)};
}

// --- SSE --------------------------------------------------------------------------------

std::vector<QByteArray> sseSeeds() {
    return {
        // OpenAI: role, content, finish, usage in a final chunk, [DONE].
        R"(data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null})"
        "\n\n"
        R"(data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hi \"there\"\nline\u00e9 😀"},"finish_reason":null}]})"
        "\n\n"
        R"(data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null})"
        "\n\n"
        R"(data: {"id":"c1","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":34,"prompt_tokens_details":{"cached_tokens":1024}}})"
        "\n\ndata: [DONE]\n\n",
        // OpenRouter: BOM, CRLF, keep-alive comments, an error event mid-stream.
        "\xEF\xBB\xBF: OPENROUTER PROCESSING\r\n\r\n"
        R"(data: {"id":"gen-1","provider":"Fireworks","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]})"
        "\r\n\r\n: OPENROUTER PROCESSING\r\n\r\nevent: error\r\n"
        R"(data: {"error":{"code":502,"message":"Upstream error","metadata":{"provider_name":"Fireworks"}}})"
        "\r\n\r\n",
        // llama-server: CR line ends, null content, prompt progress, timings.
        R"(data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"object":"chat.completion.chunk"})"
        "\r\r"
        R"(data: {"choices":[],"prompt_progress":{"total":120000,"cache":20000,"processed":70000,"time_ms":4512}})"
        "\r\r"
        R"(data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"timings":{"cache_n":5,"prompt_n":95,"predicted_n":12}})"
        "\r\rdata: [DONE]\r\r",
        // Groq: x_groq usage and error, ids, retry, multi-line data, fields without values.
        "id: 7\nretry: 3000\nevent: message\ndata: {\"choices\":[{\"index\":0,\n"
        "data: \"delta\":{\"content\":\"x\"}}],\"x_groq\":{\"id\":\"req_1\"}}\n\n"
        R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"usage":{"prompt_tokens":26,"completion_tokens":10}}})"
        "\n\nid\ndata\n\n"
        R"(data: {"x_groq":{"error":{"message":"rate limited","type":"tokens","code":"rate_limit_exceeded"}}})"
        "\n\n",
        // A reasoning model that thinks to the end of its budget, content as parts, and a
        // last event whose blank line never comes.
        R"(data: {"choices":[{"index":0,"delta":{"reasoning_content":"Let me think"}}]})"
        "\n\n"
        R"(data: {"choices":[{"index":0,"delta":{"reasoning":" more","content":[{"type":"text","text":"a"},"b"]}}]})"
        "\n\n"
        R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}]})"
        "\n\nevent: error\ndata: plain text failure\n\ndata: {\"error\":\"quota\"}",
    };
}

std::vector<QByteArray> sseDictionary() {
    return {"\n",
            "\r",
            "\r\n",
            "\n\n",
            "\r\n\r\n",
            "data:",
            "data: ",
            "event:",
            "event: error\n",
            "id:",
            QByteArray("id: \0\n", 6),
            "retry: 10\n",
            ":",
            ": ping\n",
            "\xEF\xBB\xBF",
            "\xEF\xBB",
            "[DONE]",
            "{\"choices\":[",
            "{\"index\":0,",
            "\"delta\":{",
            "\"message\":{",
            "\"content\":",
            "\"text\":",
            "\"reasoning_content\":",
            "\"finish_reason\":\"length\"",
            "\"usage\":{",
            "\"prompt_tokens\":",
            "\"completion_tokens\":",
            "\"cached_tokens\":",
            "\"error\":",
            "\"error\":{\"message\":",
            "\"x_groq\":{",
            "\"timings\":{",
            "\"prompt_n\":",
            "\"cache_n\":",
            "\"prompt_progress\":{",
            "\"total\":",
            "\"processed\":",
            "1e400",
            "-1",
            "9e15",
            "null",
            "\"\"",
            "}",
            "]",
            "\\u0000",
            "\\ud83d",
            "\xC3",
            "\xF0\x9F\x98"};
}

} // namespace

const std::vector<Target> &targets() {
    static const std::vector<Target> all = {
        {"gguf", &gguf::fuzzOne, &ggufSeeds, &ggufDictionary},
        {"image", &image::fuzzOne, &imageSeeds, &imageDictionary},
        {"sse", &sse::fuzzOne, &sseSeeds, &sseDictionary},
        {"tokenizer", &tokenizer::fuzzOne, &tokenizerSeeds, &tokenizerDictionary},
    };
    return all;
}

const Target *targetNamed(const QString &name) {
    for (const Target &t : targets()) {
        if (name == QLatin1String(t.name))
            return &t;
    }
    return nullptr;
}

ScratchFile::ScratchFile(const QString &fileName) {
    // One directory per process, removed at exit (the object is never destroyed before).
    static QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/reposcope-fuzz-XXXXXX"));
    if (!dir.isValid()) {
        std::fprintf(stderr, "cannot create a temporary directory for the fuzz targets\n");
        std::abort();
    }
    m_path = dir.filePath(fileName);
}

const QString &ScratchFile::write(const uint8_t *data, size_t size) {
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(m_path));
        std::abort();
    }
    return m_path;
}

} // namespace reposcope::fuzz
