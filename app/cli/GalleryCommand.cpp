// siamese gallery: enrolled people and their reference photos, archives,
// and the threshold calibrated on them.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/Dataset.h"
#include "gallery/Enrolment.h"
#include "gallery/EnrolmentReport.h"
#include "gallery/GalleryArchive.h"
#include "gallery/MatchThreshold.h"
#include "gallery/Matcher.h"
#include "gallery/ThresholdCalibration.h"
#include "nn/ModelBundle.h"
#include "vision/ImageIO.h"

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

std::string percent(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", rate * 100);
  return text;
}

void printCalibration(const CalibrationReport& r, const BundleMetadata& model, const MatchThreshold& inUse) {
  std::printf("model %s: %zu people (%zu with two or more photos); %zu genuine and %zu impostor pairs%s\n",
              model.modelId.c_str(), r.people, r.peopleWithSeveralPhotos, r.genuinePairs, r.impostorPairs,
              r.sampled ? " (sampled)" : "");
  std::printf("threshold for a false-accept rate of %s: %.4f  (FAR %s, FRR %s)\n", percent(r.targetFar).c_str(),
              r.chosen.threshold, percent(r.chosen.falseAcceptRate).c_str(),
              r.genuinePairs ? percent(r.chosen.falseRejectRate).c_str() : "unknown");
  std::printf("the model bundle's threshold:           %.4f  (FAR %s, FRR %s) on this gallery\n", r.bundle.threshold,
              percent(r.bundle.falseAcceptRate).c_str(),
              r.genuinePairs ? percent(r.bundle.falseRejectRate).c_str() : "unknown");
  std::printf("in use now: %.4f (%s)\n", inUse.value, inUse.source.c_str());
  for (const std::string& warning : r.warnings) std::printf("warning: %s\n", warning.c_str());
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text.empty() ? "none" : text;
}

}  // namespace

void addGalleryCommands(CLI::App& app) {
  struct Args {
    std::string gallery, model, name, newName, folder, report, archive;
    std::vector<std::string> photos;
    bool refuseSeveral = false, save = false, forget = false;
    double far = 0.01;
  };
  auto args = std::make_shared<Args>();
  CLI::App* gallery = app.add_subcommand("gallery", "Manage the gallery of enrolled people");
  gallery->require_subcommand(1);
  gallery->add_option("--gallery", args->gallery, "Gallery database (default: ~/.local/share/siamese-studio/gallery.db)");
  gallery->add_option("-m,--model", args->model, "Model bundle (default: the face tower when imported, else our own model)");
  auto open = [args] { return std::make_unique<GalleryStore>(galleryPathOrDefault(args->gallery)); };
  auto modelPath = [args] { return args->model.empty() ? defaultModelPath() : args->model; };
  auto model = [modelPath] {
    configureTorchThreads();
    return Embedder::load(modelPath());
  };
  // The model's description only (no weights loaded): enough for its id.
  auto modelInfo = [modelPath] { return readBundle(modelPath()).metadata; };

  CLI::App* add = gallery->add_subcommand("add", "Enrol photos of a person (created when new)");
  add->add_option("name", args->name, "Person's name")->required();
  add->add_option("photos", args->photos, "Photo files")->required();
  add->add_flag("--refuse-several", args->refuseSeveral, "Refuse photos with several faces instead of using the largest");
  add->callback([args, open, model] {
    auto store = open();
    auto embedder = model();
    EnrolOptions options;
    options.refuseSeveralFaces = args->refuseSeveral;
    const int added = enrolPhotos(*store, *embedder, args->name, args->photos, options);
    std::printf("%d of %zu photos enrolled for %s\n", added, args->photos.size(), args->name.c_str());
    if (added == 0) throw Error("no photo of " + args->name + " could be enrolled");
  });

  CLI::App* addFolder = gallery->add_subcommand("add-folder", "Enrol a folder-per-person tree");
  addFolder->add_option("folder", args->folder, "Folder with one sub-folder of photos per person")->required();
  addFolder->add_option("--report", args->report, "Write every photo's outcome to this CSV (file,person,status,message)");
  addFolder->callback([args, open, model] {
    auto store = open();
    auto embedder = model();
    DatasetOptions folders;
    folders.format = DatasetFormat::FolderPerPerson;
    const Dataset dataset = openDataset(args->folder, folders);
    EnrolmentReport report;
    bool finished = false;
    try {
      finished = enrolFolder(*store, *embedder, dataset, report);
    } catch (...) {
      // What was enrolled is in the gallery already; keep its record too.
      if (!args->report.empty()) report.writeCsv(args->report);
      throw;
    }
    printEnrolmentSummary(report);
    if (!args->report.empty()) {
      report.writeCsv(args->report);
      std::printf("report: %s\n", args->report.c_str());
    }
    if (!finished) std::printf("stopped after %zu of %zu photos: run again to continue\n", report.rows().size(), dataset.samples.size());
  });

  gallery->add_subcommand("reembed", "Embed every photo for the chosen model (after a model change); resumable")
      ->callback([open, model] {
        auto store = open();
        auto embedder = model();
        ProgressBar bar("reembed");
        const ReembedSummary s = reembedGallery(*store, *embedder, [&](const Progress& p) { bar.update(p); },
                                                &interruptToken());
        bar.finish();
        std::printf("%zu photos embedded for model %s, %zu without a usable face%s\n", s.embedded,
                    embedder->metadata().modelId.c_str(), s.failed, s.stopped ? " (stopped: run again to resume)" : "");
      });

  gallery->add_subcommand("list", "List people and their photo counts")->callback([open] {
    auto store = open();
    for (const GalleryPerson& p : store->people()) std::printf("%-40s %3d photo(s)\n", p.name.c_str(), p.photoCount);
  });

  CLI::App* remove = gallery->add_subcommand("remove", "Remove a person with their photos");
  remove->add_option("name", args->name)->required();
  remove->callback([args, open] {
    auto store = open();
    store->removePerson(store->personIdOf(args->name));
    std::printf("removed %s\n", args->name.c_str());
  });

  CLI::App* rename = gallery->add_subcommand("rename", "Rename a person");
  rename->add_option("name", args->name)->required();
  rename->add_option("new-name", args->newName)->required();
  rename->callback([args, open] {
    auto store = open();
    store->renamePerson(store->personIdOf(args->name), args->newName);
    std::printf("renamed %s to %s\n", args->name.c_str(), args->newName.c_str());
  });

  CLI::App* exportCommand = gallery->add_subcommand("export", "Write the whole gallery to one archive file");
  exportCommand->add_option("archive", args->archive, "Archive file to write (replaced atomically)")->required();
  exportCommand->callback([args, open, modelInfo] {
    auto store = open();
    const ArchiveInfo info = exportGallery(*store, args->archive, modelInfo().modelId);
    std::printf("exported %zu people, %zu photos and %zu embeddings (models: %s) to %s\n", info.people, info.photos,
                info.embeddings, joined(info.modelIds).c_str(), args->archive.c_str());
  });

  CLI::App* importCommand =
      gallery->add_subcommand("import", "Merge an archive into the gallery (by person name and photo content)");
  importCommand->add_option("archive", args->archive, "Archive file written by `siamese gallery export`")->required();
  importCommand->callback([args, open, modelInfo] {
    auto store = open();
    const std::string activeModel = modelInfo().modelId;
    ProgressBar bar("import");
    const ImportSummary s = importGallery(*store, args->archive, [&](const Progress& p) { bar.update(p); });
    bar.finish();
    std::printf("archive %s: exported %s by Siamese Studio %s for model %s\n", args->archive.c_str(),
                s.archive.exportedAt.c_str(), s.archive.programVersion.c_str(),
                s.archive.modelId.empty() ? "(none)" : s.archive.modelId.c_str());
    std::printf("people: %zu added, %zu merged; photos: %zu added, %zu skipped as duplicates; embeddings: %zu "
                "imported, %zu already there\n",
                s.peopleAdded, s.peopleMerged, s.photosAdded, s.photosSkipped, s.embeddingsImported,
                s.embeddingsSkipped);
    if (const std::size_t missing = store->photosWithoutEmbedding(activeModel).size()) {
      std::printf("%zu photos have no embedding for the model in use (%s): run `siamese gallery reembed`\n", missing,
                  activeModel.c_str());
    }
  });

  CLI::App* calibrate = gallery->add_subcommand(
      "threshold", "Choose the threshold on the gallery's own photos for a target false-accept rate");
  calibrate->add_option("--far", args->far, "Target false-accept rate (share of different-people pairs let through)")
      ->capture_default_str()
      ->check(CLI::Range(1e-6, 0.5));
  calibrate->add_flag("--save", args->save, "Store it in the gallery: identify and live video then use it");
  calibrate->add_flag("--forget", args->forget, "Forget a stored threshold (the model's own is used again)");
  calibrate->callback([args, open, model] {
    auto store = open();
    auto embedder = model();
    const BundleMetadata& meta = embedder->metadata();
    if (args->forget) {
      std::printf(store->clearThreshold(meta.modelId) ? "forgot the gallery's threshold for model %s\n"
                                                      : "the gallery had no threshold for model %s\n",
                  meta.modelId.c_str());
      return;
    }
    CalibrationOptions options;
    options.targetFar = args->far;
    options.bundleThreshold = meta.threshold.value;
    const CalibrationReport report = calibrateThreshold(store->embeddings(meta.modelId), distanceOf(*embedder), options);
    printCalibration(report, meta, matchThresholdFor(*store, meta, std::nullopt, distanceOf(*embedder)));
    if (args->save) {
      store->setThreshold(meta.modelId, report.chosen.threshold, report.method());
      std::printf("saved: identify and live video use %.4f for model %s with this gallery\n", report.chosen.threshold,
                  meta.modelId.c_str());
    }
  });

}

}  // namespace siamese::cli
