#include "common/AtomicFile.h"

#include <atomic>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/Error.h"

namespace siamese {
namespace {

std::string systemReason(int errorNumber) { return std::strerror(errorNumber); }

void writeAtomically(const std::string& path, const char* data, std::size_t size) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);

  // Unique to this write: two threads writing the same path must not share
  // one temporary file (the last rename then wins whole, never a mix).
  static std::atomic<unsigned> writes{0};
  const std::string temp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(writes++);
  // Owner-only, whatever the umask allows: what this program writes shows
  // or names people (crops, montages, reports, models listing identities).
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw FileError(path, "cannot create file: " + systemReason(errno));
  ::fchmod(fd, 0600);  // a temporary file left by a crash keeps its old mode otherwise

  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      throw FileError(path, "cannot write file: " + systemReason(err) +
                                (err == ENOSPC ? " (the disk is full; nothing was replaced)" : ""));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    throw FileError(path, "cannot flush file to disk: " + systemReason(err));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    throw FileError(path, "cannot replace file: " + systemReason(err));
  }
}

}  // namespace

void writeFileAtomically(const std::string& path, const std::string& bytes) {
  writeAtomically(path, bytes.data(), bytes.size());
}

void writeFileAtomically(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  writeAtomically(path, reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::string whyNotARegularFile(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const int err = errno;
    struct stat link {};
    if (err == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      return "is a broken symbolic link (what it points to does not exist)";
    }
    if (err == ENOENT) return "no such file";
    if (err == ELOOP) return "is a loop of symbolic links";
    if (err == ENOTDIR) return "a part of the path is a file, not a folder";
    return "cannot read: " + systemReason(err);
  }
  if (S_ISREG(info.st_mode)) {
    if (::access(path.c_str(), R_OK) != 0) return "cannot read: " + systemReason(errno);
    return {};
  }
  if (S_ISDIR(info.st_mode)) return "is a folder, not a file";
  if (S_ISFIFO(info.st_mode)) return "is a named pipe (FIFO), not a regular file";
  if (S_ISSOCK(info.st_mode)) return "is a socket, not a regular file";
  return "is a device, not a regular file";
}

void requireRegularFile(const std::string& path) {
  std::string reason = whyNotARegularFile(path);
  if (!reason.empty()) throw FileError(path, std::move(reason));
}

std::vector<std::uint8_t> readFileBytes(const std::string& path) {
  requireRegularFile(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot open file: " + systemReason(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw FileError(path, "cannot read file size");
  in.seekg(0, std::ios::beg);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw FileError(path, "cannot read file: " + systemReason(errno));
  }
  return bytes;
}

std::string readTextFile(const std::string& path) {
  const std::vector<std::uint8_t> bytes = readFileBytes(path);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace siamese
