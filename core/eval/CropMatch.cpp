#include "eval/CropMatch.h"

#include <cmath>
#include <cstdio>

#include "common/Error.h"

namespace siamese {

namespace {

// "0.25", not to_string's "0.250000": the number is typed back as an option.
std::string shortNumber(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", double(value));
  return text;
}

// The command that makes the crops `input` describes.
std::string prepareCommandFor(const InputSpec& input) {
  std::string command = "siamese prepare";
  if (input.channels == 3) command += " --colour";
  if (input.alignedFaces) command += " --align " + input.alignment;
  command += " --crop " + std::to_string(input.cropSize);
  if (input.alignedFaces) command += " --padding " + shortNumber(input.padding);
  return command;
}

std::string kindOfImages(bool alignedFaces) {
  return alignedFaces ? "aligned faces" : "whole images (characters or digits)";
}

// Only what differs, so that the message points at it: "grey template
// crops with padding 0.1". Empty parts are left out.
struct CropWords {
  std::string colour, alignment, padding;

  bool empty() const { return colour.empty() && alignment.empty() && padding.empty(); }
  std::string text() const {
    std::string words;
    for (const std::string* part : {&colour, &alignment}) {
      if (!part->empty()) words += *part + " ";
    }
    words += "crops";
    if (!padding.empty()) words += " with padding " + padding;
    return words;
  }
};

}  // namespace

std::string cropMismatch(const InputSpec& input, const CacheSettings& cache, const std::string& model) {
  // Faces and characters are different data sets, not different options.
  if (input.alignedFaces != cache.alignedFaces) {
    return model + " was trained on " + kindOfImages(input.alignedFaces) + ", but this face cache holds " +
           kindOfImages(cache.alignedFaces);
  }
  CropWords expected, held;
  // Grey crops would reach a colour model as three equal channels: it runs,
  // and quietly embeds, learns or teaches from faces it never saw. Colour
  // crops reach a grey model made grey, as its own were.
  if (input.channels == 3 && cache.channels == 1) {
    expected.colour = "colour";
    held.colour = "grey";
  }
  // Another cut or margin puts the features elsewhere in the crop: the
  // network still runs, and its distances mean little.
  if (cache.alignedFaces && cache.alignment != input.alignment) {
    expected.alignment = input.alignment;
    held.alignment = cache.alignment;
  }
  if (cache.alignedFaces && std::abs(cache.padding - input.padding) > 1e-4f) {
    expected.padding = shortNumber(input.padding);
    held.padding = shortNumber(cache.padding);
  }
  if (expected.empty()) return {};
  return model + " was trained on " + expected.text() + ", but this face cache holds " + held.text();
}

std::string describeCrops(const CacheSettings& cache) {
  return std::to_string(cache.cropSize) + " px " + (cache.channels == 3 ? "colour " : "grey ") + cache.alignment +
         " crops with padding " + shortNumber(cache.padding);
}

void requireMatchingCrops(const InputSpec& input, const CacheSettings& cache, const std::string& model) {
  const std::string mismatch = cropMismatch(input, cache, model);
  if (mismatch.empty()) return;
  if (input.alignedFaces != cache.alignedFaces) {
    throw Error(mismatch + ": " +
                (input.alignedFaces ? "prepare photos of faces for it with '" + prepareCommandFor(input) + "'"
                                    : std::string("prepare characters or digits for it (siamese prepare --format "
                                                  "omniglot or mnist)")));
  }
  throw Error(mismatch + ": prepare the data again with '" + prepareCommandFor(input) + "'");
}

}  // namespace siamese
