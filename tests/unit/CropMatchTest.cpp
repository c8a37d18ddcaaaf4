// The one check that a face cache holds the crops a model expects: each
// difference that matters is refused with the prepare options that fix it,
// and the differences a model absorbs pass.

#include <gtest/gtest.h>

#include "common/Error.h"
#include "eval/CropMatch.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

// The face tower's input: colour dlib chips of 150 px with padding 0.25.
InputSpec towerInput() {
  InputSpec input;
  input.cropSize = 150;
  input.size = 150;
  input.channels = 3;
  input.alignment = "dlib-chip";
  input.padding = 0.25f;
  return input;
}

// A cache made for `input`, as `siamese prepare` would write it.
CacheSettings cacheFor(const InputSpec& input) {
  CacheSettings cache;
  cache.cropSize = input.cropSize;
  cache.channels = input.channels;
  cache.alignedFaces = input.alignedFaces;
  cache.detector = input.alignedFaces ? "hog" : "none";
  cache.padding = input.alignedFaces ? input.padding : 0.0f;
  cache.alignment = input.alignedFaces ? input.alignment : "none";
  return cache;
}

std::string refusal(const InputSpec& input, const CacheSettings& cache) {
  return test::errorMessage([&] { requireMatchingCrops(input, cache, "the model tower.siamese"); });
}

TEST(CropMatch, TheCropsAModelExpectsPass) {
  const InputSpec tower = towerInput();
  EXPECT_NO_THROW(requireMatchingCrops(tower, cacheFor(tower), "the model"));

  CacheSettings otherSize = cacheFor(tower);
  otherSize.cropSize = 112;
  EXPECT_NO_THROW(requireMatchingCrops(tower, otherSize, "the model")) << "crops are resized to the network's input";

  InputSpec grey = tower;
  grey.channels = 1;
  EXPECT_NO_THROW(requireMatchingCrops(grey, cacheFor(tower), "the model")) << "colour crops are made grey";

  InputSpec digits;
  digits.alignedFaces = false;
  digits.cropSize = 28;
  EXPECT_NO_THROW(requireMatchingCrops(digits, cacheFor(digits), "the model"))
      << "whole images have no alignment or padding to differ in";
  EXPECT_EQ(cropMismatch(tower, otherSize, "the model"), "") << "nothing for a front end to advise on";
}

TEST(CropMatch, TheMismatchAloneNamesWhatDiffersForAFrontEndsOwnAdvice) {
  const InputSpec tower = towerInput();
  CacheSettings grey = cacheFor(tower);
  grey.channels = 1;
  const std::string mismatch = cropMismatch(tower, grey, "the face tower");
  EXPECT_EQ(mismatch, "the face tower was trained on colour crops, but this face cache holds grey crops");
  EXPECT_EQ(refusal(tower, grey).rfind("the model tower.siamese was trained on colour crops", 0), 0u)
      << "the CLI's refusal opens with the same words";
}

TEST(CropMatch, AlignedFacesAndWholeImagesAreRefusedEitherWay) {
  InputSpec digits;
  digits.alignedFaces = false;
  const std::string facesForDigits = refusal(digits, cacheFor(towerInput()));
  EXPECT_TRUE(test::contains(facesForDigits, "trained on whole images")) << facesForDigits;
  EXPECT_TRUE(test::contains(facesForDigits, "holds aligned faces")) << facesForDigits;
  EXPECT_TRUE(test::contains(facesForDigits, "--format")) << facesForDigits;

  const std::string digitsForFaces = refusal(towerInput(), cacheFor(digits));
  EXPECT_TRUE(test::contains(digitsForFaces, "trained on aligned faces")) << digitsForFaces;
  EXPECT_TRUE(test::contains(digitsForFaces, "holds whole images")) << digitsForFaces;
  EXPECT_TRUE(test::contains(digitsForFaces, "--align dlib-chip")) << digitsForFaces;
}

TEST(CropMatch, GreyCropsForAColourModelAreRefused) {
  CacheSettings grey = cacheFor(towerInput());
  grey.channels = 1;
  const std::string message = refusal(towerInput(), grey);
  EXPECT_TRUE(test::contains(message, "the model tower.siamese was trained on colour crops")) << message;
  EXPECT_TRUE(test::contains(message, "holds grey crops")) << message;
  EXPECT_TRUE(test::contains(message, "--colour")) << message;
  EXPECT_FALSE(test::contains(message, "padding 0.25,")) << "only what differs is named: " << message;
}

TEST(CropMatch, AnotherAlignmentIsRefused) {
  CacheSettings templateCrops = cacheFor(towerInput());
  templateCrops.alignment = "template";
  const std::string message = refusal(towerInput(), templateCrops);
  EXPECT_TRUE(test::contains(message, "trained on dlib-chip crops")) << message;
  EXPECT_TRUE(test::contains(message, "holds template crops")) << message;
  EXPECT_TRUE(test::contains(message, "--align dlib-chip")) << message;
}

TEST(CropMatch, AnotherPaddingIsRefused) {
  CacheSettings tight = cacheFor(towerInput());
  tight.padding = 0.1f;
  const std::string message = refusal(towerInput(), tight);
  EXPECT_TRUE(test::contains(message, "crops with padding 0.25")) << message;
  EXPECT_TRUE(test::contains(message, "crops with padding 0.1")) << message;
  EXPECT_TRUE(test::contains(message, "--padding 0.25'")) << message;
}

TEST(CropMatch, EveryDifferenceIsNamedWithTheWholeCommand) {
  CacheSettings defaults;  // siamese prepare's defaults: grey template crops, 112 px, padding 0.1
  const std::string message = refusal(towerInput(), defaults);
  EXPECT_TRUE(test::contains(message, "trained on colour dlib-chip crops with padding 0.25")) << message;
  EXPECT_TRUE(test::contains(message, "holds grey template crops with padding 0.1")) << message;
  EXPECT_TRUE(test::contains(message, "'siamese prepare --colour --align dlib-chip --crop 150 --padding 0.25'"))
      << message;
}

}  // namespace
}  // namespace siamese
