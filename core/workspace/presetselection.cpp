// SPDX-License-Identifier: MIT
#include "workspace/presetselection.h"

#include <QRegularExpression>
#include <QStringList>

namespace reposcope::workspace {

using repo::Exclusion;

SelectionPreset presetFromSelection(const prompt::Selection &selection, const QString &name) {
    const repo::RepoSnapshot &snap = selection.snapshot();
    const int n = snap.nodeCount();
    // Bottom-up (nodes are in pre-order, so children come after their parent): a folder is
    // "full" when each file below is ticked exactly when the rules leave it in, and "any"
    // when one is ticked.
    std::vector<char> full(size_t(n), 1);
    std::vector<char> any(size_t(n), 0);
    for (int i = n - 1; i >= 0; --i) {
        if (!snap.isDirectory(i)) {
            const prompt::FileState &f = selection.file(i);
            full[size_t(i)] = f.checked == (f.exclusion == Exclusion::None);
            any[size_t(i)] = f.checked;
        }
        if (i > 0) {
            const int parent = snap.parent(i);
            full[size_t(parent)] = full[size_t(parent)] && full[size_t(i)];
            any[size_t(parent)] = any[size_t(parent)] || any[size_t(i)];
        }
    }
    SelectionPreset preset;
    preset.name = name;
    for (int i = 1; i < n;) { // the root is never written as a folder: its children are
        if (snap.isDirectory(i)) {
            if (full[size_t(i)] && any[size_t(i)]) {
                preset.paths << snap.path(i) + '/';
                i = snap.subtreeEnd(i);
                continue;
            }
        } else if (selection.file(i).checked) {
            preset.paths << snap.path(i);
        }
        ++i;
    }
    preset.pins = selection.pinnedPaths();
    return preset;
}

PresetApplication applicationOf(const prompt::Selection &selection, const SelectionPreset &preset) {
    const repo::RepoSnapshot &snap = selection.snapshot();
    const int n = snap.nodeCount();
    std::vector<bool> wanted(size_t(n), false);
    PresetApplication app;
    for (const QByteArray &path : preset.paths) {
        const bool folder = path.endsWith('/');
        const int node = snap.find(folder ? path.chopped(1) : path);
        if (node <= 0 || snap.isDirectory(node) != folder) {
            app.missingPaths << path;
            continue;
        }
        if (!folder) {
            wanted[size_t(node)] = true;
            continue;
        }
        for (int i = node + 1; i < snap.subtreeEnd(node); ++i)
            if (!snap.isDirectory(i) && selection.file(i).exclusion == Exclusion::None)
                wanted[size_t(i)] = true;
    }
    if (!preset.globs.isEmpty()) {
        QList<QRegularExpression> globs;
        for (const QString &g : preset.globs)
            globs << prompt::Selection::globToRegex(g);
        for (int i = 0; i < n; ++i) {
            if (snap.isDirectory(i) || wanted[size_t(i)] ||
                selection.file(i).exclusion != Exclusion::None)
                continue;
            const QString path = QString::fromUtf8(snap.file(i).path);
            for (const QRegularExpression &rx : globs)
                if (rx.match(path).hasMatch()) {
                    wanted[size_t(i)] = true;
                    break;
                }
        }
    }
    for (int i = 0; i < n; ++i) {
        if (snap.isDirectory(i))
            continue;
        app.nodes.push_back(i);
        app.values.push_back(wanted[size_t(i)]);
        app.selectedFiles += wanted[size_t(i)];
    }
    for (const QByteArray &pin : preset.pins) {
        const int node = snap.find(pin);
        if (node <= 0)
            app.missingPaths << pin;
        else
            app.pins.push_back(node);
    }
    return app;
}

void applyPreset(prompt::Selection &selection, const PresetApplication &application) {
    selection.setCheckedFiles(application.nodes, application.values);
    for (const int node : application.pins)
        selection.setPinned(node, true);
}

QString PresetApplication::missingMessage(const QString &presetName) const {
    if (missingPaths.isEmpty())
        return QString();
    QStringList shown;
    for (qsizetype i = 0; i < missingPaths.size() && i < 5; ++i)
        shown << QString::fromUtf8(missingPaths[i]);
    if (missingPaths.size() > 5)
        shown << QStringLiteral("…");
    const QString list = shown.join(QStringLiteral(", "));
    if (missingPaths.size() == 1)
        return QStringLiteral("1 path of \"%1\" is no longer in the repository: %2")
            .arg(presetName, list);
    return QStringLiteral("%1 paths of \"%2\" are no longer in the repository: %3")
        .arg(QString::number(missingPaths.size()), presetName, list);
}

} // namespace reposcope::workspace
