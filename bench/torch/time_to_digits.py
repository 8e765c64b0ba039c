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
import json
import math
import os
import time

import numpy as np
import torch

from unet_step import PRESETS, UNet
from diffusion_playground.data import load_train_digits
from diffusion_playground.sampling import sample as reverse_process
from diffusion_playground.schedule import learning_rate, schedule_from_settings
from diffusion_playground.train import make_step, update
from diffusion_playground.unet import init_like_tfjs

SAMPLES = 100
DDIM_STEPS = 20
GUIDANCE = 2.0


def sample(model, ab, prediction, seed):
    """src/ml/sample.ts: DDIM trailing, eta 0, guidance on the model output, no clipping."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(SAMPLES) % 10
    x = torch.randn(SAMPLES, 1, 28, 28, generator=g)
    x = reverse_process(
        model, ab, x, labels, steps=DDIM_STEPS, spacing="trailing", prediction=prediction, guidance=GUIDANCE, clip=False
    )
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
    ab64 = schedule_from_settings(s)
    loss_of = make_step(model, s, ab64, "cpu")
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
            digits = sample(ema_model, ab64, s["prediction"], 10_000)
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
        loss = loss_of(x_train[ids], y_train[ids])
        update(opt, params, ema, loss, s, step)
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
