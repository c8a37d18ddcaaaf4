#include "session/ExplanationImage.h"


#include "common/Format.h"

namespace siamese {

SheetSection explanationSection(const Image& face, const MatchExplanation& explanation,
                                const std::vector<std::string>& extraLines) {
  SheetSection section;
  section.query = face;
  section.lines.push_back(explanation.verdict);
  section.lines.push_back("named when a person's nearest photo is below " + fixedDecimals(explanation.threshold));
  section.lines.insert(section.lines.end(), explanation.notes.begin(), explanation.notes.end());
  section.lines.insert(section.lines.end(), extraLines.begin(), extraLines.end());
  for (const ExplainedCandidate& c : explanation.candidates) {
    SheetRow row;
    row.title = c.name + ": nearest " + fixedDecimals(c.distance) +
                (c.vetoed ? "  (ruled out: correction " + std::to_string(c.correctionId) + " at " +
                                fixedDecimals(c.correctionDistance) + ")"
                          : c.distance < explanation.threshold ? "  (within the threshold)" : "  (too far)");
    if (c.vetoed) {
      // The rejected face first: the query sits nearer to it than to their photos.
      row.tiles.push_back(SheetTile{c.correctionCrop, "not " + fixedDecimals(c.correctionDistance), SheetTile::Mark::Bad});
    }
    for (const ExplainedPhoto& p : c.nearest) {
      SheetTile tile;
      tile.face = p.crop;
      tile.caption = fixedDecimals(p.distance);
      tile.mark = !c.vetoed && p.distance < explanation.threshold ? SheetTile::Mark::Good : SheetTile::Mark::None;
      row.tiles.push_back(std::move(tile));
    }
    section.rows.push_back(std::move(row));
  }
  return section;
}

}  // namespace siamese
