// SPDX-License-Identifier: MIT
#pragma once

#include "repo/scantypes.h"

#include <QWidget>

#include <functional>
#include <optional>

class QAction;
class QLabel;
class QThreadPool;
class QToolButton;

namespace reposcope::ui {

class CodeViewer;
class CodeViewerBlame;
class FindBar;

/// The code viewer under a header (the file's path, which commit or "working tree" it is
/// from, a note such as "loading…" or "highlighting off: file over 3 MB", and a button
/// that copies the path), with what it shows on request stacked under it: the find bar
/// (Ctrl+F, F3, Shift+F3) and the blame strip ("Who changed these lines?",
/// Ctrl+Shift+B, also in the viewer's context menu), which blames the
/// highlighted citation range, else the selected lines, else the current line.
///
/// Takes ownership of the viewer (it becomes a child). The pool (for blame, and for the
/// viewer's progressive load of big files) is NOT owned and must outlive the pane. UI
/// thread only.
class CodeViewerPane : public QWidget {
    Q_OBJECT
public:
    /// Where blame finds the repository of the shown file: the open snapshot's
    /// RepoInfo, or nullopt when nothing is open.
    using RepoInfoProvider = std::function<std::optional<repo::RepoInfo>()>;

    CodeViewerPane(CodeViewer *viewer, QThreadPool *pool, QWidget *parent = nullptr);
    ~CodeViewerPane() override;

    void setRepoInfoProvider(RepoInfoProvider provider) { m_repoInfo = std::move(provider); }

    CodeViewer *viewer() const { return m_viewer; }
    FindBar *findBar() const { return m_findBar; }
    CodeViewerBlame *blameStrip() const { return m_blame; }

    /// The header's texts: the path, "working tree" / "main @ 1a2b3c4" / "v1.2 @ 1a2b3c4",
    /// and the note. The copy button puts the path on the clipboard.
    QString headerPathText() const;
    QString headerSourceText() const;
    QString headerNoteText() const;
    QToolButton *copyPathButton() const { return m_copyPath; }

    QAction *findAction() const { return m_findAction; }
    QAction *findNextAction() const { return m_findNextAction; }
    QAction *findPreviousAction() const { return m_findPreviousAction; }
    QAction *blameAction() const { return m_blameAction; }

    /// The 1-based lines "Who changed these lines?" would blame now, as {first,
    /// last}.
    std::pair<int, int> blameRange() const;
    /// Runs "Who changed these lines?" on blameRange().
    void blameSelection();

protected:
    /// Ctrl+F in the viewer or the find bar opens the find bar, even where the window has its
    /// own Ctrl+F (the tree filter): the key is claimed on ShortcutOverride.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QAction *addShortcutAction(const QString &text, const QKeySequence &key);
    void onTextReplaced();
    void updateHeader();

    CodeViewer *m_viewer;
    QWidget *m_header;
    QLabel *m_headerPath;
    QLabel *m_headerSource;
    QLabel *m_headerNote;
    QToolButton *m_copyPath;
    FindBar *m_findBar;
    CodeViewerBlame *m_blame;
    QAction *m_findAction;
    QAction *m_findNextAction;
    QAction *m_findPreviousAction;
    QAction *m_blameAction;
    RepoInfoProvider m_repoInfo;
};

} // namespace reposcope::ui
