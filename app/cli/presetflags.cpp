// SPDX-License-Identifier: MIT
#include "presetflags.h"

#include "clicommands.h"
#include "clishared.h"
#include "workspace/presetselection.h"
#include "workspace/selectionpresets.h"

#include <QStringList>

namespace reposcope::cli {

namespace {

QString describe(const workspace::SelectionPreset &p) {
    QString text = p.name + QStringLiteral("\t%1 path(s)").arg(p.paths.size());
    if (!p.globs.isEmpty())
        text += QStringLiteral(", %1 glob(s)").arg(p.globs.size());
    if (p.fromRepository)
        text += QStringLiteral("\t(from the repository)");
    return text;
}

void warnProblems(const workspace::RepositoryPresets &presets) {
    for (const QString &problem : presets.problems)
        err() << "warning: " << problem << "\n";
}

} // namespace

int listPresets(const QString &root) {
    const workspace::RepositoryPresets presets = workspace::RepositoryPresets::loadFor(root);
    warnProblems(presets);
    const QList<workspace::SelectionPreset> all = presets.all();
    if (all.isEmpty())
        err() << "No selection presets for " << root
              << " (save one in the window: Selection ▸ Presets ▸ Save Selection as Preset…, "
                 "or commit .reposcope/presets.json).\n";
    for (const workspace::SelectionPreset &p : all)
        out() << describe(p) << "\n";
    out().flush();
    return ExitOk;
}

std::optional<int> applyPresetByName(const QString &root, const QString &name,
                                     prompt::Selection &selection) {
    const workspace::RepositoryPresets presets = workspace::RepositoryPresets::loadFor(root);
    warnProblems(presets);
    const workspace::SelectionPreset *preset = presets.find(name.trimmed());
    if (!preset) {
        QStringList names;
        for (const workspace::SelectionPreset &p : presets.all())
            names << QStringLiteral("'%1'").arg(p.name);
        err() << "error: there is no selection preset '" << name << "' for " << root << "; "
              << (names.isEmpty()
                      ? QStringLiteral("this repository has none (save one in the "
                                       "window, or commit .reposcope/presets.json)")
                      : QStringLiteral("available: ") + names.join(QStringLiteral(", ")))
              << "\n";
        return ExitUsage;
    }
    workspace::PresetApplication app = workspace::applicationOf(selection, *preset);
    if (!app.missingPaths.isEmpty())
        err() << "warning: " << app.missingMessage(preset->name) << "\n";
    // The command line's exclusions win over the preset's explicit ticks.
    const repo::RepoSnapshot &snap = selection.snapshot();
    QStringList leftOut;
    for (size_t i = 0; i < app.nodes.size(); ++i) {
        if (!app.values[i] || selection.exclusion(app.nodes[i]) == repo::Exclusion::None)
            continue;
        app.values[i] = false;
        --app.selectedFiles;
        leftOut << snap.visiblePath(app.nodes[i]);
    }
    if (!leftOut.isEmpty())
        err() << "warning: " << leftOut.size() << " file(s) of '" << preset->name
              << "' are excluded here and left out: "
              << leftOut.mid(0, 5).join(QStringLiteral(", "))
              << (leftOut.size() > 5 ? QStringLiteral(", …") : QString()) << "\n";
    workspace::applyPreset(selection, app);
    return std::nullopt;
}

} // namespace reposcope::cli
