// siamese identify: who is in a photo, by the gallery. The session gives
// the model, the gallery and the threshold in force, as it does for the
// app and for `siamese live`.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <optional>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "gallery/JointAssignment.h"
#include "gallery/MatchExplanation.h"
#include "gallery/MatchThreshold.h"
#include "gallery/Matcher.h"
#include "session/ExplanationImage.h"
#include "session/Session.h"
#include "vision/ImageIO.h"

namespace siamese::cli {
namespace {

struct IdentifyArgs {
  std::string photo, gallery, model;
  std::string explain;  ///< write the explanation sheet here
  int top = 3;
  std::optional<double> threshold;
};

// One section per face: its own match, and what joint naming changed.
void writeExplanation(const std::string& path, Session& session, const std::vector<EncodedFace>& faces,
                      const std::vector<AssignedName>& names, const GalleryIndex& index, double threshold) {
  const auto model = session.model();
  std::vector<SheetSection> sections;
  for (std::size_t f = 0; f < faces.size(); ++f) {
    const MatchExplanation explanation =
        explainMatch(session.gallery(), index, distanceOf(*model), faces[f].embedding, threshold);
    std::vector<std::string> extra{"face " + std::to_string(f + 1) + " of " + std::to_string(faces.size()) + ": shown as " +
                                   (names[f].personId != kNobody ? index.names.at(names[f].personId) : "unknown")};
    if (names[f].fellBack) extra.push_back("its best match is nearer to another face of this photo, which keeps that name");
    sections.push_back(explanationSection(faces[f].face.crop, explanation, extra));
  }
  saveImage(path, renderSheet(sections));
  std::printf("explanation: %s\n", path.c_str());
}

void runIdentify(const IdentifyArgs& args) {
  configureTorchThreads();
  SessionSettings settings;
  settings.galleryOpening = GalleryOpening::MustExist;  // a mistyped --gallery is not a new, empty gallery
  settings.modelPath = args.model;
  settings.galleryPath = args.gallery;
  settings.threshold = args.threshold;
  Session session(settings);
  const auto model = session.model();
  const GalleryIndex index = loadGalleryIndex(session.gallery(), *model);
  if (index.matcher->size() == 0) {
    throw Error("the gallery has no embeddings for model " + model->metadata().modelId +
                "; enrol people with this model first");
  }
  const MatchThreshold threshold = session.threshold();
  const std::vector<EncodedFace> faces = session.encoder().encodeAllFaces(loadImage(args.photo));
  if (faces.empty()) throw Error(args.photo + ": no face found");
  std::printf("%s: %zu face(s); threshold %.4f (%s)\n", args.photo.c_str(), faces.size(), threshold.value,
              threshold.source.c_str());
  // The faces of one photo are named together: two cannot be the same person.
  std::vector<MatchResult> matches;
  for (const EncodedFace& face : faces) {
    matches.push_back(index.matcher->match(face.embedding, threshold.value, std::size_t(std::max(3, args.top))));
  }
  const std::vector<AssignedName> names = assignJointly(matches, threshold.value);
  for (std::size_t f = 0; f < faces.size(); ++f) {
    const FaceBox& box = faces[f].box;
    const MatchResult& match = matches[f];
    std::printf("  face at x=%.0f y=%.0f w=%.0f: %s", box.x, box.y, box.width,
                names[f].personId != kNobody ? index.names.at(names[f].personId).c_str() : "unknown");
    if (names[f].fellBack) {
      std::printf(" [%s is nearer to another face in this photo]", index.names.at(match.ranked.front().personId).c_str());
    }
    std::printf(match.ranked.empty() ? "  (no candidate left" : "  (");
    for (std::size_t i = 0; i < match.ranked.size() && int(i) < std::max(1, args.top); ++i) {
      std::printf("%s%s %.3f", i ? ", " : "", index.names.at(match.ranked[i].personId).c_str(),
                  match.ranked[i].distance);
    }
    std::printf(")");
    for (const MatchCandidate& veto : match.vetoed) {
      std::printf(" [not %s: correction %lld at %.3f]", index.names.at(veto.personId).c_str(),
                  static_cast<long long>(veto.photoId), veto.distance);
    }
    std::printf("\n");
  }
  if (!args.explain.empty()) writeExplanation(args.explain, session, faces, names, index, threshold.value);
}

}  // namespace

void addIdentifyCommand(CLI::App& app) {
  auto args = std::make_shared<IdentifyArgs>();
  CLI::App* cmd = app.add_subcommand("identify", "Name the faces in a photo from the gallery");
  cmd->add_option("photo", args->photo, "Photo file")->required();
  cmd->add_option("--gallery", args->gallery, "Gallery database (default: ~/.local/share/siamese-studio/gallery.db)");
  cmd->add_option("-m,--model", args->model, "Model bundle (default: the face tower when imported, else our own model)");
  cmd->add_option("--top", args->top, "Candidates to list per face")->capture_default_str();
  cmd->add_option("--threshold", args->threshold,
                  "Distance below which a face is named (default: the gallery's, else the model's)");
  cmd->add_option("--explain", args->explain,
                  "Write a picture of why each face got its name: the nearest gallery photos of the top candidates, "
                  "their distances and the threshold");
  cmd->callback([args] { runIdentify(*args); });
}

}  // namespace siamese::cli
