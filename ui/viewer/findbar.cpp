// SPDX-License-Identifier: MIT
#include "viewer/findbar.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QTextBlock>
#include <QToolButton>

#include <algorithm>

namespace reposcope::ui {

namespace {

bool isWordChar(QChar c) {
    return c.isLetterOrNumber() || c == u'_';
}

bool isWholeWord(QStringView text, qsizetype at, qsizetype length) {
    return (at == 0 || !isWordChar(text[at - 1])) &&
           (at + length >= text.size() || !isWordChar(text[at + length]));
}

QToolButton *makeToggle(const QString &text, const QString &tip, QWidget *parent) {
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tip);
    button->setCheckable(true);
    button->setAutoRaise(true);
    return button;
}

QToolButton *makeButton(const QIcon &icon, const QString &text, const QString &tip,
                        QWidget *parent) {
    auto *button = new QToolButton(parent);
    button->setIcon(icon);
    button->setText(text);
    button->setToolTip(tip);
    button->setAutoRaise(true);
    return button;
}

} // namespace

QList<TextMatch> findAll(QStringView text, QStringView needle, FindOptions options) {
    QList<TextMatch> matches;
    if (needle.isEmpty())
        return matches;
    const Qt::CaseSensitivity cs = options.caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    for (qsizetype at = text.indexOf(needle, 0, cs); at >= 0;) {
        if (!options.wholeWords || isWholeWord(text, at, needle.size())) {
            matches.append({int(at), int(needle.size())});
            at = text.indexOf(needle, at + needle.size(), cs);
        } else {
            at = text.indexOf(needle, at + 1, cs);
        }
    }
    return matches;
}

FindBar::FindBar(CodeViewer *viewer, QWidget *parent)
    : QWidget(parent)
    , m_viewer(viewer)
    , m_edit(new QLineEdit(this))
    , m_caseButton(makeToggle(tr("Aa"), tr("Match case"), this))
    , m_wordButton(makeToggle(tr("W"), tr("Whole words"), this))
    , m_count(new QLabel(this))
    , m_note(new QLabel(this)) {
    setObjectName(QStringLiteral("findBar"));
    m_edit->setPlaceholderText(tr("Find"));
    m_edit->setClearButtonEnabled(true);
    m_edit->installEventFilter(this);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    QFont bold = m_wordButton->font();
    bold.setBold(true);
    m_wordButton->setFont(bold);

    auto *previous = makeButton(style()->standardIcon(QStyle::SP_ArrowUp), tr("Previous"),
                                tr("Previous match (Shift+Enter, Shift+F3)"), this);
    auto *next = makeButton(style()->standardIcon(QStyle::SP_ArrowDown), tr("Next"),
                            tr("Next match (Enter, F3)"), this);
    auto *close = makeButton(style()->standardIcon(QStyle::SP_TitleBarCloseButton), tr("Close"),
                             tr("Close (Esc)"), this);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 3, 6, 3);
    layout->setSpacing(4);
    layout->addWidget(m_edit, 1);
    layout->addWidget(previous);
    layout->addWidget(next);
    layout->addWidget(m_caseButton);
    layout->addWidget(m_wordButton);
    layout->addWidget(m_count);
    layout->addWidget(m_note);
    layout->addStretch();
    layout->addWidget(close);

    connect(m_edit, &QLineEdit::textChanged, this, &FindBar::search);
    connect(m_caseButton, &QToolButton::toggled, this, &FindBar::search);
    connect(m_wordButton, &QToolButton::toggled, this, &FindBar::search);
    connect(previous, &QToolButton::clicked, this, &FindBar::findPrevious);
    connect(next, &QToolButton::clicked, this, &FindBar::findNext);
    connect(close, &QToolButton::clicked, this, &FindBar::dismiss);
    // A new file: find the same text in it.
    connect(m_viewer, &CodeViewer::textReplaced, this, [this] {
        if (isVisible())
            search();
    });
    updateLabels();
}

void FindBar::open() {
    const QTextCursor cursor = m_viewer->textCursor();
    const QString selected = cursor.selectedText();
    const bool oneLine = !selected.contains(QChar::ParagraphSeparator);
    show();
    if (cursor.hasSelection() && oneLine && selected != m_edit->text())
        m_edit->setText(selected); // searches
    else
        search();
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void FindBar::dismiss() {
    hide();
    m_matches.clear();
    m_current = -1;
    m_viewer->clearFindMatches();
    m_viewer->setFocus(Qt::OtherFocusReason);
    updateLabels();
    Q_EMIT dismissed();
}

void FindBar::findNext() {
    if (isHidden() && m_edit->text().isEmpty())
        return open();
    if (isHidden())
        show();
    step(+1);
}

void FindBar::findPrevious() {
    if (isHidden() && m_edit->text().isEmpty())
        return open();
    if (isHidden())
        show();
    step(-1);
}

void FindBar::setFindText(const QString &text) {
    m_edit->setText(text);
}

QString FindBar::findText() const {
    return m_edit->text();
}

void FindBar::setCaseSensitive(bool on) {
    m_caseButton->setChecked(on);
}

void FindBar::setWholeWords(bool on) {
    m_wordButton->setChecked(on);
}

QString FindBar::countText() const {
    return m_count->text();
}

QString FindBar::noteText() const {
    return m_note->text();
}

bool FindBar::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (key->modifiers() & Qt::ShiftModifier)
                findPrevious();
            else
                findNext();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            dismiss();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void FindBar::search() {
    const FindOptions options{m_caseButton->isChecked(), m_wordButton->isChecked()};
    m_matches = findAll(m_viewer->shownText(), m_edit->text(), options);
    m_note->clear();
    // Find as you type: the first match at or after where the cursor (or
    // selection) starts.
    // Matches are positions in the full text (a cut line's hidden pages included).
    const int from = m_viewer->textPosition(m_viewer->textCursor().selectionStart());
    const auto it = std::lower_bound(
        m_matches.cbegin(), m_matches.cend(), from,
        [](const TextMatch &match, int position) { return match.position < position; });
    m_current = m_matches.isEmpty() ? -1 : int(it - m_matches.cbegin()) % int(m_matches.size());
    m_viewer->setFindMatches(m_matches, m_current);
    if (m_current >= 0)
        select(m_current);
    updateLabels();
}

void FindBar::step(int direction) {
    if (m_matches.isEmpty()) {
        updateLabels();
        return;
    }
    const int count = int(m_matches.size());
    int index = m_current < 0 ? (direction > 0 ? 0 : count - 1) : m_current + direction;
    m_note->clear();
    if (index >= count) {
        index = 0;
        m_note->setText(tr("Wrapped around to the top"));
    } else if (index < 0) {
        index = count - 1;
        m_note->setText(tr("Wrapped around to the bottom"));
    }
    m_current = index;
    m_viewer->setFindMatches(m_matches, m_current);
    select(index);
    updateLabels();
}

void FindBar::select(int index) {
    // Shows the page of a cut line that holds the match, if need be.
    const TextMatch &match = m_matches[index];
    m_viewer->selectText(match.position, match.length);
}

void FindBar::updateLabels() {
    if (m_edit->text().isEmpty())
        m_count->clear();
    else if (m_matches.isEmpty())
        m_count->setText(tr("No results"));
    else
        m_count->setText(tr("%1 of %2").arg(m_current + 1).arg(m_matches.size()));
    QPalette palette = m_edit->palette();
    const bool missing = !m_edit->text().isEmpty() && m_matches.isEmpty();
    palette.setColor(QPalette::Base,
                     missing ? QColor(0xf8, 0xd7, 0xda) : this->palette().color(QPalette::Base));
    palette.setColor(QPalette::Text,
                     missing ? QColor(0x5c, 0x12, 0x18) : this->palette().color(QPalette::Text));
    m_edit->setPalette(palette);
}

} // namespace reposcope::ui
