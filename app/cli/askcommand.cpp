// SPDX-License-Identifier: MIT
// reposcope-cli ask: the whole audit headless — open, count, pack, send, stream the answer.
#include "clicommands.h"
#include "clishared.h"
#include "findingsoutput.h"
#include "imageflags.h"
#include "localflags.h"
#include "redactionreport.h"
#include "terminaloutput.h"

#include "common/figures.h"

#include "llm/catalog/modelcatalog.h"
#include "llm/client/chatclient.h"
#include "llm/client/providerendpoint.h"
#include "llm/conversation.h"
#include "llm/local/localengine.h"
#include "llm/stream/answerend.h"
#include "prompt/budget.h"
#include "prompt/packwriter.h"
#include "prompt/systemprompt.h"
#include "prompt/tasktemplates.h"
#include "text/terminalfilter.h"

#include <QBuffer>
#include <QDateTime>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QThreadPool>
#include <QTimer>

namespace reposcope::cli {

namespace {

int exitCodeFor(const llm::ChatError &error) {
    using Kind = llm::ChatError::Kind;
    switch (error.kind) {
    case Kind::HostNotFound:
    case Kind::ConnectionRefused:
    case Kind::Tls:
    case Kind::Timeout:
    case Kind::ConnectionDropped:
        return ExitNetwork;
    case Kind::Authentication:
    case Kind::PaymentRequired:
        return ExitAuth;
    case Kind::ContextOverflow:
    case Kind::TooLargeForRateLimit:
        return ExitContext;
    case Kind::RateLimited:
        return ExitRateLimited;
    case Kind::Cancelled:
        return ExitCancelled;
    case Kind::ModelNotFound:
    case Kind::ServerError:
    case Kind::BadRequest:
    case Kind::StreamError:
    case Kind::Protocol:
    case Kind::Other:
        break;
    }
    return ExitServer;
}

QString megabytes(qint64 bytes) {
    return formatBytes(bytes);
}

QString seconds(qint64 ms) {
    return QString::number(double(ms) / 1000.0, 'f', 1) + QStringLiteral(" s");
}

// Progress lines on stderr: one per phase change, and a heartbeat while waiting so a CI
// log shows the job is alive during a long prefill.
class ProgressPrinter : public QObject {
public:
    explicit ProgressPrinter(llm::ChatClient *client)
        : m_client(client) {
        connect(client, &llm::ChatClient::phaseChanged, this,
                [this](llm::ChatPhase phase) { onPhase(phase); });
        connect(client, &llm::ChatClient::retryScheduled, this,
                [](int attempt, int delayMs, const llm::ChatError &why) {
                    err() << "retrying in " << seconds(delayMs) << " (attempt " << attempt
                          << "): " << cliWording(why.message) << "\n";
                    err().flush();
                });
        connect(client, &llm::ChatClient::promptProgressed, this,
                [this](const llm::PromptProgress &p) {
                    const int percent = int(p.fraction() * 100);
                    if (percent / 10 == m_lastDecile)
                        return;
                    m_lastDecile = percent / 10;
                    err() << "prefill " << percent << "% (" << p.processed << " of " << p.total
                          << " tokens)\n";
                    err().flush();
                });
        m_heartbeat.setInterval(5000);
        connect(&m_heartbeat, &QTimer::timeout, this, [this] {
            err() << "waiting for the first token: " << seconds(m_waiting.elapsed()) << "\n";
            err().flush();
        });
    }

private:
    void onPhase(llm::ChatPhase phase) {
        m_heartbeat.stop();
        const llm::ChatStats &s = m_client->stats();
        switch (phase) {
        case llm::ChatPhase::Uploading:
            err() << "uploading " << megabytes(s.bodyBytes) << "\n";
            break;
        case llm::ChatPhase::Waiting:
            err() << "sent; waiting for the first token\n";
            m_waiting.start();
            m_heartbeat.start();
            break;
        case llm::ChatPhase::Streaming:
            err() << "first token after " << seconds(s.ttftMs) << "\n";
            break;
        default:
            return;
        }
        err().flush();
    }

    llm::ChatClient *m_client;
    QTimer m_heartbeat;
    QElapsedTimer m_waiting;
    int m_lastDecile = -1;
};

} // namespace

int runAsk(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Sends the selected files and a question to a model and streams the answer to "
            "standard output; progress goes to standard error. Any OpenAI-compatible server "
            "works: a catalog provider (--provider) or a base URL (--base-url "
            "http://127.0.0.1:8000/v1), or a GGUF model run on this machine by the embedded "
            "local engine (--local MODEL.gguf [--ctx N] [--threads N] [--gpu cpu|cuda|vulkan]; "
            "needs Node.js and the engine's packages from scripts/bootstrap.sh; counts with the "
            "model's own vocabulary). Keys come from the provider's environment variable "
            "(GROQ_API_KEY, FIREWORKS_API_KEY, OPENROUTER_API_KEY, TOGETHER_API_KEY, "
            "OPENAI_API_KEY) or --api-key-env.\n\n"
            "With --sarif, --report or --csv, the findings of the answer are extracted once it "
            "is complete (or cut off), each citation is checked against the files sent "
            "(verified, corrected or unverified), and the files are written; a file that "
            "cannot be written exits with 4 after the answer was printed.\n\n"
            "On a terminal, control characters in the answer and in server messages are shown, "
            "not run: ESC as \u241B (so a colour code reads \u241B[31m), BEL as \u2407, a "
            "carriage return that is not part of CRLF as \u240D, C1 controls as <U+009B>, "
            "invalid UTF-8 as U+FFFD. A file or pipe gets the answer exactly; so does --raw.\n\n"
            "Secrets (keys, tokens, passwords; the rules of `reposcope-cli scan`) in the pack and "
            "the question are replaced by markers such as «redacted:aws-secret-access-key» before "
            "anything is sent, for every backend; the rest of each file is sent and every line "
            "keeps its number. stderr lists each one (redacted: path:line  rule  masked). "
            "Entries of the allow list (the user's, and the repository's "
            ".reposcope/secrets-allow.json) are sent and listed as allowed. --no-redact sends "
            "the secrets as they are, still listing them as warnings.\n\n") +
        exitCodesFor(QStringLiteral("ask")));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Repository or folder."));
    SelectionFlags flags;
    flags.addTo(parser);
    QCommandLineOption provider(QStringLiteral("provider"),
                                QStringLiteral("Catalog provider id (groq, fireworks, openrouter, "
                                               "together, vllm, ollama, lmstudio, llama-server)."),
                                QStringLiteral("P"));
    QCommandLineOption baseUrl(QStringLiteral("base-url"),
                               QStringLiteral("Any OpenAI-compatible base URL (…/v1)."),
                               QStringLiteral("URL"));
    QCommandLineOption keyEnv(QStringLiteral("api-key-env"),
                              QStringLiteral("Read the API key from this environment variable."),
                              QStringLiteral("VAR"));
    QCommandLineOption model(QStringLiteral("model"), QStringLiteral("Model id."),
                             QStringLiteral("M"));
    QCommandLineOption task(QStringLiteral("task"),
                            QStringLiteral("Audit template id (see --list-tasks)."),
                            QStringLiteral("T"));
    QCommandLineOption promptText(QStringLiteral("prompt"), QStringLiteral("The question."),
                                  QStringLiteral("TEXT"));
    QCommandLineOption listTasks(QStringLiteral("list-tasks"),
                                 QStringLiteral("List the audit templates and exit."));
    QCommandLineOption maxTokens(QStringLiteral("max-tokens"),
                                 QStringLiteral("Most tokens to generate. An answer that "
                                                "reaches it is cut off: said on stderr, exit "
                                                "code 12."),
                                 QStringLiteral("N"));
    QCommandLineOption idleTimeout(
        QStringLiteral("idle-timeout"),
        QStringLiteral("Give up after S seconds without any byte from the server (default 600)."),
        QStringLiteral("S"));
    QCommandLineOption lineNumbers(
        QStringLiteral("line-numbers"),
        QStringLiteral("Prefix every line of the pack with its number."));
    parser.addOptions({provider, baseUrl, keyEnv, model, task, promptText, listTasks, maxTokens,
                       idleTimeout, lineNumbers});
    const QCommandLineOption allowUncounted = allowUncountedOption();
    parser.addOption(allowUncounted);
    const QCommandLineOption raw(
        QStringLiteral("raw"),
        QStringLiteral("Print the answer exactly as the model sent it, escape sequences included, "
                       "even on a terminal."));
    parser.addOption(raw);
    const QCommandLineOption noRedact = noRedactOption();
    parser.addOption(noRedact);
    FindingsFlags findingsFlags;
    findingsFlags.addTo(parser);
    LocalFlags localFlags;
    localFlags.addTo(parser);
    ImageFlags imageFlags;
    imageFlags.addTo(parser);
    if (const std::optional<int> done = parseArguments(parser, arguments))
        return *done;
    // The error is printed once, below, in the CLI's words; not also by the client's log.
    QLoggingCategory::setFilterRules(QStringLiteral("reposcope.llm.*=false"));
    QStringList warnings;
    const prompt::TaskTemplates tasks =
        prompt::TaskTemplates::load(prompt::TaskTemplates::defaultUserFile(), &warnings);
    if (parser.isSet(listTasks)) {
        for (const prompt::TaskTemplate &t : tasks.templates())
            out() << t.id << "\t" << t.title << "\n";
        return ExitOk;
    }

    // What to ask.
    QString question;
    QString title;
    if (parser.isSet(task) == parser.isSet(promptText)) {
        err() << "error: give either --task T or --prompt TEXT (see --list-tasks)\n";
        return ExitUsage;
    }
    if (parser.isSet(task)) {
        const prompt::TaskTemplate *t = tasks.find(parser.value(task));
        if (!t) {
            err() << "error: unknown task '" << parser.value(task)
                  << "' (see reposcope-cli ask --list-tasks)\n";
            return ExitUsage;
        }
        question = tasks.promptFor(*t);
        title = t->title;
    } else {
        question = parser.value(promptText);
    }

    // Where to send it.
    std::optional<LocalSettings> local;
    if (localFlags.isSet(parser)) {
        local.emplace();
        const QStringList excluded{provider.names().constFirst(), baseUrl.names().constFirst()};
        if (const std::optional<int> bad = parseLocalFlags(parser, localFlags, excluded, &*local))
            return *bad;
        flags.tokenizerFallback = local->config.modelPath; // the model's own vocabulary
    } else if (!parser.isSet(model) || parser.value(model).isEmpty()) {
        err() << "error: --model M is required\n";
        return ExitUsage;
    } else if (!parser.isSet(provider) && !parser.isSet(baseUrl)) {
        err() << "error: give --provider P, --base-url URL or --local MODEL.gguf\n";
        return ExitUsage;
    }
    const llm::ModelCatalog catalog =
        llm::ModelCatalog::load(llm::ModelCatalog::defaultUserFile(), &warnings);
    for (const QString &w : warnings)
        err() << "warning: " << w << "\n";
    llm::ProviderEntry entry;
    if (local) {
        entry = llm::localProviderEntry(catalog.provider(llm::localProviderId()),
                                        local->config.modelPath, local->config.contextSize);
    } else if (parser.isSet(provider)) {
        const llm::ProviderEntry *found = catalog.provider(parser.value(provider));
        if (!found) {
            QStringList ids;
            for (const llm::ProviderEntry &p : catalog.providers())
                ids << p.id;
            err() << "error: unknown provider '" << parser.value(provider)
                  << "'; known: " << ids.join(QStringLiteral(", ")) << "\n";
            return ExitUsage;
        }
        entry = *found;
    } else {
        entry.id = QStringLiteral("custom");
        entry.name = QStringLiteral("custom server");
        entry.kind = QStringLiteral("custom");
        entry.auth = QStringLiteral("bearer");
        entry.usageMode = QStringLiteral("include_usage");
    }
    if (parser.isSet(baseUrl)) {
        const QUrl url(parser.value(baseUrl), QUrl::StrictMode);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
            err() << "error: --base-url must be an http:// or https:// URL\n";
            return ExitUsage;
        }
        entry.baseUrl = url.toString();
    }
    const QString envName = parser.isSet(keyEnv) ? parser.value(keyEnv) : entry.keyEnv;
    const QString apiKey = envName.isEmpty() ? QString() : qEnvironmentVariable(envName.toUtf8());
    if (parser.isSet(keyEnv) && apiKey.isEmpty()) {
        err() << "error: the environment variable " << envName << " is empty or not set\n";
        return ExitAuth;
    }
    if (entry.auth == QLatin1String("bearer") && apiKey.isEmpty() &&
        entry.kind == QLatin1String("cloud")) {
        err() << "error: no API key for " << entry.name << ": set " << envName
              << " (or give --api-key-env VAR)\n";
        return ExitAuth;
    }

    // Images are prepared before anything is opened or sent: a bad one stops here.
    PreparedImages images;
    if (imageFlags.isSet(parser)) {
        if (local) {
            err() << "error: the embedded local engine does not read images; drop --image\n";
            return ExitUsage;
        }
        const llm::ModelEntry *m = catalog.model(entry.id, parser.value(model));
        if (const std::optional<int> bad = prepareImageFlags(parser, imageFlags, entry, m, &images))
            return *bad;
    }

    // Open, count and pack.
    QThreadPool pool;
    pool.setMaxThreadCount(2 * QThread::idealThreadCount()); // reading waits on the disk
    prompt::PackOptions packOptions;
    packOptions.lineNumbers = parser.isSet(lineNumbers);
    Opened opened = openAndCount(parser, flags, &pool, packOptions);
    if (opened.exitCode != ExitOk || !opened.workspace)
        return opened.exitCode;
    const workspace::Workspace &ws = *opened.workspace;
    const prompt::Selection &sel = *ws.selection();
    if (const std::optional<int> refused = checkUncounted(sel, parser.isSet(allowUncounted)))
        return *refused;
    QByteArray pack;
    prompt::PackManifest manifest; // where each file lies in the pack, for the findings
    {
        QBuffer buffer(&pack);
        buffer.open(QIODevice::WriteOnly);
        const Result<prompt::PackStats> stats = prompt::writePack(
            sel.snapshot(), sel.selectedFiles(), prompt::PackFormat(packOptions), buffer, &pool);
        if (!stats) {
            err() << "error: " << cliWording(stats.error().message) << "\n";
            return ExitOpen;
        }
        for (const QString &problem : stats->problems)
            err() << "warning: " << cliWording(problem) << "\n";
        if (!stats->changed.isEmpty() && !parser.isSet(allowUncounted)) {
            err() << "error: " << stats->changed.size()
                  << " file(s) changed while they were counted; nothing was sent. Run the "
                     "command again, or pass --allow-uncounted to send the rest without them.\n";
            return ExitOpen;
        }
        manifest = stats->manifest;
    }
    // The privacy guard: what is sent is the pack and the question with their secrets handled.
    QStringList guardWarnings;
    const workspace::RedactionPolicy redaction =
        cliRedactionPolicy(sel.snapshot().info().rootPath, !parser.isSet(noRedact), &guardWarnings);
    for (const QString &w : guardWarnings)
        err() << "warning: " << w << "\n";
    workspace::RedactedPack redacted =
        workspace::redactPack(pack, manifest, redaction, packOptions.lineNumbers);
    const qint64 tokenDelta =
        workspace::redactionTokenDelta(pack, manifest, redacted, ws.tokenizer());
    pack = std::move(redacted.text);
    manifest = std::move(redacted.manifest);
    workspace::SecretReport secrets = std::move(redacted.secrets);
    question = workspace::redactText(question, QStringLiteral("question"), redaction, &secrets);
    printSecretReport(secrets);
    const qint64 packTokens =
        sel.selected(0).tokens + sel.selected(0).overhead + ws.fixedOverhead() + tokenDelta;
    const QString approx = ws.countsAreExact() ? QString() : QStringLiteral("~");
    // What the model reads: the pack, the system prompt, the question and the chat template.
    const prompt::PromptTokens promptTokens = prompt::firstRequestTokens(
        ws.tokenizer(), prompt::defaultSystemPrompt(), packTokens, question);

    llm::ChatTarget target;
    target.endpoint = llm::endpointFor(entry, apiKey);
    target.providerId = entry.id;
    target.model = parser.value(model);
    target.includeUsage = entry.usageMode != QLatin1String("none");
    target.returnProgress = entry.returnProgress;
    if (const llm::ModelEntry *m = catalog.model(entry.id, target.model)) {
        target.contextCap = m->contextTokens;
        // As in the window: at most half the context is kept for the answer (--max-tokens
        // overrides it).
        target.maxOutputTokens = int(prompt::answerReserve(m->maxOutputTokens, m->contextTokens));
        target.inputPerMillion = m->inputPerMillion;
        target.outputPerMillion = m->outputPerMillion;
    }
    if (parser.isSet(maxTokens)) {
        bool ok = false;
        target.maxOutputTokens = parser.value(maxTokens).toInt(&ok);
        if (!ok || target.maxOutputTokens <= 0) {
            err() << "error: --max-tokens needs a positive number\n";
            return ExitUsage;
        }
    }
    std::unique_ptr<llm::EngineSupervisor> engine; // stopped when ask returns
    if (local) {
        engine = std::make_unique<llm::EngineSupervisor>();
        const int started =
            startLocalEngine(*local, promptTokens, target.maxOutputTokens, *engine, &target);
        if (started != ExitOk)
            return started;
    }
    const qint64 sentTokens = promptTokens.total() + images.tokens; // images by the model's rule
    const QString sentApprox = images.exact ? approx : QStringLiteral("~");
    err() << "sending " << sel.selected(0).files << " files" << imagesClause(images) << ", "
          << sentApprox << sentTokens << " tokens to " << target.model << " at "
          << target.endpoint.providerName << " (pack " << promptTokens.pack << " + system prompt "
          << promptTokens.systemPrompt << " + question " << promptTokens.question
          << " + chat template " << promptTokens.chatTemplate
          << (images.parts.isEmpty() ? QString()
                                     : QStringLiteral(" + images %1").arg(images.tokens))
          << ")\n";
    if (target.contextCap > 0 && sentTokens + target.maxOutputTokens > target.contextCap)
        err() << "warning: " << sentApprox << sentTokens << " tokens + " << target.maxOutputTokens
              << " reserved for the answer exceed the catalog's context of " << target.contextCap
              << " for this model; the server decides (narrow the selection with --include)\n";
    err().flush();

    QNetworkAccessManager network;
    llm::ChatClient client(&network, &pool);
    if (parser.isSet(idleTimeout)) {
        bool ok = false;
        const int secs = parser.value(idleTimeout).toInt(&ok);
        if (!ok || secs <= 0) {
            err() << "error: --idle-timeout needs a positive number of seconds\n";
            return ExitUsage;
        }
        llm::RetryPolicy policy = client.retryPolicy();
        policy.idleTimeoutMs = secs * 1000;
        client.setRetryPolicy(policy);
    }
    llm::Conversation conversation(&client);
    conversation.setTarget(target);
    conversation.setPack(prompt::defaultSystemPrompt(), pack, packTokens);
    ProgressPrinter progress(&client);
    // The answer is untrusted: on a terminal its control sequences are shown, not run.
    const bool filterAnswer = isTerminal(stdout) && !parser.isSet(raw);
    text::TerminalFilter answerFilter;
    QObject::connect(&client, &llm::ChatClient::deltaReceived, &client, [&](const QString &delta) {
        if (filterAnswer)
            out() << answerFilter.feed(delta.toUtf8());
        else
            out() << delta;
        out().flush();
    });
    QEventLoop loop;
    QObject::connect(&conversation, &llm::Conversation::turnFinished, &loop,
                     [&loop] { loop.quit(); });
    const QDateTime askedAt = QDateTime::currentDateTimeUtc();
    conversation.ask(question, title, images.parts);
    loop.exec();

    const llm::Turn &turn = conversation.turns().constLast();
    if (filterAnswer)
        out() << answerFilter.finish();
    out() << "\n";
    out().flush();
    const llm::ChatStats &s = turn.stats;
    QString summary =
        QStringLiteral("time to first token %1, total %2")
            .arg(s.ttftMs >= 0 ? seconds(s.ttftMs) : QStringLiteral("-"), seconds(s.totalMs));
    if (s.usage.promptTokens >= 0)
        summary += QStringLiteral(", prompt %1 tokens").arg(s.usage.promptTokens);
    if (s.usage.cachedPromptTokens >= 0)
        summary += QStringLiteral(" (%1 cached)").arg(s.usage.cachedPromptTokens);
    if (s.usage.completionTokens >= 0)
        summary += QStringLiteral(", completion %1 tokens").arg(s.usage.completionTokens);
    if (turn.cost)
        summary += QStringLiteral(", cost $%1").arg(*turn.cost, 0, 'f', 4);
    // Done means the stream ended as the protocol says; whether it holds a whole answer is
    // the turn's end: cut off at the token limit, only thinking, or no text at all.
    const bool complete = turn.complete();
    const llm::AnswerEnd end = turn.end();
    int exitCode = ExitOk;
    if (turn.phase == llm::ChatPhase::Done && end == llm::AnswerEnd::Complete) {
        err() << "done: " << summary << "\n";
    } else if (turn.phase == llm::ChatPhase::Done) {
        err() << (llm::isIncomplete(end) ? "cut off: " : "done, but empty: ") << summary << "\n";
        err() << "error: " << cliWording(llm::answerEndMessage(end, s, target.maxOutputTokens))
              << "\n";
        if (llm::isIncomplete(end) && target.maxOutputTokens > 0)
            err() << "hint: --max-tokens " << 2 * qint64(target.maxOutputTokens)
                  << " leaves twice the room for the answer (the server may cap it)\n";
        exitCode = ExitIncomplete;
    } else {
        const llm::ChatError error = turn.error.value_or(llm::ChatError{});
        if (!turn.answer.isEmpty())
            err() << "the answer above is incomplete\n";
        err() << "error: " << cliWording(error.message) << "\n";
        if (error.kind == llm::ChatError::Kind::ContextOverflow)
            err() << "hint: narrow the selection with --include/--exclude globs, or a subfolder "
                     "as PATH\n";
        exitCode = exitCodeFor(error);
    }
    if (!findingsFlags.anySet(parser))
        return exitCode;
    if (turn.answer.isEmpty()) {
        err() << "no answer: no findings file written\n";
        return exitCode;
    }
    findings::ExportContext context = exportContextFor(sel.snapshot().info());
    context.provider = target.endpoint.providerName;
    context.model = target.model;
    context.task = title.isEmpty() ? QStringLiteral("Custom question") : title;
    context.question = question;
    context.askedAt = askedAt;
    context.answerComplete = complete;
    if (!complete)
        context.incompleteReason =
            turn.phase == llm::ChatPhase::Done
                ? cliWording(llm::answerEndMessage(end, s, target.maxOutputTokens))
                : cliWording(turn.error.value_or(llm::ChatError{}).message);
    const int written = writeFindings(parser, findingsFlags, turn.answer,
                                      {sel.snapshotPtr(), pack, manifest, packOptions}, context);
    return exitCode == ExitOk ? written : exitCode;
}

} // namespace reposcope::cli
