#pragma once
/// \file AtomicFile.h
/// Every file the program writes goes through here: the bytes go to a
/// temporary file beside the target, are flushed to disk, and the temporary
/// file is renamed over the target. A crash or a full disk leaves either the
/// old file or the new one, never half of one.

#include <cstdint>
#include <string>
#include <vector>

namespace siamese {

/// Writes `bytes` to `path` atomically, readable by its owner only (a
/// replaced file takes these permissions too). Creates missing parent folders.
/// throws FileError naming `path` (and the system's reason) on failure; the
/// previous content of `path`, if any, is then untouched.
void writeFileAtomically(const std::string& path, const std::string& bytes);
void writeFileAtomically(const std::string& path, const std::vector<std::uint8_t>& bytes);

/// Refuses, with a FileError naming `path` and what it is, anything but an
/// existing regular file (after symbolic links): a folder, a named pipe
/// (whose open would wait for a writer for ever), a device or socket, a
/// missing file, a loop of links, one that may not be read.
void requireRegularFile(const std::string& path);

/// What requireRegularFile would say of `path` ("is a folder, not a file",
/// "no such file", ...), or an empty string for a readable regular file:
/// for listings that leave such entries out and name them instead of failing.
std::string whyNotARegularFile(const std::string& path);

/// Reads a whole regular file (see requireRegularFile). throws FileError
/// when it cannot be opened or read.
std::vector<std::uint8_t> readFileBytes(const std::string& path);

/// readFileBytes as text.
std::string readTextFile(const std::string& path);

}  // namespace siamese
