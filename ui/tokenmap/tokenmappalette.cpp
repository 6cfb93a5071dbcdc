// SPDX-License-Identifier: MIT
#include "tokenmap/tokenmappalette.h"

#include "prompt/selection.h"

#include <QCoreApplication>

#include <cmath>

namespace reposcope::ui {

namespace {

QColor mix(const QColor &a, const QColor &b, double t) {
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

QString tr(const char *text) {
    return QCoreApplication::translate("reposcope::ui::TokenMapColors", text);
}

} // namespace

QColor TokenMapColors::selectedColor() {
    return QColor(0x2e, 0x86, 0xc1);
}
QColor TokenMapColors::notSelectedColor() {
    return QColor(0xd5, 0xd8, 0xdc);
}

QColor TokenMapColors::excludedColor(repo::Exclusion reason) {
    switch (reason) {
    case repo::Exclusion::None:
        return notSelectedColor();
    case repo::Exclusion::GitDir:
        return QColor(0x5d, 0x6d, 0x7e);
    case repo::Exclusion::Binary:
        return QColor(0x7d, 0x3c, 0x98);
    case repo::Exclusion::TooLarge:
        return QColor(0xc0, 0x39, 0x2b);
    case repo::Exclusion::LockFile:
        return QColor(0xd4, 0xac, 0x0d);
    case repo::Exclusion::Generated:
        return QColor(0xe6, 0x7e, 0x22);
    case repo::Exclusion::Vendored:
        return QColor(0x87, 0x5a, 0x3c);
    case repo::Exclusion::UserExcluded:
        return QColor(0x85, 0x92, 0x9e);
    case repo::Exclusion::Unreadable:
        return QColor(0x34, 0x34, 0x34);
    case repo::Exclusion::Symlink:
        return QColor(0x17, 0xa5, 0x89);
    case repo::Exclusion::SubmoduleEntry:
        return QColor(0x28, 0x3f, 0x9e);
    case repo::Exclusion::SecretFile:
        return QColor(0xe9, 0x1e, 0x63);
    }
    return notSelectedColor();
}

QColor TokenMapColors::kindColor(models::FileKind kind) {
    switch (kind) {
    case models::FileKind::Code:
        return QColor(0x2e, 0x86, 0xc1);
    case models::FileKind::Tests:
        return QColor(0x28, 0xb4, 0x63);
    case models::FileKind::Docs:
        return QColor(0xf4, 0xd0, 0x3f);
    case models::FileKind::Config:
        return QColor(0x8e, 0x44, 0xad);
    case models::FileKind::Generated:
        return QColor(0xe6, 0x7e, 0x22);
    case models::FileKind::Vendored:
        return QColor(0x87, 0x5a, 0x3c);
    case models::FileKind::Other:
        return QColor(0x95, 0xa5, 0xa6);
    }
    return QColor(0x95, 0xa5, 0xa6);
}

QString TokenMapColors::kindLabel(models::FileKind kind) {
    switch (kind) {
    case models::FileKind::Code:
        return tr("code");
    case models::FileKind::Tests:
        return tr("tests");
    case models::FileKind::Docs:
        return tr("docs");
    case models::FileKind::Config:
        return tr("config");
    case models::FileKind::Generated:
        return tr("generated");
    case models::FileKind::Vendored:
        return tr("vendored");
    case models::FileKind::Other:
        return tr("other");
    }
    return {};
}

QColor TokenMapColors::fileColor(MapPalette palette, bool checked, repo::Exclusion exclusion,
                                 models::FileKind kind) {
    if (palette == MapPalette::Kind) {
        const QColor c = kindColor(kind);
        return checked ? c : mix(c, QColor(Qt::white), 0.72);
    }
    if (checked)
        return selectedColor();
    return excludedColor(exclusion);
}

QColor TokenMapColors::folderColor(MapPalette palette, const prompt::Selection &selection,
                                   int node) {
    QColor base;
    switch (selection.checkState(node)) {
    case Qt::Checked:
        base = palette == MapPalette::Kind ? QColor(0x7f, 0x8c, 0x8d) : selectedColor();
        break;
    case Qt::PartiallyChecked:
        base = palette == MapPalette::Kind ? QColor(0xa6, 0xac, 0xaf)
                                           : mix(selectedColor(), notSelectedColor(), 0.5);
        break;
    case Qt::Unchecked:
        base = palette == MapPalette::Kind ? QColor(0xe5, 0xe7, 0xe9) : notSelectedColor();
        break;
    }
    return base.darker(150);
}

QColor TokenMapColors::estimated(const QColor &color) {
    return mix(color, QColor(Qt::white), 0.45);
}

QColor TokenMapColors::textOn(const QColor &background) {
    auto channel = [](double c) {
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    const double l = 0.2126 * channel(background.redF()) + 0.7152 * channel(background.greenF()) +
                     0.0722 * channel(background.blueF());
    // The contrast against black is (l + 0.05) / 0.05, against white 1.05 / (l + 0.05):
    // equal at l ≈ 0.179.
    return l > 0.179 ? QColor(Qt::black) : QColor(Qt::white);
}

QList<LegendEntry> TokenMapColors::legend(MapPalette palette,
                                          const QList<repo::Exclusion> &reasons) {
    QList<LegendEntry> out;
    if (palette == MapPalette::Kind) {
        for (models::FileKind kind :
             {models::FileKind::Code, models::FileKind::Tests, models::FileKind::Docs,
              models::FileKind::Config, models::FileKind::Generated, models::FileKind::Vendored,
              models::FileKind::Other})
            out.append({kindColor(kind), kindLabel(kind)});
        out.append({mix(kindColor(models::FileKind::Code), QColor(Qt::white), 0.72),
                    tr("pale: not selected")});
        return out;
    }
    out.append({selectedColor(), tr("selected")});
    out.append({notSelectedColor(), tr("not selected")});
    for (repo::Exclusion reason : reasons)
        if (reason != repo::Exclusion::None)
            out.append(
                {excludedColor(reason), tr("excluded: %1").arg(repo::exclusionLabel(reason))});
    return out;
}

} // namespace reposcope::ui
