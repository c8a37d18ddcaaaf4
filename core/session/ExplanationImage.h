#pragma once
/// \file ExplanationImage.h
/// A face's match explanation (MatchExplanation.h) as a section of an
/// explanation sheet: the face, the verdict and any extra lines (the live
/// vote, the joint naming), then a row per candidate with their nearest
/// photos, green within the threshold and red where a correction rules
/// them out.

#include <string>
#include <vector>

#include "gallery/MatchExplanation.h"
#include "render/ExplanationSheet.h"

namespace siamese {

SheetSection explanationSection(const Image& face, const MatchExplanation& explanation,
                                const std::vector<std::string>& extraLines = {});

}  // namespace siamese
