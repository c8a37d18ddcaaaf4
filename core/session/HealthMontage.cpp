#include "session/HealthMontage.h"

#include <map>

#include "common/Error.h"
#include "render/Montage.h"

namespace siamese {

Image renderHealthMontage(const GalleryStore& store, const GalleryHealthReport& report, double threshold) {
  std::map<std::int64_t, std::string> names;
  for (const GalleryPerson& p : store.people()) names[p.id] = p.name;
  std::vector<MontagePair> pairs;
  // "same" is what the gallery says (one person or two): the frame turns red
  // where the distance disagrees with it at the threshold.
  for (const HealthFinding& f : report.findings) {
    if (f.photoId == 0 || f.otherPhotoId == 0) continue;
    pairs.push_back(MontagePair{store.cropOf(f.photoId), store.cropOf(f.otherPhotoId), f.personId == f.otherPersonId,
                                f.kind + ": " + names[f.personId] + " / " + names[f.otherPersonId], f.distance});
  }
  for (const ConfusablePair& c : report.confusable) {
    pairs.push_back(MontagePair{store.cropOf(c.photoA), store.cropOf(c.photoB), false,
                                "confusable: " + c.nameA + " / " + c.nameB, c.distance});
  }
  if (pairs.empty()) throw Error("the health check found no pairs of photos to show");
  MontageOptions options;
  options.columns = 4;
  options.rows = int((pairs.size() + 3) / 4);
  options.faceSize = 112;
  options.threshold = threshold;
  return renderMontage(pairs, options);
}

}  // namespace siamese
