// The bulk-enrolment report: outcomes counted by status, failures picked
// out, and a CSV whose awkward fields (commas, quotes) survive.

#include "common/AtomicFile.h"
#include "gallery/EnrolmentReport.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

EnrolOutcome outcome(EnrolStatus status, const std::string& message) {
  EnrolOutcome o;
  o.status = status;
  o.message = message;
  return o;
}

TEST(EnrolmentReport, CountsByStatusListsFailuresAndWritesACsv) {
  EnrolmentReport report;
  report.add("a/1.jpg", "Ada", outcome(EnrolStatus::Added, "a/1.jpg: added"));
  report.add("a/2.jpg", "Ada", outcome(EnrolStatus::Added, "a/2.jpg: added"));
  report.add("a/2.jpg", "Ada", outcome(EnrolStatus::Duplicate, "already enrolled"));
  report.add("b/1.jpg", "Bob, Jr", outcome(EnrolStatus::NoFace, "b/1.jpg: no face found"));
  report.add("b/\"2\".jpg", "Bob, Jr", outcome(EnrolStatus::Unreadable, "b/\"2\".jpg: not an image"));

  const auto counts = report.countsByStatus();
  EXPECT_EQ(counts.at(EnrolStatus::Added), 2u);
  EXPECT_EQ(counts.at(EnrolStatus::Duplicate), 1u);
  EXPECT_EQ(counts.at(EnrolStatus::NoFace), 1u);
  EXPECT_EQ(counts.at(EnrolStatus::Unreadable), 1u);
  EXPECT_EQ(counts.count(EnrolStatus::SeveralFaces), 0u);
  const auto failures = report.failures();
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].file, "b/1.jpg");
  EXPECT_EQ(failures[1].status, EnrolStatus::Unreadable);

  test::ScratchDir dir;
  report.writeCsv(dir.file("report.csv"));
  EXPECT_EQ(readTextFile(dir.file("report.csv")),
            "file,person,status,message\n"
            "a/1.jpg,Ada,added,a/1.jpg: added\n"
            "a/2.jpg,Ada,added,a/2.jpg: added\n"
            "a/2.jpg,Ada,duplicate,already enrolled\n"
            "b/1.jpg,\"Bob, Jr\",no-face,b/1.jpg: no face found\n"
            "\"b/\"\"2\"\".jpg\",\"Bob, Jr\",unreadable,\"b/\"\"2\"\".jpg: not an image\"\n");
}

}  // namespace
}  // namespace siamese
