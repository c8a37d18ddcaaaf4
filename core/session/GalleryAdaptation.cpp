#include "session/GalleryAdaptation.h"

#include <filesystem>
#include <map>
#include <unistd.h>

#include "common/Error.h"
#include "gallery/FaceEncoder.h"
#include "nn/Embedder.h"
#include "prep/FacePreparer.h"
#include "vision/ImageIO.h"

namespace siamese {
namespace {

/// The gallery's photos cut as the model expects, in a face cache that is
/// removed when it goes.
class GalleryCrops {
 public:
  GalleryCrops(GalleryStore& store, const BundleMetadata& model, const std::string& folder, std::size_t& withoutFace)
      : m_path(folder + "/gallery-crops-" + std::to_string(::getpid()) + ".cache") {
    std::filesystem::create_directories(folder);
    PrepareOptions options = prepareOptionsForModel(model);
    options.multiFace = MultiFacePolicy::Largest;  // as enrolment chose
    FacePreparer preparer(options, true);
    CacheSettings settings;
    settings.cropSize = options.align.cropSize;
    settings.channels = options.align.colour ? 3 : 1;
    settings.padding = options.align.padding;
    settings.alignment = model.input.alignment;
    settings.detector = "gallery";
    settings.datasetRoot = store.path();
    {
      FaceCacheWriter writer(m_path, settings, false);
      const auto add = [&](std::int64_t photoId, const std::string& source, const std::string& label) {
        PreparedFace prepared;
        try {
          prepared = preparer.prepare(decodeImage(store.originalOf(photoId), source));
        } catch (const FileError&) {
          prepared.ok = false;
        }
        if (!prepared.ok) {
          ++withoutFace;
          return;
        }
        CachedFace face;
        face.source = std::to_string(photoId);
        face.aligned = prepared.face.aligned;
        const Image crop = prepared.face.crop.clone();  // tightly packed, as prepareDataset writes it
        writer.addFace(face, label, crop.data());
      };
      for (const GalleryPerson& person : store.people()) {
        for (const GalleryPhoto& photo : store.photosOf(person.id)) add(photo.id, photo.sourceName, person.name);
      }
      // Each rejected face is an identity of its own, remembered with the
      // person it is not.
      for (const GalleryCorrection& c : store.corrections()) {
        add(c.photoId, c.sourceName, "correction " + std::to_string(c.photoId));
        m_rejectedAs[std::to_string(c.photoId)] = c.personName;
      }
      writer.flush();
    }
    m_cache = FaceCache::load(m_path);
  }
  /// The person a face was rejected as, or null for a reference photo.
  const std::string* rejectedAs(int face) const {
    const auto it = m_rejectedAs.find(m_cache.faces()[std::size_t(face)].source);
    return it == m_rejectedAs.end() ? nullptr : &it->second;
  }
  ~GalleryCrops() { std::filesystem::remove(m_path); }
  GalleryCrops(const GalleryCrops&) = delete;
  GalleryCrops& operator=(const GalleryCrops&) = delete;
  const FaceCache& cache() const { return m_cache; }

 private:
  std::string m_path;
  FaceCache m_cache;
  std::map<std::string, std::string> m_rejectedAs;  ///< correction's photo id → the person it is not
};

}  // namespace

GalleryAdaptationResult adaptGalleryModel(GalleryStore& store, const std::string& modelPath, double thresholdInForce,
                                          const GalleryAdaptationOptions& options, const ProgressFn& progress,
                                          const StopToken* stop) {
  const BundleMetadata model = readBundle(modelPath).metadata;
  const FaceCache impostors = FaceCache::load(options.impostorCache);
  GalleryAdaptationResult result;
  const std::string workDir =
      options.adaptation.workDir.empty() ? std::filesystem::temp_directory_path().string() : options.adaptation.workDir;
  const GalleryCrops crops(store, model, workDir, result.photosWithoutFace);
  const FaceCache& gallery = crops.cache();
  result.photosUsed = gallery.size();
  // One probe per person with three photos or more (two stay to train on);
  // the others are references.
  std::vector<int> references, probes;
  std::vector<std::pair<int, std::string>> rejected;  // face, the person it is not
  std::map<std::string, int> firstReferenceOf;
  for (const auto& faces : gallery.facesByPerson()) {
    if (faces.empty()) continue;
    if (const std::string* notName = crops.rejectedAs(faces.front())) {
      rejected.emplace_back(faces.front(), *notName);
      continue;
    }
    for (std::size_t k = 0; k < faces.size(); ++k) {
      (faces.size() >= 3 && k + 1 == faces.size() ? probes : references).push_back(faces[k]);
    }
    firstReferenceOf.emplace(gallery.people()[std::size_t(gallery.faces()[std::size_t(faces.front())].person)],
                             faces.front());
  }
  // Corrections are hard negatives: the rejected face against the person.
  std::vector<Pair> hardNegatives;
  for (const auto& [face, notName] : rejected) {
    if (const auto it = firstReferenceOf.find(notName); it != firstReferenceOf.end()) {
      hardNegatives.push_back(Pair{face, it->second, false});
    }
  }
  result.correctionsUsed = hardNegatives.size();
  result.adaptation = adaptModel(modelPath, thresholdInForce, gallery, references, probes, impostors,
                                 options.adaptation, progress, stop, hardNegatives);
  if (!result.adaptation.better || options.outPath.empty()) return result;

  BundleFile adapted = result.adaptation.adapted;
  adapted.metadata.name = (model.name.empty() ? std::string("model") : model.name) + ", adapted to " +
                          std::filesystem::path(store.path()).filename().string();
  writeBundle(options.outPath, adapted);
  std::filesystem::permissions(options.outPath, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);  // it lists the gallery's people
  result.adaptation.adapted = adapted;
  auto embedder = Embedder::load(options.outPath);
  result.reembedded = reembedGallery(store, *embedder, progress, stop);
  result.deployed = true;
  return result;
}

}  // namespace siamese
