#include "gallery/EnrolmentReport.h"

#include "common/AtomicFile.h"

namespace siamese {
namespace {

// RFC 4180: quote every field that needs it, doubling inner quotes.
std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

const char* enrolStatusName(EnrolStatus status) {
  switch (status) {
    case EnrolStatus::Added: return "added";
    case EnrolStatus::Duplicate: return "duplicate";
    case EnrolStatus::NoFace: return "no-face";
    case EnrolStatus::SeveralFaces: return "several-faces";
    case EnrolStatus::Unreadable: return "unreadable";
  }
  return "?";
}

void EnrolmentReport::add(const std::string& file, const std::string& person, const EnrolOutcome& outcome) {
  m_rows.push_back(Row{file, person, outcome.status, outcome.message});
}

std::map<EnrolStatus, std::size_t> EnrolmentReport::countsByStatus() const {
  std::map<EnrolStatus, std::size_t> counts;
  for (const Row& row : m_rows) ++counts[row.status];
  return counts;
}

std::vector<EnrolmentReport::Row> EnrolmentReport::failures() const {
  std::vector<Row> out;
  for (const Row& row : m_rows) {
    if (row.status != EnrolStatus::Added && row.status != EnrolStatus::Duplicate) out.push_back(row);
  }
  return out;
}

void EnrolmentReport::writeCsv(const std::string& path) const {
  std::string text = "file,person,status,message\n";
  for (const Row& row : m_rows) {
    text += csvField(row.file) + "," + csvField(row.person) + "," + enrolStatusName(row.status) + "," +
            csvField(row.message) + "\n";
  }
  writeFileAtomically(path, text);
}

}  // namespace siamese
