#include "nn/detail/ModelIo.h"

#include <map>
#include <sstream>

#include "common/Error.h"
#include "nn/ModelBundle.h"
#include "nn/WeightFingerprints.h"

namespace siamese::detail {

std::vector<torch::Tensor> SiameseModel::parameters() const {
  std::vector<torch::Tensor> params = net->parameters();
  if (head) {
    const auto more = head->parameters();
    params.insert(params.end(), more.begin(), more.end());
  }
  return params;
}

void SiameseModel::train(bool on) {
  net->train(on);
  if (head) head->train(on);
}

void SiameseModel::to(const torch::Device& device) {
  net->to(device);
  if (head) head->to(device);
}

bool channelsLastTrains(const SiameseModel& model) {
  for (const torch::Tensor& p : model.net->parameters()) {
    if (p.dim() == 4 && p.size(0) < 16) return false;
  }
  return true;
}

void useChannelsLast(SiameseModel& model) {
  torch::NoGradGuard noGrad;
  for (torch::Tensor& p : model.net->parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

SiameseModel makeModel(const NetworkConfig& config, bool kochHead) {
  SiameseModel model;
  model.net = EmbeddingNet(config);
  if (kochHead) model.head = KochHead(config.embeddingSize);
  return model;
}

std::string serializeModel(const SiameseModel& model) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive netArchive;
  model.net->save(netArchive);
  archive.write("net", netArchive);
  if (model.head) {
    torch::serialize::OutputArchive headArchive;
    model.head->save(headArchive);
    archive.write("head", headArchive);
  }
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

namespace {

// Shapes of every parameter and buffer, by name.
std::map<std::string, std::vector<std::int64_t>> shapesOf(const torch::nn::Module& module, const std::string& prefix) {
  std::map<std::string, std::vector<std::int64_t>> shapes;
  for (const auto& p : module.named_parameters()) shapes[prefix + p.key()] = p.value().sizes().vec();
  for (const auto& b : module.named_buffers()) shapes[prefix + b.key()] = b.value().sizes().vec();
  return shapes;
}

std::map<std::string, std::vector<std::int64_t>> shapesOf(const SiameseModel& model) {
  auto shapes = shapesOf(*model.net, "net.");
  if (model.head) {
    const auto head = shapesOf(*model.head, "head.");
    shapes.insert(head.begin(), head.end());
  }
  return shapes;
}

}  // namespace

void deserializeModel(const std::string& bytes, SiameseModel& model) {
  // LibTorch replaces a parameter with whatever tensor the archive holds,
  // whatever its shape; compare against the architecture's own shapes.
  const auto expected = shapesOf(model);
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in, torch::kCPU);
    torch::serialize::InputArchive netArchive;
    archive.read("net", netArchive);
    model.net->load(netArchive);
    if (model.head) {
      torch::serialize::InputArchive headArchive;
      archive.read("head", headArchive);
      model.head->load(headArchive);
    }
  } catch (const c10::Error& e) {
    throw Error(std::string("the weights do not fit the model's architecture: ") + e.what_without_backtrace());
  }
  const auto loaded = shapesOf(model);
  for (const auto& [name, shape] : expected) {
    const auto it = loaded.find(name);
    if (it == loaded.end() || it->second != shape) {
      throw Error("the weights do not fit the model's architecture (" + name + " has another shape)");
    }
  }
  // LibTorch keeps the layout the weights were saved in, and the trainer
  // saves channels-last ones; whoever reads them chooses the layout, so
  // they come back plain (NCHW).
  torch::NoGradGuard noGrad;
  for (torch::Tensor& p : model.net->parameters()) {
    if (p.dim() == 4 && !p.is_contiguous()) p.set_data(p.contiguous());
  }
}

void loadPretrained(const std::string& pretrained, const NetworkConfig& pretrainedNetwork, bool pretrainedKochHead,
                    SiameseModel& model) {
  SiameseModel source = makeModel(pretrainedNetwork, pretrainedKochHead);
  deserializeModel(pretrained, source);
  const auto copyInto = [](const torch::nn::Module& from, torch::nn::Module& to, bool requireAll) {
    torch::NoGradGuard noGrad;
    const auto fromParams = from.named_parameters();
    const auto fromBuffers = from.named_buffers();
    const auto copyOne = [&](const std::string& name, torch::Tensor& target, const torch::OrderedDict<std::string, torch::Tensor>& pool) {
      const torch::Tensor* found = pool.find(name);
      if (found && found->sizes() == target.sizes()) {
        target.copy_(*found);
      } else if (requireAll && name.rfind("projection.", 0) != 0) {
        throw Error("the pretrained model has no weight " + name + " of this shape to start from");
      }
    };
    for (auto& p : to.named_parameters()) copyOne(p.key(), p.value(), fromParams);
    for (auto& b : to.named_buffers()) copyOne(b.key(), b.value(), fromBuffers);
  };
  copyInto(*source.net, *model.net, /*requireAll=*/true);
  if (source.head && model.head) copyInto(*source.head, *model.head, false);
}

torch::Tensor packedCropsToFloat(const std::uint8_t* pixels, std::size_t count, int size, int channels,
                                 const torch::Device& device) {
  const torch::Tensor bytes =
      torch::from_blob(const_cast<std::uint8_t*>(pixels), {std::int64_t(count), size, size, channels}, torch::kUInt8);
  return bytes.to(device).permute({0, 3, 1, 2}).to(torch::kFloat32);
}

namespace {

// Pixels [N, C, H, W] in 0..255 at the network's size → its input.
torch::Tensor normalizePixels(const torch::Tensor& x, const std::string& normalization) {
  if (normalization == "dlib-rgb") {
    // dlib's input_rgb_image: RGB order, minus its channel means, over 256.
    // Crops are BGR, so the means are listed blue first.
    const torch::Tensor bgrMeans =
        torch::tensor({104.298f, 117.001f, 122.782f}, x.options()).view({1, 3, 1, 1});
    return ((x - bgrMeans) / 256.0f).flip({1}).contiguous();
  }
  return x.div(127.5).sub_(1.0).contiguous();
}

}  // namespace

torch::Tensor toNetworkInput(torch::Tensor pixels, int size, int channels, const std::string& normalization) {
  return normalizePixels(conformBatch(std::move(pixels), size, channels), normalization);
}

torch::Tensor fromUnitRange(torch::Tensor unitRange, const std::string& normalization) {
  if (normalization != "dlib-rgb") return unitRange;
  return normalizePixels((unitRange + 1.0) * 127.5, normalization);
}

torch::Tensor conformBatch(torch::Tensor batch, int size, int channels) {
  if (batch.size(1) != channels) {
    // Crops are BGR like the cache: grey = 0.114 B + 0.587 G + 0.299 R.
    batch = channels == 1 ? (batch.select(1, 0) * 0.114 + batch.select(1, 1) * 0.587 + batch.select(1, 2) * 0.299)
                                .unsqueeze(1)
                          : batch.expand({-1, 3, -1, -1});
  }
  if (batch.size(2) != size || batch.size(3) != size) {
    batch = torch::nn::functional::interpolate(batch, torch::nn::functional::InterpolateFuncOptions()
                                                          .size(std::vector<std::int64_t>{size, size})
                                                          .mode(torch::kBilinear)
                                                          .align_corners(false)
                                                          .antialias(batch.size(2) > size));
  }
  return batch.contiguous();
}

torch::Device chooseDevice(bool preferCuda, bool requireCuda) {
  const bool cuda = torch::cuda::is_available();
  if (requireCuda && !cuda) throw Error("CUDA was asked for, but no CUDA device is available to LibTorch");
  return (preferCuda && cuda) ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

torch::Tensor embedImages(EmbeddingNet& net, const torch::Tensor& images, bool mirrorAverage) {
  return embedImages([&net](const torch::Tensor& batch) { return net->forward(batch); }, net->config().l2Normalize,
                     images, mirrorAverage);
}

torch::Tensor embedImages(const std::function<torch::Tensor(const torch::Tensor&)>& forward, bool l2Normalize,
                          const torch::Tensor& images, bool mirrorAverage) {
  if (!mirrorAverage) return forward(images);
  const std::int64_t n = images.size(0);
  const torch::Tensor both = forward(torch::cat({images, images.flip({3})}));
  torch::Tensor mean = (both.slice(0, 0, n) + both.slice(0, n, 2 * n)) * 0.5;
  if (l2Normalize) mean = torch::nn::functional::normalize(mean, torch::nn::functional::NormalizeFuncOptions().dim(1));
  return mean;
}

}  // namespace siamese::detail

namespace siamese {

std::map<std::string, std::string> weightFingerprints(const BundleFile& bundle) {
  detail::SiameseModel model = detail::makeModel(bundle.metadata.network, bundle.metadata.distance == "koch");
  detail::deserializeModel(bundle.weights, model);
  std::map<std::string, std::string> prints;
  const auto add = [&prints](const std::string& prefix, const torch::nn::Module& module) {
    for (const auto& p : module.named_parameters()) {
      const torch::Tensor t = p.value().detach().to(torch::kCPU).contiguous();
      std::string bytes(reinterpret_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
      for (std::int64_t size : t.sizes()) bytes += ":" + std::to_string(size);
      prints[prefix + p.key()] = modelIdOf(bytes);
    }
  };
  add("net.", *model.net);
  if (model.head) add("head.", *model.head);
  return prints;
}

}  // namespace siamese
