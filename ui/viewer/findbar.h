// SPDX-License-Identifier: MIT
#pragma once

#include "viewer/codeviewer.h"

#include <QList>
#include <QStringView>
#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;

namespace reposcope::ui {

struct FindOptions {
    bool caseSensitive = false;
    bool wholeWords = false; // neither side of a match touches a letter, digit or '_'
};

/// Every occurrence of @p needle in @p text, in order, not overlapping. Empty
/// for an empty needle. Cost: one linear pass (QStringView::indexOf), a few
/// milliseconds for 50,000 lines.
QList<TextMatch> findAll(QStringView text, QStringView needle, FindOptions options);

/// The find bar under a CodeViewer: a search field that finds as you type,
/// previous / next, case-sensitive and whole-word toggles, "3 of 17", and a
/// note when the search wrapped around. Every match is tinted in the viewer
/// (CodeViewer::setFindMatches); the current one is selected. Keys in the
/// field: Enter next, Shift+Enter previous, Esc closes. Ctrl+F, F3 and Shift+F3
/// are actions of the pane that holds the bar (CodeViewerPane).
///
/// The viewer is NOT owned and must outlive the bar. UI thread only.
class FindBar : public QWidget {
    Q_OBJECT
public:
    explicit FindBar(CodeViewer *viewer, QWidget *parent = nullptr);

    /// Shows the bar and focuses the field, filled with the viewer's one-line
    /// selection if any.
    void open();
    /// Hides the bar, removes the tints and gives the focus back to the viewer.
    void dismiss();
    /// Selects the next / previous match, wrapping around (and saying so). Opens
    /// the bar first when it is hidden and has no text.
    void findNext();
    void findPrevious();

    void setFindText(const QString &text);
    QString findText() const;
    void setCaseSensitive(bool on);
    void setWholeWords(bool on);

    int matchCount() const { return int(m_matches.size()); }
    /// 0-based index of the selected match; -1 when none.
    int currentIndex() const { return m_current; }
    /// "3 of 17", "No results", or empty.
    QString countText() const;
    /// "Wrapped around to the top" after a wrap, else empty.
    QString noteText() const;
    QLineEdit *lineEdit() const { return m_edit; }

Q_SIGNALS:
    void dismissed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void search();
    void step(int direction);
    void select(int index);
    void updateLabels();

    CodeViewer *m_viewer;
    QLineEdit *m_edit;
    QToolButton *m_caseButton;
    QToolButton *m_wordButton;
    QLabel *m_count;
    QLabel *m_note;
    QList<TextMatch> m_matches;
    int m_current = -1;
};

} // namespace reposcope::ui
