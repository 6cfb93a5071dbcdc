// SPDX-License-Identifier: MIT
// The GUI entry point: builds the services once and injects them. No logic here beyond
// wiring and the optional measurement mode used by scripts/bench.
#include "llm/catalog/latencymodel.h"
#include "llm/catalog/modelcatalog.h"
#include "llm/local/enginesupervisor.h"
#include "mainwindow.h"
#include "prompt/tasktemplates.h"
#include "repo/gitutil.h"
#include "repotreemodel.h"
#include "security/apikeystore.h"
#include "tokenize/correctionstore.h"
#include "tokenize/estimatortokenizer.h"
#include "tokenize/tokencache.h"
#include "tokenize/tokenizerregistry.h"
#include "workspace/workspace.h"

#include <KSyntaxHighlighting/Repository>

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QThreadPool>
#include <QTimer>

#include "benchprobe.h"

int main(int argc, char **argv) {
    QApplication app(argc, argv);
    reposcope::repo::git::ensureInit(); // here, on the main thread: see gitutil.h
    QApplication::setOrganizationName(QStringLiteral("RepoScope"));
    QApplication::setApplicationName(QStringLiteral("RepoScope"));
    QApplication::setApplicationVersion(QStringLiteral(REPOSCOPE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/reposcope/icons/reposcope.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Interactive audits of whole repositories with long-context LLMs."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("path"),
                                 QStringLiteral("Repository or folder to open."));
    QCommandLineOption refOption(QStringLiteral("ref"),
                                 QStringLiteral("Audit this commit, branch or tag."),
                                 QStringLiteral("ref"));
    parser.addOption(refOption);
    QCommandLineOption viewOption(
        QStringLiteral("view"),
        QStringLiteral("Show this repository-relative file in the viewer (FILE or FILE:LINE)."),
        QStringLiteral("file"));
    parser.addOption(viewOption);
    QCommandLineOption askOption(
        QStringLiteral("ask"),
        QStringLiteral("Once the repository is counted, send this question to the chosen model."),
        QStringLiteral("question"));
    parser.addOption(askOption);
    QCommandLineOption localOption(
        QStringLiteral("local"),
        QStringLiteral("Run this GGUF model in the local engine and chat with it."),
        QStringLiteral("model.gguf"));
    QCommandLineOption ctxOption(
        QStringLiteral("ctx"),
        QStringLiteral("Context size for --local, in tokens (default: min(trained, 8192))."),
        QStringLiteral("tokens"));
    QCommandLineOption threadsOption(
        QStringLiteral("threads"), QStringLiteral("CPU threads for --local (default: all cores)."),
        QStringLiteral("n"));
    QCommandLineOption gpuOption(QStringLiteral("gpu"),
                                 QStringLiteral("Where --local runs: cpu (default), cuda, vulkan."),
                                 QStringLiteral("cpu|cuda|vulkan"));
    parser.addOptions({localOption, ctxOption, threadsOption, gpuOption});
    parser.process(app);

    QThreadPool pool; // all background work: scanning, counting, reading, packing
    // Twice the cores: counting is often waiting on the disk, not the CPU.
    pool.setMaxThreadCount(2 * QThread::idealThreadCount());
    KSyntaxHighlighting::Repository syntax; // expensive: one per process
    QStringList catalogWarnings;
    reposcope::llm::ModelCatalog catalog = reposcope::llm::ModelCatalog::load(
        reposcope::llm::ModelCatalog::defaultUserFile(), &catalogWarnings);
    auto tokenizer = std::make_shared<const reposcope::tokenize::EstimatorTokenizer>();
    reposcope::workspace::Workspace workspace(&pool, tokenizer,
                                              reposcope::tokenize::TokenCache::defaultFolder());

    reposcope::tokenize::TokenizerRegistry tokenizers(
        reposcope::tokenize::TokenizerRegistry::defaultDataFolder());
    tokenizers.setSnapshotFolder(reposcope::tokenize::TokenCache::defaultFolder());
    reposcope::tokenize::CorrectionStore corrections(
        reposcope::tokenize::CorrectionStore::defaultFile());
    QNetworkAccessManager network;         // every backend request; lives on the UI thread
    reposcope::security::ApiKeyStore keys; // the desktop keychain, then environment variables
    reposcope::llm::LatencyModel latency;
    if (const reposcope::Result<reposcope::Ok> loaded = latency.load(); !loaded)
        catalogWarnings << loaded.error().message;
    reposcope::prompt::TaskTemplates tasks = reposcope::prompt::TaskTemplates::load(
        reposcope::prompt::TaskTemplates::defaultUserFile(), &catalogWarnings);
    // Declared before the window and after the application: destroyed (stopping the host
    // process and waiting for it) after the window and before QApplication.
    reposcope::llm::EngineSupervisor engine;
    reposcope::ui::MainWindow window({&workspace, &catalog, &syntax, &tokenizers, &corrections,
                                      &network, &keys, &latency, &tasks, &engine});
    window.show(); // at the remembered size and place, else the default one
    if (!catalogWarnings.isEmpty())
        QMessageBox::warning(&window, QStringLiteral("Settings files"),
                             catalogWarnings.join(QLatin1Char('\n')));

    reposcope::app::installBenchProbe(&window, &workspace);
    if (parser.isSet(localOption))
        window.loadLocalModel(parser.value(localOption), parser.value(ctxOption).toInt(),
                              parser.value(threadsOption).toInt(), parser.value(gpuOption));
    if (parser.isSet(askOption))
        window.askWhenCounted(parser.value(askOption));
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty())
        window.openPath(QFileInfo(args.first()).absoluteFilePath(), parser.value(refOption));
    if (parser.isSet(viewOption)) {
        const QString view = parser.value(viewOption);
        const qsizetype colon = view.lastIndexOf(QLatin1Char(':'));
        bool ok = false;
        const int line = colon > 0 ? view.mid(colon + 1).toInt(&ok) : 0;
        window.viewFile(ok ? view.left(colon) : view, ok ? line : 0);
    }
    return QApplication::exec();
}
