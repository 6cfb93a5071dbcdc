// SPDX-License-Identifier: MIT
#include "prompt/selection.h"

#include <QSet>

namespace reposcope::prompt {

using repo::Exclusion;

Totals &Totals::operator+=(const Totals &o) {
    tokens += o.tokens;
    bytes += o.bytes;
    lines += o.lines;
    overhead += o.overhead;
    files += o.files;
    return *this;
}

Totals &Totals::operator-=(const Totals &o) {
    tokens -= o.tokens;
    bytes -= o.bytes;
    lines -= o.lines;
    overhead -= o.overhead;
    files -= o.files;
    return *this;
}

namespace {

Totals fileTotals(const repo::ScannedFile &scanned, const FileState &f) {
    Totals t;
    t.tokens = f.stats.tokens;
    t.bytes = scanned.size;
    t.lines = f.stats.lines;
    t.overhead = f.overhead;
    t.files = 1;
    return t;
}

} // namespace

Selection::Selection(repo::SnapshotPtr snapshot, std::vector<qint32> nodeOverheads)
    : m_snapshot(std::move(snapshot)) {
    const repo::RepoSnapshot &snap = *m_snapshot;
    const int n = snap.nodeCount();
    m_files.resize(n);
    m_selected.resize(n);
    m_total.resize(n);
    m_eligible.assign(n, 0);
    m_eligibleSelected.assign(n, 0);
    m_dirOverhead.assign(n, 0);
    m_pinned.assign(size_t(n), false);
    for (int node = 0; node < n; ++node) {
        if (snap.isDirectory(node)) {
            m_dirOverhead[node] = nodeOverheads[size_t(node)];
            continue;
        }
        const repo::ScannedFile &f = snap.file(node);
        FileState &state = m_files[node];
        state.exclusion = f.exclusion;
        state.overhead = nodeOverheads[size_t(node)];
        state.checked = f.exclusion == Exclusion::None;
        if (tokenize::isCountable(f))
            ++m_countableFiles;
    }
    recomputeRange(0, n);
}

void Selection::recomputeDir(int node) {
    const repo::RepoSnapshot &snap = *m_snapshot;
    Totals sel, tot;
    int eligible = 0, eligibleSelected = 0;
    for (int r = 0, rows = snap.childCount(node); r < rows; ++r) {
        const int c = snap.child(node, r);
        sel += m_selected[c];
        tot += m_total[c];
        eligible += m_eligible[c];
        eligibleSelected += m_eligibleSelected[c];
    }
    // A folder's own line in the directory tree counts once anything below is selected.
    if (sel.files > 0)
        sel.overhead += m_dirOverhead[node];
    tot.overhead += m_dirOverhead[node];
    m_selected[node] = sel;
    m_total[node] = tot;
    m_eligible[node] = eligible;
    m_eligibleSelected[node] = eligibleSelected;
}

void Selection::recomputeRange(int first, int end) {
    const repo::RepoSnapshot &snap = *m_snapshot;
    // Reverse pre-order visits children before their parent.
    for (int node = end - 1; node >= first; --node) {
        if (snap.isDirectory(node)) {
            recomputeDir(node);
            continue;
        }
        const FileState &f = m_files[node];
        const Totals t = fileTotals(snap.file(node), f);
        m_total[node] = t;
        m_selected[node] = f.checked ? t : Totals{};
        m_eligible[node] = f.exclusion == Exclusion::None ? 1 : 0;
        m_eligibleSelected[node] = (f.exclusion == Exclusion::None && f.checked) ? 1 : 0;
    }
}

void Selection::recomputeAncestors(int node) {
    for (int p = m_snapshot->parent(node); p >= 0; p = m_snapshot->parent(p))
        recomputeDir(p);
}

void Selection::applyCounts(const QList<tokenize::FileCount> &batch, bool excludeGeneratedContent) {
    const repo::RepoSnapshot &snap = *m_snapshot;
    for (const tokenize::FileCount &fc : batch) {
        FileState &f = m_files[fc.node];
        if (!f.counted)
            ++m_countedFiles;
        f.counted = true;
        f.problem = fc.error;
        f.stats = fc.stats;
        if (!fc.ok) {
            // What cannot be counted is not packed either (ticking it again asks to send it
            // uncounted: see uncountedSelected()).
            f.stats = {};
            if (f.exclusion == Exclusion::None)
                f.exclusion = Exclusion::Unreadable;
            f.checked = false;
        } else if (fc.stats.binary) {
            // Never selected as text, even when ticked explicitly.
            f.exclusion = Exclusion::Binary;
            f.checked = false;
        } else if (f.exclusion == Exclusion::None) {
            if (fc.stats.generated && excludeGeneratedContent)
                f.exclusion = Exclusion::Generated;
            if (f.exclusion != Exclusion::None)
                f.checked = false;
        }
        // O(depth): subtract the old contribution, add the new one.
        const Totals oldTotal = m_total[fc.node];
        const Totals oldSel = m_selected[fc.node];
        const int oldEligible = m_eligible[fc.node];
        const int oldEligibleSel = m_eligibleSelected[fc.node];
        recomputeRange(fc.node, fc.node + 1);
        Totals dTotal = m_total[fc.node];
        dTotal -= oldTotal;
        Totals dSel = m_selected[fc.node];
        dSel -= oldSel;
        const int dEligible = m_eligible[fc.node] - oldEligible;
        const int dEligibleSel = m_eligibleSelected[fc.node] - oldEligibleSel;
        const bool selectionChanged = dSel.files != 0;
        for (int p = snap.parent(fc.node); p >= 0; p = snap.parent(p)) {
            if (selectionChanged) {
                recomputeDir(p); // folder-line overhead may switch on or off
                continue;
            }
            m_total[p] += dTotal;
            m_selected[p] += dSel;
            m_eligible[p] += dEligible;
            m_eligibleSelected[p] += dEligibleSel;
        }
    }
}

Qt::CheckState Selection::checkState(int node) const {
    if (!m_snapshot->isDirectory(node))
        return m_files[node].checked ? Qt::Checked : Qt::Unchecked;
    if (m_selected[node].files == 0)
        return Qt::Unchecked;
    if (m_eligible[node] > 0 && m_eligibleSelected[node] == m_eligible[node])
        return Qt::Checked;
    if (m_selected[node].files == m_total[node].files)
        return Qt::Checked;
    return Qt::PartiallyChecked;
}

void Selection::setFileChecked(int node, bool checked) {
    // A file counted as binary is never selected as text.
    m_files[node].checked = checked && !(m_files[node].counted && m_files[node].stats.binary);
}

void Selection::setChecked(int node, bool checked) {
    const repo::RepoSnapshot &snap = *m_snapshot;
    const int end = snap.subtreeEnd(node);
    if (!snap.isDirectory(node)) {
        setFileChecked(node, checked);
    } else {
        for (int i = node; i < end; ++i)
            if (!snap.isDirectory(i))
                setFileChecked(i, checked && m_files[i].exclusion == Exclusion::None);
    }
    recomputeRange(node, end);
    recomputeAncestors(node);
}

void Selection::invert() {
    const repo::RepoSnapshot &snap = *m_snapshot;
    for (int i = 0; i < snap.nodeCount(); ++i)
        if (!snap.isDirectory(i))
            m_files[i].checked = !m_files[i].checked && m_files[i].exclusion == Exclusion::None;
    recomputeRange(0, snap.nodeCount());
}

std::vector<int> Selection::uncountedSelected() const {
    std::vector<int> out;
    for (int i = 0; i < m_snapshot->nodeCount(); ++i)
        if (!m_snapshot->isDirectory(i) && m_files[i].checked &&
            (!m_files[i].counted || !m_files[i].problem.isEmpty()))
            out.push_back(i);
    return out;
}

QString Selection::uncountedReason(int node) const {
    const FileState &f = m_files[node];
    if (!f.counted)
        return QStringLiteral("not counted yet");
    return f.problem;
}

QRegularExpression Selection::globToRegex(const QString &glob) {
    // gitignore-like: a pattern without '/' matches the name at any depth; "**" spans
    // folders; a leading '/' anchors; a trailing '/' means the folder's contents.
    QString g = glob.trimmed();
    bool anchored = g.startsWith(QLatin1Char('/'));
    if (anchored)
        g.remove(0, 1);
    if (g.endsWith(QLatin1Char('/')))
        g += QStringLiteral("**");
    if (!anchored && !g.contains(QLatin1Char('/')))
        g = QStringLiteral("**/") + g;
    QString rx = QStringLiteral("^");
    for (qsizetype i = 0; i < g.size(); ++i) {
        const QChar c = g[i];
        if (c == QLatin1Char('*')) {
            if (i + 1 < g.size() && g[i + 1] == QLatin1Char('*')) {
                const bool slashAfter = i + 2 < g.size() && g[i + 2] == QLatin1Char('/');
                rx += slashAfter ? QStringLiteral("(?:.*/)?") : QStringLiteral(".*");
                i += slashAfter ? 2 : 1;
            } else {
                rx += QStringLiteral("[^/]*");
            }
        } else if (c == QLatin1Char('?')) {
            rx += QStringLiteral("[^/]");
        } else if (c == QLatin1Char('[')) {
            const qsizetype close = g.indexOf(QLatin1Char(']'), i + 1);
            if (close < 0) {
                rx += QStringLiteral("\\[");
            } else {
                QString set = g.mid(i + 1, close - i - 1);
                if (set.startsWith(QLatin1Char('!')))
                    set[0] = QLatin1Char('^');
                rx += QLatin1Char('[') + set + QLatin1Char(']');
                i = close;
            }
        } else {
            rx += QRegularExpression::escape(QString(c));
        }
    }
    rx += QStringLiteral("(?:/.*)?$");
    return QRegularExpression(rx);
}

int Selection::setCheckedByGlob(const QString &glob, bool checked) {
    const QRegularExpression rx = globToRegex(glob);
    const repo::RepoSnapshot &snap = *m_snapshot;
    int changed = 0;
    for (int i = 0; i < snap.nodeCount(); ++i) {
        if (snap.isDirectory(i) || m_files[i].checked == checked)
            continue;
        if (checked && m_files[i].exclusion != Exclusion::None)
            continue;
        if (rx.match(QString::fromUtf8(snap.file(i).path)).hasMatch()) {
            setFileChecked(i, checked);
            ++changed;
        }
    }
    if (changed)
        recomputeRange(0, snap.nodeCount());
    return changed;
}

int Selection::selectOnly(const QList<QByteArray> &paths) {
    const QSet<QByteArray> wanted(paths.begin(), paths.end());
    const repo::RepoSnapshot &snap = *m_snapshot;
    int selected = 0;
    for (int i = 0; i < snap.nodeCount(); ++i) {
        if (snap.isDirectory(i))
            continue;
        setFileChecked(i, wanted.contains(snap.file(i).path));
        selected += m_files[i].checked;
    }
    recomputeRange(0, snap.nodeCount());
    return selected;
}

void Selection::resetToDefaults() {
    const repo::RepoSnapshot &snap = *m_snapshot;
    for (int i = 0; i < snap.nodeCount(); ++i)
        if (!snap.isDirectory(i))
            m_files[i].checked = m_files[i].exclusion == Exclusion::None;
    recomputeRange(0, snap.nodeCount());
}

std::vector<bool> Selection::checkedFiles() const {
    const int n = m_snapshot->nodeCount();
    std::vector<bool> out(size_t(n), false);
    for (int i = 0; i < n; ++i)
        if (!m_snapshot->isDirectory(i) && m_files[i].checked)
            out[size_t(i)] = true;
    return out;
}

void Selection::setCheckedFiles(const std::vector<int> &nodes, const std::vector<bool> &values) {
    for (size_t i = 0; i < nodes.size(); ++i)
        if (!m_snapshot->isDirectory(nodes[i]))
            m_files[nodes[i]].checked = values[i];
    recomputeRange(0, m_snapshot->nodeCount());
}

void Selection::setPinned(int node, bool pinned) {
    if (m_pinned[size_t(node)] == pinned)
        return;
    m_pinned[size_t(node)] = pinned;
    m_pinCount += pinned ? 1 : -1;
}

bool Selection::isKept(int node) const {
    if (m_pinCount == 0)
        return false;
    for (int p = node; p >= 0; p = m_snapshot->parent(p))
        if (m_pinned[size_t(p)])
            return true;
    return false;
}

QList<QByteArray> Selection::pinnedPaths() const {
    QList<QByteArray> out;
    for (int i = 0; i < m_snapshot->nodeCount() && out.size() < m_pinCount; ++i)
        if (m_pinned[size_t(i)])
            out << m_snapshot->path(i);
    return out;
}

std::vector<int> Selection::selectedFiles() const {
    std::vector<int> out;
    out.reserve(size_t(m_selected[0].files));
    for (int i = 0; i < m_snapshot->nodeCount(); ++i)
        if (!m_snapshot->isDirectory(i) && m_files[i].checked)
            out.push_back(i);
    return out;
}

} // namespace reposcope::prompt
