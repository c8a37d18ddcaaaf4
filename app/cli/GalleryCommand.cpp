// siamese gallery: enrolled people and their reference photos;
// siamese identify: who is in a photo.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <filesystem>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/Dataset.h"
#include "gallery/Enrolment.h"
#include "gallery/Matcher.h"
#include "vision/ImageIO.h"

namespace siamese::cli {
namespace {

std::string defaultGalleryPath() {
  if (const char* env = std::getenv("SIAMESE_GALLERY"); env && *env) return env;
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return std::string(data) + "/siamese-studio/gallery.db";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.local/share/siamese-studio/gallery.db";
}

std::int64_t personId(GalleryStore& store, const std::string& name, bool create) {
  if (auto person = store.findPerson(name)) return person->id;
  if (!create) throw Error("no person called '" + name + "' in the gallery " + store.path());
  return store.addPerson(name);
}

// Enrols photos for one person and prints one line per photo.
int enrolPhotos(GalleryStore& store, Embedder& embedder, const std::string& name,
                const std::vector<std::string>& photos, const EnrolOptions& options) {
  Enroller enroller(store, embedder, options);
  const std::int64_t id = personId(store, name, true);
  int added = 0;
  for (const std::string& photo : photos) {
    const EnrolOutcome outcome = enroller.enrolFile(id, photo);
    std::printf("  %s %s\n", outcome.added() ? "+" : "-", outcome.message.c_str());
    added += outcome.added() ? 1 : 0;
  }
  return added;
}

}  // namespace

void addGalleryCommands(CLI::App& app) {
  struct Args {
    std::string gallery, model, name, newName, folder;
    std::vector<std::string> photos;
    bool refuseSeveral = false;
    int top = 3;
  };
  auto args = std::make_shared<Args>();
  CLI::App* gallery = app.add_subcommand("gallery", "Manage the gallery of enrolled people");
  gallery->require_subcommand(1);
  gallery->add_option("--gallery", args->gallery, "Gallery database (default: ~/.local/share/siamese-studio/gallery.db)");
  gallery->add_option("-m,--model", args->model, "Model bundle (default: the shipped default model)");
  auto open = [args] { return std::make_unique<GalleryStore>(args->gallery.empty() ? defaultGalleryPath() : args->gallery); };
  auto model = [args] {
    configureTorchThreads();
    return Embedder::load(args->model.empty() ? defaultModelPath() : args->model);
  };

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
  addFolder->callback([args, open, model] {
    auto store = open();
    auto embedder = model();
    DatasetOptions folders;
    folders.format = DatasetFormat::FolderPerPerson;
    const Dataset dataset = openDataset(args->folder, folders);
    int added = 0;
    for (std::size_t p = 0; p < dataset.people.size(); ++p) {
      std::vector<std::string> photos;
      for (const Sample& s : dataset.samples)
        if (s.person == int(p)) photos.push_back(s.source);
      std::printf("%s (%zu/%zu)\n", dataset.people[p].c_str(), p + 1, dataset.people.size());
      added += enrolPhotos(*store, *embedder, dataset.people[p], photos, EnrolOptions{});
      if (interruptToken().stopRequested()) break;
    }
    std::printf("%d of %zu photos enrolled\n", added, dataset.samples.size());
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
    store->removePerson(personId(*store, args->name, false));
    std::printf("removed %s\n", args->name.c_str());
  });

  CLI::App* rename = gallery->add_subcommand("rename", "Rename a person");
  rename->add_option("name", args->name)->required();
  rename->add_option("new-name", args->newName)->required();
  rename->callback([args, open] {
    auto store = open();
    store->renamePerson(personId(*store, args->name, false), args->newName);
    std::printf("renamed %s to %s\n", args->name.c_str(), args->newName.c_str());
  });

  CLI::App* identify = app.add_subcommand("identify", "Name the faces in a photo from the gallery");
  identify->add_option("photo", args->folder, "Photo file")->required();
  identify->add_option("--gallery", args->gallery, "Gallery database");
  identify->add_option("-m,--model", args->model, "Model bundle (default: the shipped default model)");
  identify->add_option("--top", args->top, "Candidates to list per face")->capture_default_str();
  identify->callback([args, open, model] {
    auto store = open();
    auto embedder = model();
    const BundleMetadata& meta = embedder->metadata();
    const auto references = store->embeddings(meta.modelId);
    if (references.empty()) {
      throw Error("the gallery has no embeddings for model " + meta.modelId + "; enrol people with this model first");
    }
    std::map<std::int64_t, std::string> names;
    for (const GalleryPerson& p : store->people()) names[p.id] = p.name;
    const GalleryMatcher matcher(references, [&](const auto& a, const auto& b) { return embedder->distance(a, b); });
    FacePreparer preparer(prepareOptionsForModel(meta), meta.input.alignedFaces);
    const Image photo = loadImage(args->folder);
    const PreparedFace prepared = preparer.prepare(photo);
    if (prepared.faces.empty()) throw Error(args->folder + ": no face found");
    std::printf("%s: %zu face(s); threshold %.4f\n", args->folder.c_str(), prepared.faces.size(), meta.threshold.value);
    for (const FaceBox& box : prepared.faces) {
      const auto embedding = embedder->embed({preparer.alignFace(photo, box).crop}).front();
      const MatchResult match = matcher.match(embedding, meta.threshold.value, std::size_t(std::max(1, args->top)));
      std::printf("  face at x=%.0f y=%.0f w=%.0f: %s", box.x, box.y, box.width,
                  match.known ? names[match.best()->personId].c_str() : "unknown");
      std::printf("  (");
      for (std::size_t i = 0; i < match.ranked.size(); ++i) {
        std::printf("%s%s %.3f", i ? ", " : "", names[match.ranked[i].personId].c_str(), match.ranked[i].distance);
      }
      std::printf(")\n");
    }
  });
}

}  // namespace siamese::cli
