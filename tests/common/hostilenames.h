// SPDX-License-Identifier: MIT
#pragma once

// A repository whose file names try to change the structure of whatever lists them:
// newlines (a spoofed "### " heading), CR, tab, ESC, invalid UTF-8 (two names that
// QString::fromUtf8 would merge), bidi override, line separator, a literal backslash,
// XML specials, a Markdown fence. Shared by the core, models and CLI suites.

#include <QByteArray>
#include <QList>

namespace reposcope::test {

class ScratchRepo;

struct HostileFile {
    QByteArray path; // raw bytes, '/'-separated
    QByteArray content;
};

// The files, in no particular order; every content is plain text without markup characters
// except one file (ctl.txt) whose content holds BEL, ESC, a form feed and a byte that is not
// UTF-8.
QList<HostileFile> hostileFiles();

// Writes hostileFiles() into the repository's folder under their raw names (through POSIX
// calls: QString cannot hold invalid UTF-8). Fails the current test on an error.
void writeHostileFiles(const ScratchRepo &repo);

// Removes them again (and their folders). QTemporaryDir cannot: it goes through QString,
// which cannot name a file whose name is not UTF-8.
void removeHostileFiles(const ScratchRepo &repo);

// Calls removeHostileFiles when it goes out of scope; declare it after the ScratchRepo.
struct HostileFilesCleanup {
    const ScratchRepo &repo;
    ~HostileFilesCleanup() { removeHostileFiles(repo); }
};

} // namespace reposcope::test
