"""PyTorch twin of the time-to-digits bench (bench/time-to-digits.ts): trains the same UNet
(unet_step.py) with the same recipe on the CPU and, every K seconds of training (clock stopped
meanwhile), writes 100 class-conditional DDIM-20 (trailing, eta 0) guidance-2 samples from the EMA
weights as raw float32 [100*784] in [-1, 1], digits 0-9 in turn. The Node side scores them with
the shipped classifier, so both runs are judged identically.

The recipe is the app's TrainSettings as JSON (the bench passes the one it trained with): preset,
batch, peak lr with linear warmup then half a cosine to 5% of peak at totalSteps, gradient-norm
clip, noise schedule and T, prediction target, min-SNR-gamma weighting, EMA decay with the warmup
min(decay, k / (k + 9)), 10% label dropout. Data: public/data/mnist.bin with the app's split
(every 10th digit of each class held out), and tfjs' initialisation (init_like_tfjs). Random
draws differ from tfjs': same recipe, not the same run.

Usage: python3 bench/torch/time_to_digits.py --recipe JSON --seconds N --every K --out DIR
       [--threads N] [--at-steps 500,1000,1500]
"""

import argparse
import gzip
import json
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F

from unet_step import NULL_LABEL, PRESETS, Attention, ResBlock, UNet

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SAMPLES = 100
DDIM_STEPS = 20
GUIDANCE = 2.0


@torch.no_grad()
def init_like_tfjs(model):
    """src/ml/unet/params.ts: LeCun-normal weights N(0, 1/fan_in), zero biases, GroupNorm 1/0, the
    label table N(0, 1), and zeros in each residual branch's last conv, the attention output and
    the output conv (every block starts as the identity). PyTorch's defaults train the class
    conditioning far more slowly (its label table here starts at N(0, 0.02^2))."""
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            fan_in = m.weight[0].numel()
            m.weight.normal_(0, 1 / math.sqrt(fan_in))
            m.bias.zero_()
        elif isinstance(m, torch.nn.GroupNorm):
            m.weight.fill_(1)
            m.bias.zero_()
    model.table.normal_(0, 1)
    for m in model.modules():
        if isinstance(m, ResBlock):
            m.conv2.weight.zero_()
        elif isinstance(m, Attention):
            m.out.weight.zero_()
    model.out_conv.weight.zero_()


def load_train_digits():
    raw = gzip.decompress(open(os.path.join(ROOT, "public", "data", "mnist.bin"), "rb").read())
    assert raw[:4] == b"DPMN", "not the app's MNIST file"
    count, rows, cols = struct.unpack_from("<IHH", raw, 8)
    labels = np.frombuffer(raw, np.uint8, count, 16)
    pixels = np.frombuffer(raw, np.uint8, count * rows * cols, 16 + count).reshape(count, 1, rows, cols)
    train = []
    for c in range(10):
        ids = np.nonzero(labels == c)[0]
        train.extend(i for k, i in enumerate(ids) if k % 10 != 9)
    train = np.array(sorted(train))
    x = torch.from_numpy(pixels[train].astype(np.float32) / 255 * 2 - 1)
    return x, torch.from_numpy(labels[train].astype(np.int64))


def alphas_cumprod(kind, T):
    """src/ml/schedule.ts, float64."""
    if kind == "linear":
        betas = np.linspace(1e-4, 0.02, T)
    elif kind == "scaled-linear":
        betas = np.linspace(math.sqrt(1e-4), math.sqrt(0.02), T) ** 2
    elif kind == "sigmoid":
        betas = 1 / (1 + np.exp(-np.linspace(-6, 6, T))) * (0.02 - 1e-4) + 1e-4
    elif kind == "cosine":
        f = lambda u: math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = np.array([min(1 - f((i + 1) / T) / f(i / T), 0.999) for i in range(T)])
    else:
        raise ValueError(kind)
    return np.cumprod(1 - betas)


def learning_rate(step, peak, warmup, total):
    """src/ml/train/lr.ts with floor 5% of peak (from-settings.ts)."""
    floor = peak * 0.05
    if step < warmup:
        return peak * step / warmup
    span = total - warmup
    if span <= 0:
        return peak if step == warmup else floor
    p = min((step - warmup) / span, 1)
    return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * p))


def target_and_weight(prediction, x0, eps, sa, s1, snr, gamma):
    if prediction == "epsilon":
        target = eps
    elif prediction == "v":
        target = sa * eps - s1 * x0
    else:
        target = x0
    if gamma <= 0:
        return target, None
    clipped = torch.clamp(snr, max=gamma)
    w = {"epsilon": clipped / snr, "v": clipped / (snr + 1), "x0": clipped}[prediction]
    return target, w


@torch.no_grad()
def sample(model, ab, T, prediction, seed):
    """src/ml/sample.ts: DDIM trailing, eta 0, guidance on the model output, no clipping."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(SAMPLES) % 10
    x = torch.randn(SAMPLES, 1, 28, 28, generator=g)
    n = DDIM_STEPS
    ts = [round(T - i * T / n) - 1 for i in range(n)]
    both_labels = torch.cat([labels, torch.full_like(labels, NULL_LABEL)])
    for t in ts:
        prev = t - T // n
        a = float(ab[t])
        a_prev = float(ab[prev]) if prev >= 0 else 1.0
        out = model(torch.cat([x, x]), torch.full((2 * SAMPLES,), t), both_labels)
        cond, uncond = out.chunk(2)
        out = uncond + GUIDANCE * (cond - uncond)
        sa, s1 = math.sqrt(a), math.sqrt(1 - a)
        if prediction == "epsilon":
            eps = out
            x0 = (x - s1 * eps) / sa
        elif prediction == "v":
            x0 = sa * x - s1 * out
            eps = sa * out + s1 * x
        else:
            x0 = out
            eps = (x - sa * x0) / s1
        x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps
    # NHWC, as the classifier reads it (one channel: the same bytes as NCHW).
    return x.permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipe", required=True, help="TrainSettings as JSON")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--every", type=float, default=30)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--at-steps", help="write samples at these update counts instead (a sweep)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    s = json.loads(args.recipe)
    torch.manual_seed(s.get("seed", 1))
    cfg = PRESETS[s["preset"]]
    model = UNet(cfg["channels"], cfg["emb"], cfg["groups"])
    init_like_tfjs(model)
    params = list(model.parameters())
    ema_model = UNet(cfg["channels"], cfg["emb"], cfg["groups"])
    ema_model.load_state_dict(model.state_dict())
    ema = list(ema_model.parameters())
    opt = torch.optim.Adam(params, lr=s["learningRate"])
    T = s["schedule"]["T"]
    ab64 = alphas_cumprod(s["schedule"]["kind"], T)
    ab = torch.from_numpy(ab64).float()
    snr_all = torch.from_numpy(ab64 / (1 - ab64)).float()
    gamma = s.get("snrGamma", 5) if s.get("lossWeighting") == "min-snr" else 0
    batch, total, warmup = s["batchSize"], s["totalSteps"], min(s["warmupSteps"], s["totalSteps"])
    x_train, y_train = load_train_digits()
    load1 = lambda: os.getloadavg()[0]
    print(
        f"PyTorch {torch.__version__} twin: {torch.get_num_threads()} threads, "
        f"{sum(p.numel() for p in params)} params, load {load1():.2f}",
        flush=True,
    )
    at_steps = sorted(int(a) for a in args.at_steps.split(",")) if args.at_steps else None
    points, train_s, next_at, step = [], 0.0, args.every, 0
    loss_sum, loss_n = 0.0, 0
    while True:
        done = step >= total or (step >= at_steps[-1] if at_steps else train_s >= args.seconds)
        due = step in at_steps if at_steps else train_s >= next_at
        if due or done:
            ema_model.eval()
            digits = sample(ema_model, ab64, T, s["prediction"], 10_000)
            name = f"step{step:06d}.f32"
            digits.tofile(os.path.join(args.out, name))
            loss = loss_sum / loss_n if loss_n else float("nan")
            points.append({"trainS": train_s, "steps": step, "loss": loss, "file": name, "load1": load1()})
            print(f"  torch {train_s:5.0f} s  step {step:5d}  loss {loss:.4f}  load {load1():.2f}", flush=True)
            loss_sum, loss_n = 0.0, 0
            next_at = max(next_at + args.every, math.ceil(train_s / args.every) * args.every)
            if done:
                break
        t0 = time.perf_counter()
        step += 1
        lr = learning_rate(step, s["learningRate"], warmup, total)
        for group in opt.param_groups:
            group["lr"] = lr
        ids = torch.randint(0, len(x_train), (batch,))
        x0, labels = x_train[ids], y_train[ids]
        labels = torch.where(torch.rand(batch) < 0.1, torch.full_like(labels, NULL_LABEL), labels)
        t = torch.randint(0, T, (batch,))
        eps = torch.randn_like(x0)
        sa = ab[t].sqrt()[:, None, None, None]
        s1 = (1 - ab[t]).sqrt()[:, None, None, None]
        target, w = target_and_weight(s["prediction"], x0, eps, sa, s1, snr_all[t], gamma)
        per_sample = ((model(sa * x0 + s1 * eps, t, labels) - target) ** 2).mean(dim=(1, 2, 3))
        loss = (per_sample * w).mean() if w is not None else per_sample.mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if s.get("clipNorm", 1) > 0:
            torch.nn.utils.clip_grad_norm_(params, s.get("clipNorm", 1))
        opt.step()
        with torch.no_grad():
            # src/ml/train/ema.ts: the first update copies, then min(decay, k / (k + 9)).
            d = 0.0 if step <= 1 else min(s["emaDecay"], step / (step + 9))
            torch._foreach_mul_(ema, d)
            torch._foreach_add_(ema, params, alpha=1 - d)
        loss_sum += loss.item()
        loss_n += 1
        train_s += time.perf_counter() - t0
    manifest = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "params": sum(p.numel() for p in params),
        "settings": s,
        "points": points,
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f)


if __name__ == "__main__":
    main()
