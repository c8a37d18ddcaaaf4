#!/usr/bin/env python3
"""Training throughput of PyTorch from Python on the network and batches that
`siamese bench training` measures in our trainer, for the ratio between them.

The same layers (core/nn/Networks.cpp, core/nn/DlibResNet.cpp), the same
P x K batches of random faces copied from a uint8 store (64 px grey, or
150 px colour for the face tower), the same augmentation
(core/train/detail/Augmentation.cpp), the same batch contrastive loss
(core/nn/Losses.cpp) and Adam. The tower cases fine-tune it the usual
PyTorch way: frozen layers keep requires_grad off and run on every batch.
Random weights: they do not change what a step costs. Each step is timed in
the same four phases. Prints one JSON object. Needs Debian's python3-torch
(or, with --device cuda, a CUDA PyTorch: the store then sits in page-locked
memory, each batch moves to the GPU without blocking, and each phase mark
waits for the GPU, as our trainer's profile does).
"""
import argparse
import json
import math
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

EPSILON = 1e-12  # as kEpsilon in Losses.cpp


def convnet(channels, size, blocks=4, filters=32, convs=2, embedding=128, dropout=0.1):
    layers, inp = [], channels
    for b in range(blocks):
        out = min(256, filters << b)
        for k in range(convs):
            layers += [nn.Conv2d(inp if k == 0 else out, out, 3, padding=1, bias=False), nn.BatchNorm2d(out),
                       nn.ReLU(inplace=True)]
        layers.append(nn.MaxPool2d(2))
        inp, size = out, size // 2
    return head(layers, inp, size, embedding, dropout)


class Residual(nn.Module):
    def __init__(self, inp, out):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, out, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out)
        self.conv2 = nn.Conv2d(out, out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.shortcut = nn.Conv2d(inp, out, 1, stride=2, bias=True)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


def resnet(channels, size, blocks=4, filters=32, embedding=128, dropout=0.1):
    layers = [nn.Conv2d(channels, filters, 3, padding=1, bias=False), nn.BatchNorm2d(filters), nn.ReLU()]
    inp = filters
    for b in range(blocks):
        out = min(256, filters << b)
        layers.append(Residual(inp, out))
        inp, size = out, (size + 1) // 2
    return head(layers, inp, size, embedding, dropout)


class Embedder(nn.Module):
    def __init__(self, features, dropout, linear):
        super().__init__()
        self.features, self.dropout, self.embedding = features, dropout, linear

    def forward(self, x):
        return F.normalize(self.embedding(self.dropout(self.features(x))), dim=1)


def head(layers, channels, size, embedding, dropout):
    grid = max(1, min(4, size))
    layers += [nn.AdaptiveAvgPool2d(grid), nn.Flatten()]
    return Embedder(nn.Sequential(*layers), nn.Dropout(dropout), nn.Linear(channels * grid * grid, embedding))


# dlib's face ResNet: (in, out, down) per residual block after the 7x7 stem.
TOWER_BLOCKS = [(32, 32, False)] * 3 + [(32, 64, True)] + [(64, 64, False)] * 3 + [(64, 128, True)] + \
               [(128, 128, False)] * 2 + [(128, 256, True)] + [(256, 256, False)] * 2 + [(256, 256, True)]


def pad_to(x, channels, rows, cols):
    return F.pad(x, (0, cols - x.size(3), 0, rows - x.size(2), 0, channels - x.size(1)))


class TowerBlock(nn.Module):
    def __init__(self, inp, out, down):
        super().__init__()
        self.down = down
        self.conv1 = nn.Conv2d(inp, out, 3, stride=2 if down else 1, padding=0 if down else 1)
        self.conv2 = nn.Conv2d(out, out, 3, padding=1)

    def forward(self, x):
        y = self.conv2(F.relu(self.conv1(x)))
        shortcut = F.avg_pool2d(x, 2, 2) if self.down else x
        shape = [max(a, b) for a, b in zip(y.shape[1:], shortcut.shape[1:])]
        return F.relu(pad_to(y, *shape) + pad_to(shortcut, *shape))


class Tower(nn.Module):
    def __init__(self, projection):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 7, stride=2)
        self.blocks = nn.ModuleList([TowerBlock(*spec) for spec in TOWER_BLOCKS])
        self.fc = nn.Linear(256, 128, bias=False)
        self.projection = nn.Linear(128, 128) if projection else None

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.stem(x)), 3, 2)
        for block in self.blocks:
            x = block(x)
        x = self.fc(x.mean((2, 3)))
        if self.projection is not None:
            x = self.projection(x)
        return F.normalize(x, dim=1)


def tower_and_optimizer(last_blocks):
    """The tower fine-tuned: its last `last_blocks` blocks and final layer at 1e-4
    under a new projection at 1e-3, or (last_blocks None) all of it at 1e-4."""
    model = Tower(projection=last_blocks is not None)
    if last_blocks is None:
        return model, torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=1e-4)
    frozen = [model.stem] + list(model.blocks[:len(TOWER_BLOCKS) - last_blocks])
    for module in frozen:
        for p in module.parameters():
            p.requires_grad_(False)
    tuned = [p for p in model.parameters() if p.requires_grad and all(p is not q for q in model.projection.parameters())]
    groups = [{"params": list(model.projection.parameters()), "lr": 1e-3}, {"params": tuned, "lr": 1e-4}]
    return model, torch.optim.Adam(groups, lr=1e-3, weight_decay=1e-4)


DLIB_BGR_MEANS = torch.tensor([104.298, 117.001, 122.782]).view(1, 3, 1, 1)


def dlib_rgb(unit_range):
    """Unit-range BGR crops -> the tower's input (RGB, minus dlib's means, over 256)."""
    means = DLIB_BGR_MEANS.to(unit_range.device)
    return (((unit_range + 1) * 127.5 - means) / 256).flip(1)


def uniform(n, half_width, device="cpu"):
    return (torch.rand(n, device=device) * 2 - 1) * half_width


def grad_scaler(enabled):
    """float16's loss scaling (torch.amp.GradScaler since PyTorch 2.3, torch.cuda.amp before)."""
    if hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler("cuda", enabled=enabled)
    return torch.cuda.amp.GradScaler(enabled=enabled)


def augment(x, flip=True, rotate=8.0, scale=0.06, shift=0.04, brightness=0.15, contrast=0.15):
    d = x.device
    n = x.size(0)
    if flip:
        mirror = (torch.rand(n, device=d) < 0.5).view(n, 1, 1, 1)
        x = torch.where(mirror, x.flip(3), x)
    angle = uniform(n, rotate * math.pi / 180, d)
    zoom = 1 + uniform(n, scale, d)
    tx, ty = uniform(n, 2 * shift, d), uniform(n, 2 * shift, d)
    c, s = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([c, -s, tx], 1), torch.stack([s, c, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    mean = x.mean((1, 2, 3), keepdim=True)
    k = (1 + uniform(n, contrast, d)).view(n, 1, 1, 1)
    b = uniform(n, brightness, d).view(n, 1, 1, 1)
    return ((x - mean) * k + mean + b).clamp(-1, 1)


def batch_contrastive(e, labels, margin=1.0):
    squares = e.pow(2).sum(1, keepdim=True)
    d = torch.sqrt((squares + squares.t() - 2 * e.matmul(e.t())).clamp_min(0) + EPSILON)
    equal = labels.unsqueeze(0) == labels.unsqueeze(1)
    same = equal & ~torch.eye(labels.size(0), dtype=torch.bool, device=labels.device)
    positive = d.pow(2).masked_select(same)
    negative = torch.clamp_min(margin - d, 0).pow(2).masked_select(~equal)
    return positive.mean() + negative.mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=["convnet", "resnet", "tower-last2", "tower-all"], default="convnet")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--people", type=int, default=16)
    parser.add_argument("--photos", type=int, default=4)
    parser.add_argument("--channels-last", action="store_true", help="weights and batches in channels-last layout")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--precision", choices=["float32", "bfloat16", "float16"], default="float32",
                        help="the forward pass under autocast in 16 bits (float16: CUDA only, with loss scaling)")
    parser.add_argument("--trace", help="write the profiler's table of the timed steps' operators to this file")
    args = parser.parse_args()

    if args.precision == "float16" and args.device != "cuda":
        parser.error("float16 training is for a GPU: add --device cuda")
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("no CUDA device is available to this PyTorch")
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    torch.manual_seed(1)
    random.seed(1)
    tower = args.arch.startswith("tower")
    size, channels, people, photos = (150, 3, 40, 8) if tower else (64, 1, 40, 8)
    store = torch.randint(0, 256, (people * photos, size, size, channels), dtype=torch.uint8)
    if cuda:
        store = store.pin_memory()
    if tower:
        model, optimizer = tower_and_optimizer(2 if args.arch == "tower-last2" else None)
    else:
        model = (convnet if args.arch == "convnet" else resnet)(1, size)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    model.to(device)
    model.train()
    low_precision = args.precision != "float32"
    half = torch.float16 if args.precision == "float16" else torch.bfloat16
    scaler = grad_scaler(args.precision == "float16") if cuda else None
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)

    phases = {"data": 0.0, "forward": 0.0, "backward": 0.0, "optimizer": 0.0}
    images = 0
    profiler = None
    for step in range(args.warmup + args.steps):
        timed = step >= args.warmup
        if timed and args.trace and profiler is None:
            profiler = torch.autograd.profiler.profile()
            profiler.__enter__()
        last = time.perf_counter()

        def mark(phase):
            nonlocal last
            if cuda:
                torch.cuda.synchronize()
            now = time.perf_counter()
            if timed:
                phases[phase] += (now - last) * 1000
            last = now

        optimizer.zero_grad()
        mark("optimizer")
        chosen = random.sample(range(people), args.people)
        faces = [p * photos + k for p in chosen for k in random.sample(range(photos), args.photos)]
        labels = torch.tensor([i for i in range(args.people) for _ in range(args.photos)]).to(device)
        picked = store[faces].pin_memory() if cuda else store[faces]
        x = picked.to(device, non_blocking=True).permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0)
        x = augment(x)
        if tower:
            x = dlib_rgb(x)
        if args.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        mark("data")
        with torch.autocast(device.type, dtype=half, enabled=low_precision):
            embeddings = model(x)
        loss = batch_contrastive(embeddings.float(), labels)
        mark("forward")
        (scaler.scale(loss) if scaler else loss).backward()
        mark("backward")
        if scaler:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        mark("optimizer")
        loss.item()
        if timed:
            images += len(faces)

    if profiler is not None:
        profiler.__exit__(None, None, None)
        with open(args.trace, "w") as out:
            out.write(profiler.key_averages().table(sort_by="self_cpu_time_total", row_limit=40))
    total = sum(phases.values())
    print(json.dumps({
        "arch": args.arch, "threads": args.threads, "device": args.device, "precision": args.precision, "steps": args.steps, "images": images,
        "images_per_second": images / (total / 1000), "ms_per_step": total / args.steps,
        "data_ms": phases["data"] / args.steps, "forward_ms": phases["forward"] / args.steps,
        "backward_ms": phases["backward"] / args.steps, "optimizer_ms": phases["optimizer"] / args.steps,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
