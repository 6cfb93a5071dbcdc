// SPDX-License-Identifier: MIT
#include "transcript/transcriptview.h"

#include "chat/chatformat.h"
#include "common/figures.h"
#include "findings/citationparser.h"
#include "findings/citationurl.h"

#include <QBuffer>
#include <QEvent>
#include <QImageReader>
#include <QLocale>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocumentFragment>
#include <QTextTable>

#include <limits>

namespace reposcope::ui {

namespace {

constexpr int NothingDirty = std::numeric_limits<int>::max();

// A thumbnail of a sent image, at most 160×96 (JPEG decodes scaled down; others are scaled after).
QImage imageThumbnail(const QByteArray &data) {
    QBuffer buffer;
    buffer.setData(data);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    const QSize size = reader.size();
    if (size.isValid())
        reader.setScaledSize(size.scaled(QSize(160, 96), Qt::KeepAspectRatio).boundedTo(size));
    return reader.read();
}

QColor mix(const QColor &a, const QColor &b, double t) {
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

TranscriptView::TranscriptView(KSyntaxHighlighting::Repository *syntax, QWidget *parent)
    : QTextBrowser(parent)
    , m_renderer(syntax) {
    setObjectName(QStringLiteral("chatTranscript"));
    setOpenLinks(false);
    setOpenExternalLinks(false);
    document()->setUndoRedoEnabled(false);
    // A long unbroken token (a URL, base64 in an error) wraps instead of scrolling sideways.
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_throttle.setSingleShot(true);
    m_throttle.setInterval(33);
    connect(&m_throttle, &QTimer::timeout, this, &TranscriptView::render);
    connect(this, &QTextBrowser::anchorClicked, this, &TranscriptView::linkActivated);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_scrolling)
            m_follow = value >= verticalScrollBar()->maximum() - 4;
    });
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, &TranscriptView::followIfNeeded);
    applyPalette();
}

TranscriptView::~TranscriptView() = default;

void TranscriptView::setTurns(const QList<llm::Turn> *turns) {
    m_turns = turns;
    renderAll();
}

void TranscriptView::onTurnStarted(int index) {
    // Re-asking replaces a turn that is already on screen.
    if (index < m_turnStarts.size())
        m_dirtyFrom = std::min(m_dirtyFrom, index);
    render();
}

void TranscriptView::onTurnUpdated(int index) {
    if (index < m_turnStarts.size() && index != m_live.index)
        m_dirtyFrom = std::min(m_dirtyFrom, index);
    if (!m_throttle.isActive())
        m_throttle.start();
}

void TranscriptView::onTurnFinished(int /*index*/) {
    render();
}

void TranscriptView::renderAll() {
    m_dirtyFrom = 0;
    render();
}

void TranscriptView::flush() {
    if (m_throttle.isActive())
        render();
}

QString TranscriptView::renderedTurnText(int index) const {
    if (index < 0 || index >= m_turnStarts.size())
        return {};
    QTextCursor cursor(document());
    cursor.setPosition(m_turnStarts[index]);
    cursor.setPosition(index + 1 < m_turnStarts.size() ? m_turnStarts[index + 1] : documentEnd(),
                       QTextCursor::KeepAnchor);
    return cursor.selection().toPlainText();
}

void TranscriptView::changeEvent(QEvent *event) {
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_applyingPalette) {
        applyPalette();
        renderAll();
    }
}

void TranscriptView::applyPalette() {
    m_applyingPalette = true;
    m_renderer.setDark(palette().color(QPalette::Base).lightness() < 128);
    m_applyingPalette = false;
}

int TranscriptView::documentEnd() const {
    return document()->characterCount() - 1;
}

void TranscriptView::render() {
    m_throttle.stop();
    QElapsedTimer clock;
    clock.start();
    m_scrolling = true; // edits move the scroll bar; that is not the user scrolling
    // One edit block: the document is laid out once at the end, not after every insertion (each one
    // would lay out the whole code box it lands in again).
    QTextCursor batch(document());
    batch.beginEditBlock();
    const int count = m_turns ? int(m_turns->size()) : 0;
    const int firstDirty = std::min(m_dirtyFrom, count);
    if (firstDirty < m_turnStarts.size())
        truncate(firstDirty);
    m_dirtyFrom = NothingDirty;
    if (m_live.index >= 0 && m_live.index < count) {
        const int index = m_live.index;
        updateTurn(index, llm::isFinal((*m_turns)[index].phase) || index < count - 1);
    }
    for (int i = int(m_turnStarts.size()); i < count; ++i) {
        beginTurn(i);
        if (!(*m_turns)[i].cleared)
            updateTurn(i, llm::isFinal((*m_turns)[i].phase) || i < count - 1);
    }
    batch.endEditBlock();
    m_scrolling = false;
    followIfNeeded();
    ++m_renderCount;
    m_lastRenderNs = clock.nsecsElapsed();
    Q_EMIT rendered();
}

void TranscriptView::followIfNeeded() {
    if (!m_follow)
        return;
    const bool wasScrolling = m_scrolling;
    m_scrolling = true;
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    m_scrolling = wasScrolling;
}

void TranscriptView::truncate(int firstTurn) {
    if (firstTurn >= m_turnStarts.size())
        return;
    QTextCursor cursor(document());
    cursor.setPosition(m_turnStarts[firstTurn]);
    cursor.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
    cursor.removeSelectedText();
    m_turnStarts.resize(firstTurn);
    if (m_live.index >= firstTurn)
        m_live = Live{};
}

void TranscriptView::beginTurn(int index) {
    const int start = documentEnd();
    m_turnStarts.append(start);
    m_live = Live{};
    if ((*m_turns)[index].cleared)
        return; // an empty region: nothing of it is shown
    QTextCursor cursor(document());
    cursor.setPosition(start);
    insertQuestion(cursor, (*m_turns)[index]);
    m_live.index = index;
    m_live.tailStart = cursor.position();
}

void TranscriptView::updateTurn(int index, bool finished) {
    const llm::Turn &turn = (*m_turns)[index];
    const bool rewritten =
        m_live.index != index || m_live.closedChars > turn.answer.size() ||
        (m_live.reasoningFrozen && turn.reasoning.size() != m_live.reasoningChars);
    if (rewritten) {
        truncate(index);
        beginTurn(index);
    }
    // Only text after the closed segments is looked at and re-rendered.
    const QList<MarkdownSegment> segments =
        splitMarkdown(turn.answer, m_live.closedChars, finished);
    QTextCursor cursor(document());
    cursor.setPosition(m_live.tailStart);
    cursor.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
    cursor.removeSelectedText();
    const int renderedFrom = cursor.position();

    qsizetype next = 0;
    if (!segments.isEmpty() && segments.first().closed && !m_live.reasoningFrozen) {
        insertReasoning(cursor, turn);
        m_live.reasoningFrozen = true;
        m_live.reasoningChars = turn.reasoning.size();
    }
    for (; next < segments.size() && segments[next].closed; ++next) {
        m_renderer.insertSegment(cursor, turn.answer, segments[next]);
        m_live.closedChars = segments[next].end;
    }
    m_live.tailStart = cursor.position();
    if (!m_live.reasoningFrozen)
        insertReasoning(cursor, turn);
    for (; next < segments.size(); ++next)
        m_renderer.insertSegment(cursor, turn.answer, segments[next]);
    linkCitations(renderedFrom, cursor.position());
    if (finished) {
        insertFooter(cursor, turn);
        m_live = Live{};
    }
}

void TranscriptView::linkCitations(int from, int to) {
    // Over the rendered document rather than the Markdown, so the renderer and code blocks stay
    // as they are; fenced code (its blocks carry the fence) and existing links are left alone.
    QTextCharFormat link;
    link.setAnchor(true);
    link.setForeground(palette().color(QPalette::Link));
    link.setFontUnderline(true);
    for (QTextBlock block = document()->findBlock(from); block.isValid() && block.position() < to;
         block = block.next()) {
        if (block.blockFormat().hasProperty(QTextFormat::BlockCodeFence))
            continue;
        const QString text = block.text();
        const QList<findings::CitationMatch> matches = findings::findCitations(text);
        for (const findings::CitationMatch &match : matches) {
            const int start = block.position() + int(match.offset);
            if (start < from || start + match.length > to)
                continue;
            QTextCursor range(document());
            range.setPosition(start + 1);
            if (range.charFormat().isAnchor())
                continue; // already a Markdown link
            range.setPosition(start);
            range.setPosition(start + int(match.length), QTextCursor::KeepAnchor);
            link.setAnchorHref(findings::citationUrl(match.citation).toString(QUrl::FullyEncoded));
            applyStatus(link, match.citation);
            range.mergeCharFormat(link);
        }
    }
}

void TranscriptView::applyStatus(QTextCharFormat &link, const findings::Citation &citation) const {
    link.setToolTip(citation.text);
    link.setUnderlineStyle(QTextCharFormat::SingleUnderline);
    link.setForeground(palette().color(QPalette::Link));
    if (!m_resolver)
        return;
    const findings::ResolvedLocation where = m_resolver(citation);
    switch (where.status) {
    case findings::VerificationStatus::Verified:
        link.setToolTip(tr("%1 — verified").arg(citation.text));
        break;
    case findings::VerificationStatus::Corrected:
        link.setToolTip(tr("%1 — corrected: %2").arg(citation.text, where.note));
        break;
    case findings::VerificationStatus::Located:
        // The place exists, but no quote was checked: not called verified.
        link.setToolTip(
            where.note.isEmpty()
                ? tr("%1 — located (no quote to check)").arg(citation.text)
                : tr("%1 — located (no quote to check): %2").arg(citation.text, where.note));
        break;
    case findings::VerificationStatus::Unverified:
        link.setToolTip(tr("%1 — unverified: %2").arg(citation.text, where.note));
        link.setUnderlineStyle(QTextCharFormat::DotLine);
        link.setForeground(palette().color(QPalette::PlaceholderText));
        break;
    case findings::VerificationStatus::Pending:
        break;
    }
}

void TranscriptView::insertQuestion(QTextCursor &cursor, const llm::Turn &turn) {
    const QPalette colors = palette();
    if (turn.continuation) {
        QTextBlockFormat block;
        block.setTopMargin(6);
        block.setBottomMargin(6);
        QTextCharFormat note;
        note.setForeground(colors.color(QPalette::PlaceholderText));
        note.setFontItalic(true);
        cursor.setBlockFormat(block);
        cursor.setBlockCharFormat(note);
        cursor.insertText(tr("↪ Continue the previous answer"), note);
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
        return;
    }
    QTextCharFormat thin;
    thin.setFontPointSize(2);
    cursor.setBlockFormat(QTextBlockFormat());
    cursor.setBlockCharFormat(thin);

    QTextTableFormat bubble;
    bubble.setBorder(0);
    bubble.setCellSpacing(0);
    bubble.setCellPadding(6);
    bubble.setTopMargin(m_turnStarts.size() > 1 ? 10 : 0);
    bubble.setBottomMargin(4);
    bubble.setWidth(QTextLength(QTextLength::PercentageLength, 100));
    bubble.setBackground(
        mix(colors.color(QPalette::Base), colors.color(QPalette::Highlight), 0.12));
    QTextTable *table = cursor.insertTable(1, 1, bubble);
    QTextCursor cell = table->cellAt(0, 0).firstCursorPosition();
    QTextCharFormat heading;
    heading.setFontWeight(QFont::Bold);
    cell.insertText(turn.title.isEmpty() ? tr("You") : turn.title, heading);
    cell.insertBlock(QTextBlockFormat(), QTextCharFormat());
    cell.insertText(turn.question, QTextCharFormat());
    insertImages(cell, turn, int(m_turnStarts.size()) - 1); // beginTurn() added this turn's start
    cursor = table->lastCursorPosition();
    cursor.movePosition(QTextCursor::NextBlock);
    cursor.setBlockFormat(QTextBlockFormat());
    cursor.setBlockCharFormat(QTextCharFormat());
}

void TranscriptView::insertImages(QTextCursor &cell, const llm::Turn &turn, int index) {
    if (turn.images.isEmpty())
        return;
    cell.insertBlock(QTextBlockFormat(), QTextCharFormat());
    for (qsizetype i = 0; i < turn.images.size(); ++i) {
        const QByteArray &data = turn.images[i].data;
        // Keyed by content: a re-render finds the thumbnail already decoded in the document.
        const QUrl name(
            QStringLiteral("reposcope-image:%1-%2").arg(qHash(data), 0, 16).arg(data.size()));
        QImage thumbnail = document()->resource(QTextDocument::ImageResource, name).value<QImage>();
        if (thumbnail.isNull()) {
            thumbnail = imageThumbnail(data);
            if (thumbnail.isNull())
                continue;
            document()->addResource(QTextDocument::ImageResource, name, thumbnail);
        }
        QTextImageFormat image;
        image.setName(name.toString());
        image.setWidth(thumbnail.width());
        image.setHeight(thumbnail.height());
        image.setAnchor(true);
        image.setAnchorHref(QStringLiteral("reposcope:image/%1/%2").arg(index).arg(i));
        image.setToolTip(
            tr("Image %1 as sent: %2, %3 — click to preview")
                .arg(i + 1)
                .arg(QString::fromLatin1(turn.images[i].mimeType), formatBytes(data.size())));
        cell.insertImage(image);
        cell.insertText(QStringLiteral(" "), QTextCharFormat());
    }
}

void TranscriptView::insertReasoning(QTextCursor &cursor, const llm::Turn &turn) {
    if (turn.reasoning.isEmpty())
        return;
    QTextCharFormat muted;
    muted.setForeground(palette().color(QPalette::PlaceholderText));
    muted.setFontItalic(true);
    QTextBlockFormat block;
    block.setBottomMargin(6);
    cursor.setBlockFormat(block);
    cursor.setBlockCharFormat(muted);
    cursor.insertText(turn.reasoning.trimmed(), muted);
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
}

void TranscriptView::insertFooter(QTextCursor &cursor, const llm::Turn &turn) {
    const QPalette colors = palette();
    const bool dark = m_renderer.isDark();
    QTextBlockFormat block;
    block.setTopMargin(4);
    if (turn.phase == llm::ChatPhase::Failed || turn.phase == llm::ChatPhase::Cancelled) {
        QTextCharFormat warning;
        warning.setForeground(dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e));
        // A failure that kept part of an answer is "Incomplete"; with nothing kept it "Failed".
        const QString why = turn.error && !turn.error->message.isEmpty()
                                ? turn.error->message
                                : tr("the request failed.");
        QString text;
        if (turn.phase == llm::ChatPhase::Cancelled)
            text = turn.answer.isEmpty() ? tr("⚠ Incomplete: stopped before any answer arrived.")
                                         : tr("⚠ Incomplete: stopped; the partial answer is kept.");
        else
            text = turn.answer.isEmpty() ? tr("⚠ Failed: %1").arg(why)
                                         : tr("⚠ Incomplete: %1").arg(why);
        cursor.setBlockFormat(block);
        cursor.setBlockCharFormat(warning);
        cursor.insertText(text, warning);
        auto insertLink = [&](const QString &label, const QString &href) {
            QTextCharFormat link;
            link.setAnchor(true);
            link.setAnchorHref(href);
            link.setForeground(colors.color(QPalette::Link));
            link.setFontUnderline(true);
            cursor.insertText(QStringLiteral(" "), warning);
            cursor.insertText(label, link);
        };
        if (turn.error && turn.error->kind == llm::ChatError::Kind::ContextOverflow)
            insertLink(tr("Fit to budget"), QStringLiteral("reposcope:fit-to-budget"));
        // Nothing of such a turn is sent again; clearing only takes it off the screen.
        if (turn.endedWithoutAnswer())
            insertLink(tr("Clear failed turns"), QStringLiteral("reposcope:clear-failed"));
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
    } else if (const llm::AnswerEnd end = turn.end(); end != llm::AnswerEnd::Complete) {
        // Cut off at the token limit, only thinking, or no text: said, with what to do.
        QTextCharFormat note;
        note.setForeground(colors.color(QPalette::PlaceholderText));
        cursor.setBlockFormat(block);
        cursor.insertText(QStringLiteral("⚠ ") +
                              llm::answerEndMessage(end, turn.stats, turn.maxOutputTokens),
                          note);
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
    }
    QString figures = chatformat::turnFigures(turn);
    if (!turn.model.isEmpty())
        figures = figures.isEmpty() ? turn.model : turn.model + QStringLiteral(" · ") + figures;
    if (!figures.isEmpty()) {
        QTextCharFormat small;
        small.setForeground(colors.color(QPalette::PlaceholderText));
        small.setProperty(QTextFormat::FontSizeAdjustment, -1);
        QTextBlockFormat figuresBlock;
        figuresBlock.setTopMargin(2);
        figuresBlock.setBottomMargin(8);
        cursor.setBlockFormat(figuresBlock);
        cursor.setBlockCharFormat(small);
        cursor.insertText(figures, small);
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
    }
}

} // namespace reposcope::ui
