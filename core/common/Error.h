#pragma once
/// \file Error.h
/// The project's one exception type. Library errors (cv::Exception,
/// dlib::error, c10::Error, SQLite codes) are caught at the engine's entry
/// points and rethrown as siamese::Error with a message a user can act on:
/// which file, what is wrong, what to do.

#include <stdexcept>
#include <string>

namespace siamese {

/// An error a user can act on. `what()` is the full sentence to show.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// An input file that cannot be used (unreadable, corrupt, too large, ...).
/// Keeps the path and the bare reason apart so reports can tabulate them.
class FileError : public Error {
 public:
  FileError(std::string path, std::string reason)
      : Error(path + ": " + reason), m_path(std::move(path)), m_reason(std::move(reason)) {}

  const std::string& path() const { return m_path; }
  const std::string& reason() const { return m_reason; }

 private:
  std::string m_path;
  std::string m_reason;
};

}  // namespace siamese
