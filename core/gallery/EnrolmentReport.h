#pragma once
/// \file EnrolmentReport.h
/// What happened to each photo of a bulk enrolment: kept in memory while
/// the enrolment runs, counted by status for the summary, and written as a
/// CSV (file, person, status, message) that a spreadsheet can filter, so a
/// large folder's failures can be found and fixed without scrolling.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "gallery/Enrolment.h"

namespace siamese {

/// "added", "duplicate", "no-face", "several-faces", "unreadable".
const char* enrolStatusName(EnrolStatus status);

class EnrolmentReport {
 public:
  struct Row {
    std::string file;
    std::string person;
    EnrolStatus status = EnrolStatus::Unreadable;
    std::string message;
  };

  void add(const std::string& file, const std::string& person, const EnrolOutcome& outcome);

  const std::vector<Row>& rows() const { return m_rows; }
  /// Photos per status, in EnrolStatus order; statuses with none are left out.
  std::map<EnrolStatus, std::size_t> countsByStatus() const;
  /// The rows that were neither added nor duplicates.
  std::vector<Row> failures() const;

  /// Writes the CSV atomically (header: file,person,status,message).
  /// throws FileError naming the file.
  void writeCsv(const std::string& path) const;

 private:
  std::vector<Row> m_rows;
};

}  // namespace siamese
