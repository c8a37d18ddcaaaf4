// siamese gallery add / add-folder / reembed: photos into the gallery,
// embedded by the session's model.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <optional>

#include "CliSupport.h"
#include "GalleryCommands.h"
#include "common/Error.h"
#include "data/Dataset.h"
#include "gallery/Enrolment.h"
#include "gallery/EnrolmentReport.h"

namespace siamese::cli {
namespace {

// Enrols photos for one person and prints one line per photo.
int enrolPhotos(GalleryStore& store, Embedder& embedder, const std::string& name,
                const std::vector<std::string>& photos, const EnrolOptions& options) {
  Enroller enroller(store, embedder, options);
  const std::int64_t id = store.findOrAddPerson(name);
  int added = 0;
  for (const std::string& photo : photos) {
    const EnrolOutcome outcome = enroller.enrolFile(id, photo);
    std::printf("  %s %s\n", outcome.added() ? "+" : "-", outcome.message.c_str());
    added += outcome.added() ? 1 : 0;
  }
  return added;
}

// Enrols a folder-per-person tree under a progress bar, recording every
// photo's outcome in `report`. Stops cleanly on Ctrl-C (rerunning skips
// what is enrolled: those photos come back as duplicates).
bool enrolFolder(GalleryStore& store, Embedder& embedder, const Dataset& dataset, EnrolmentReport& report) {
  Enroller enroller(store, embedder);
  ProgressBar bar("enrol");
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0;
  for (std::size_t p = 0; p < dataset.people.size(); ++p) {
    const std::string& name = dataset.people[p];
    std::optional<std::int64_t> id;
    for (const Sample& sample : dataset.samples) {
      if (sample.person != int(p)) continue;
      if (interruptToken().stopRequested()) {
        bar.finish();
        return false;
      }
      if (!id) id = store.findOrAddPerson(name);
      report.add(sample.source, name, enroller.enrolFile(*id, sample.source));
      ++done;
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      bar.update(Progress{done, dataset.samples.size(), seconds > 0 ? double(done) / seconds : 0, name});
    }
  }
  bar.finish();
  return true;
}

void printEnrolmentSummary(const EnrolmentReport& report) {
  std::string counts;
  for (const auto& [status, count] : report.countsByStatus()) {
    counts += (counts.empty() ? "" : ", ") + std::to_string(count) + " " + enrolStatusName(status);
  }
  std::printf("%zu photos: %s\n", report.rows().size(), counts.empty() ? "none" : counts.c_str());
  const auto failures = report.failures();
  constexpr std::size_t kListed = 20;  // the CSV report has them all
  for (std::size_t i = 0; i < failures.size() && i < kListed; ++i) {
    std::printf("  - [%s] %s\n", enrolStatusName(failures[i].status), failures[i].message.c_str());
  }
  if (failures.size() > kListed) {
    std::printf("  ... and %zu more failures (--report writes them all)\n", failures.size() - kListed);
  }
}

struct AddArgs {
  std::string name;
  std::vector<std::string> photos;
  bool refuseSeveral = false;
};

void runAdd(const GalleryOptions& options, const AddArgs& args) {
  auto session = options.session(GalleryOpening::CreateIfMissing);
  EnrolOptions enrol;
  enrol.refuseSeveralFaces = args.refuseSeveral;
  const int added = enrolPhotos(session->gallery(), *session->model(), args.name, args.photos, enrol);
  std::printf("%d of %zu photos enrolled for %s\n", added, args.photos.size(), args.name.c_str());
  if (added == 0) throw Error("no photo of " + args.name + " could be enrolled");
}

struct AddFolderArgs {
  std::string folder, report;
};

void runAddFolder(const GalleryOptions& options, const AddFolderArgs& args) {
  auto session = options.session(GalleryOpening::CreateIfMissing);
  DatasetOptions folders;
  folders.format = DatasetFormat::FolderPerPerson;
  const Dataset dataset = openDataset(args.folder, folders);
  reportSkippedEntries(dataset);
  EnrolmentReport report;
  bool finished = false;
  try {
    finished = enrolFolder(session->gallery(), *session->model(), dataset, report);
  } catch (...) {
    // What was enrolled is in the gallery already; keep its record too.
    if (!args.report.empty()) report.writeCsv(args.report);
    throw;
  }
  printEnrolmentSummary(report);
  if (!args.report.empty()) {
    report.writeCsv(args.report);
    std::printf("report: %s\n", args.report.c_str());
  }
  if (!finished) {
    std::printf("stopped after %zu of %zu photos: run again to continue\n", report.rows().size(),
                dataset.samples.size());
  }
}

void runReembed(const GalleryOptions& options) {
  auto session = options.session();
  auto model = session->model();
  ProgressBar bar("reembed");
  const ReembedSummary s =
      reembedGallery(session->gallery(), *model, [&](const Progress& p) { bar.update(p); }, &interruptToken());
  bar.finish();
  if (s.repaired) std::printf("%zu embeddings of the wrong size were removed, to be made anew\n", s.repaired);
  std::printf("%zu photos embedded for model %s, %zu without a usable face%s\n", s.embedded,
              model->metadata().modelId.c_str(), s.failed, s.stopped ? " (stopped: run again to resume)" : "");
}

}  // namespace

void addGalleryEnrolCommands(CLI::App& gallery, const SharedGalleryOptions& options) {
  auto add = std::make_shared<AddArgs>();
  CLI::App* addCommand = gallery.add_subcommand("add", "Enrol photos of a person (created when new)");
  addCommand->add_option("name", add->name, "Person's name")->required();
  addCommand->add_option("photos", add->photos, "Photo files")->required();
  addCommand->add_flag("--refuse-several", add->refuseSeveral,
                       "Refuse photos with several faces instead of using the largest");
  addCommand->callback([options, add] { runAdd(*options, *add); });

  auto addFolder = std::make_shared<AddFolderArgs>();
  CLI::App* folderCommand = gallery.add_subcommand("add-folder", "Enrol a folder-per-person tree");
  folderCommand->add_option("folder", addFolder->folder, "Folder with one sub-folder of photos per person")->required();
  folderCommand->add_option("--report", addFolder->report,
                            "Write every photo's outcome to this CSV (file,person,status,message)");
  folderCommand->callback([options, addFolder] { runAddFolder(*options, *addFolder); });

  gallery.add_subcommand("reembed", "Embed every photo for the chosen model (after a model change); resumable")
      ->callback([options] { runReembed(*options); });
}

}  // namespace siamese::cli
