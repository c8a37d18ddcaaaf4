// siamese gallery export / import: the whole gallery as one archive file,
// and an archive merged back in.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "CliSupport.h"
#include "GalleryCommands.h"
#include "gallery/GalleryArchive.h"
#include "nn/ModelBundle.h"

namespace siamese::cli {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text.empty() ? "none" : text;
}

// The active model's id from its description alone (no weights loaded).
std::string activeModelId(const Session& session) { return readBundle(session.modelPath()).metadata.modelId; }

void runExport(const GalleryOptions& options, const std::string& archive) {
  auto session = options.session();
  const ArchiveInfo info = exportGallery(session->gallery(), archive, activeModelId(*session));
  std::printf("exported %zu people, %zu photos and %zu embeddings (models: %s) to %s\n", info.people, info.photos,
              info.embeddings, joined(info.modelIds).c_str(), archive.c_str());
}

void runImport(const GalleryOptions& options, const std::string& archive) {
  auto session = options.session(GalleryOpening::CreateIfMissing);
  GalleryStore& store = session->gallery();
  const std::string activeModel = activeModelId(*session);
  ProgressBar bar("import");
  const ImportSummary s = importGallery(store, archive, [&](const Progress& p) { bar.update(p); });
  bar.finish();
  std::printf("archive %s: exported %s by Siamese Studio %s for model %s\n", archive.c_str(),
              s.archive.exportedAt.c_str(), s.archive.programVersion.c_str(),
              s.archive.modelId.empty() ? "(none)" : s.archive.modelId.c_str());
  std::printf("people: %zu added, %zu merged; photos: %zu added, %zu skipped as duplicates; embeddings: %zu "
              "imported, %zu already there\n",
              s.peopleAdded, s.peopleMerged, s.photosAdded, s.photosSkipped, s.embeddingsImported,
              s.embeddingsSkipped);
  if (s.correctionsImported > 0) {
    std::printf("corrections: %zu faces marked as not a person came along (siamese gallery corrections)\n",
                s.correctionsImported);
  }
  if (const std::size_t missing = store.photosWithoutEmbedding(activeModel).size()) {
    std::printf("%zu photos have no embedding for the model in use (%s): run `siamese gallery reembed`\n", missing,
                activeModel.c_str());
  }
}

}  // namespace

void addGalleryArchiveCommands(CLI::App& gallery, const SharedGalleryOptions& options) {
  auto archive = std::make_shared<std::string>();
  CLI::App* exportCommand = gallery.add_subcommand("export", "Write the whole gallery to one archive file");
  exportCommand->add_option("archive", *archive, "Archive file to write (replaced atomically)")->required();
  exportCommand->callback([options, archive] { runExport(*options, *archive); });

  CLI::App* importCommand =
      gallery.add_subcommand("import", "Merge an archive into the gallery (by person name and photo content)");
  importCommand->add_option("archive", *archive, "Archive file written by `siamese gallery export`")->required();
  importCommand->callback([options, archive] { runImport(*options, *archive); });
}

}  // namespace siamese::cli
