// SPDX-License-Identifier: MIT
#include "repo/reposnapshot.h"

#include "text/visibletext.h"

#include <QFile>

#include <algorithm>

namespace reposcope::repo {

namespace {

// Orders paths so that a pre-order walk falls out of a single sort: components are
// compared one by one, and at the first difference a folder sorts before a file.
bool pathLess(const QByteArray &a, const QByteArray &b) {
    const qsizetype n = std::min(a.size(), b.size());
    qsizetype i = 0;
    while (i < n && a[i] == b[i])
        ++i;
    if (i == a.size() || i == b.size()) {
        // One path is a prefix of the other, so the shorter one is a file ("a" next to
        // "a.txt" or "a-b/x"). The longer one still comes first when its differing
        // component is a folder; otherwise the shorter name sorts first.
        const QByteArray &longer = a.size() < b.size() ? b : a;
        if (longer.indexOf('/', i) >= 0)
            return a.size() > b.size();
        return a.size() < b.size();
    }
    // Start of the differing component in both strings.
    const bool aIsDir = a.indexOf('/', i) >= 0;
    const bool bIsDir = b.indexOf('/', i) >= 0;
    if (aIsDir != bIsDir)
        return aIsDir;
    const char ca = a[i] == '/' ? '\0' : a[i];
    const char cb = b[i] == '/' ? '\0' : b[i];
    return static_cast<unsigned char>(ca) < static_cast<unsigned char>(cb);
}

} // namespace

std::shared_ptr<const RepoSnapshot> RepoSnapshot::build(ScanResult scan) {
    auto snap = std::make_shared<RepoSnapshot>();
    snap->m_info = std::move(scan.info);
    std::vector<ScannedFile> &files = scan.files;
    std::sort(files.begin(), files.end(),
              [](const ScannedFile &a, const ScannedFile &b) { return pathLess(a.path, b.path); });
    files.erase(
        std::unique(files.begin(), files.end(),
                    [](const ScannedFile &a, const ScannedFile &b) { return a.path == b.path; }),
        files.end());

    std::vector<Node> &nodes = snap->m_nodes;
    nodes.reserve(files.size() + files.size() / 8 + 1);
    nodes.push_back(Node{});
    // Stack of open folders: node index and the byte length of its path prefix.
    std::vector<std::pair<int, qsizetype>> open{{0, 0}};
    QByteArray openPath; // path of the innermost open folder, with trailing '/'
    for (size_t f = 0; f < files.size(); ++f) {
        const QByteArray &p = files[f].path;
        // Close folders that are not a prefix of this path.
        while (open.size() > 1 && !p.startsWith(openPath)) {
            nodes[open.back().first].subtreeEnd = int(nodes.size());
            open.pop_back();
            openPath.truncate(open.back().second);
        }
        // Open the folders between the innermost open one and the file.
        qsizetype start = openPath.size();
        for (qsizetype slash = p.indexOf('/', start); slash >= 0; slash = p.indexOf('/', start)) {
            Node dir;
            dir.parent = open.back().first;
            dir.depth = int(open.size());
            dir.name = p.mid(start, slash - start);
            nodes.push_back(std::move(dir));
            openPath = p.left(slash + 1);
            open.emplace_back(int(nodes.size()) - 1, openPath.size());
            start = slash + 1;
        }
        Node leaf;
        leaf.parent = open.back().first;
        leaf.depth = int(open.size());
        leaf.name = p.mid(start);
        leaf.file = int(f);
        leaf.subtreeEnd = int(nodes.size()) + 1;
        nodes.push_back(std::move(leaf));
    }
    while (!open.empty()) {
        nodes[open.back().first].subtreeEnd = int(nodes.size());
        open.pop_back();
    }

    // Children lists: parents precede children in pre-order, so one pass fills them in order.
    for (const Node &n : nodes)
        if (n.parent >= 0)
            ++nodes[n.parent].childCount;
    int offset = 0;
    for (Node &n : nodes) {
        n.firstChild = offset;
        offset += n.childCount;
        n.childCount = 0;
    }
    snap->m_children.resize(offset);
    for (int i = 1; i < int(nodes.size()); ++i) {
        Node &parent = nodes[nodes[i].parent];
        nodes[i].row = parent.childCount;
        snap->m_children[parent.firstChild + parent.childCount++] = i;
    }
    snap->m_fileCount = int(files.size());
    snap->m_files = std::move(files);
    return snap;
}

QString RepoSnapshot::name(int node) const {
    if (node == 0) {
        const QString root = m_info.rootPath;
        const qsizetype slash = root.lastIndexOf(QLatin1Char('/'));
        return text::visibleName(slash >= 0 ? QStringView(root).mid(slash + 1) : QStringView(root));
    }
    return text::visibleName(m_nodes[node].name);
}

QByteArray RepoSnapshot::nameBytes(int node) const {
    if (node == 0) {
        const QByteArray root = QFile::encodeName(m_info.rootPath);
        return root.mid(root.lastIndexOf('/') + 1);
    }
    return m_nodes[node].name;
}

QString RepoSnapshot::visiblePath(int node) const {
    return text::visibleName(path(node));
}

QByteArray RepoSnapshot::path(int node) const {
    if (node <= 0)
        return {};
    if (m_nodes[node].file >= 0)
        return m_files[m_nodes[node].file].path;
    QByteArray result = m_nodes[node].name;
    for (int p = m_nodes[node].parent; p > 0; p = m_nodes[p].parent)
        result = m_nodes[p].name + '/' + result;
    return result;
}

int RepoSnapshot::find(const QByteArray &path) const {
    int node = 0;
    if (path.isEmpty())
        return 0;
    for (const QByteArray &part : path.split('/')) {
        const Node &n = m_nodes[node];
        const auto begin = m_children.begin() + n.firstChild;
        const auto end = begin + n.childCount;
        const auto it = std::find_if(begin, end, [&](int c) { return m_nodes[c].name == part; });
        if (it == end)
            return -1;
        node = *it;
    }
    return node;
}

int RepoSnapshot::findVisible(const QString &visiblePath) const {
    const std::optional<QByteArray> raw = text::rawName(visiblePath);
    return raw ? find(*raw) : -1;
}

} // namespace reposcope::repo
