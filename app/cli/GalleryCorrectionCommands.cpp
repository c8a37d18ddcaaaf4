// siamese gallery reject / corrections: "this face is not X", kept in the
// gallery so that identify and live video never name it (or a face nearer
// to it than to X's photos) as X again, calibration counts it as an
// impostor and adaptation trains on it; listed and undone by id.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "GalleryCommands.h"
#include "common/Error.h"
#include "gallery/Enrolment.h"

namespace siamese::cli {
namespace {

struct RejectArgs {
  std::string notName;
  std::vector<std::string> photos;
  std::vector<std::int64_t> photoIds;
};

void runReject(const GalleryOptions& options, const RejectArgs& args) {
  if (args.photos.empty() && args.photoIds.empty()) throw Error("name the photo files or --photo-id to reject");
  auto session = options.session();
  GalleryStore& store = session->gallery();
  const std::int64_t personId = store.personIdOf(args.notName);
  int recorded = 0;
  const auto own = store.photosOf(personId);
  for (const std::int64_t photoId : args.photoIds) {
    const bool isTheirs =
        std::any_of(own.begin(), own.end(), [photoId](const GalleryPhoto& p) { return p.id == photoId; });
    if (!isTheirs) throw Error("photo " + std::to_string(photoId) + " is not a reference photo of " + args.notName);
    store.rejectPhoto(photoId);
    std::printf("photo %lld: taken back from %s (correction %lld)\n", static_cast<long long>(photoId),
                args.notName.c_str(), static_cast<long long>(photoId));
    ++recorded;
  }
  if (!args.photos.empty()) {
    Enroller enroller(store, *session->model());
    for (const std::string& photo : args.photos) {
      const EnrolOutcome outcome = enroller.rejectFile(personId, photo);
      std::printf("%s\n", outcome.message.c_str());
      recorded += outcome.added() ? 1 : 0;
    }
  }
  session->galleryEdited();
  std::printf("%d face(s) recorded as not %s\n", recorded, args.notName.c_str());
  if (recorded == 0) throw Error("no face could be recorded as not " + args.notName);
}

struct CorrectionsArgs {
  bool json = false;
  std::vector<std::int64_t> undo;
};

void runCorrections(const GalleryOptions& options, const CorrectionsArgs& args) {
  auto session = options.session();
  GalleryStore& store = session->gallery();
  const auto before = store.corrections();
  for (const std::int64_t id : args.undo) {
    const auto it = std::find_if(before.begin(), before.end(), [id](const GalleryCorrection& c) { return c.photoId == id; });
    store.undoCorrection(id);  // throws, naming the id, when there is no such correction
    const std::string outcome = it != before.end() && it->wasReference
                                    ? "the photo is a reference photo of " + it->personName + " again"
                                    : "the face is forgotten";
    std::printf("correction %lld undone: %s\n", static_cast<long long>(id), outcome.c_str());
  }
  if (!args.undo.empty()) {
    session->galleryEdited();
    return;
  }
  const auto corrections = store.corrections();
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const GalleryCorrection& c : corrections) {
      list.push_back({{"id", c.photoId}, {"not", c.personName}, {"source", c.sourceName},
                      {"was_reference", c.wasReference}, {"set_at", c.setAt}});
    }
    std::printf("%s\n", list.dump(2).c_str());
    return;
  }
  if (corrections.empty()) std::printf("no corrections\n");
  for (const GalleryCorrection& c : corrections) {
    std::printf("%6lld  not %-30s %s%s  (%s)\n", static_cast<long long>(c.photoId), c.personName.c_str(),
                c.sourceName.c_str(), c.wasReference ? " [was a reference photo]" : "", c.setAt.c_str());
  }
}

}  // namespace

void addGalleryCorrectionCommands(CLI::App& gallery, const SharedGalleryOptions& options) {
  auto reject = std::make_shared<RejectArgs>();
  CLI::App* rejectCommand =
      gallery.add_subcommand("reject", "Say that the face in a photo is not a person, so it is never named so again");
  rejectCommand->add_option("photos", reject->photos, "Photo files with the face");
  rejectCommand->add_option("--not", reject->notName, "The person it is not")->required();
  rejectCommand->add_option("--photo-id", reject->photoIds,
                            "A reference photo of that person to take back (ids from `gallery check`)");
  rejectCommand->callback([options, reject] { runReject(*options, *reject); });

  auto corrections = std::make_shared<CorrectionsArgs>();
  CLI::App* listCommand = gallery.add_subcommand("corrections", "List the corrections, or undo some by id");
  listCommand->add_flag("--json", corrections->json, "Print them as JSON");
  listCommand->add_option("--undo", corrections->undo, "Undo the corrections with these ids");
  listCommand->callback([options, corrections] { runCorrections(*options, *corrections); });
}

}  // namespace siamese::cli
