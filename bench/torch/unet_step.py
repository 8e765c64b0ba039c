"""PyTorch reference for the training-step bench: the same UNet as src/ml/unet (micro, tiny or
small preset), the same step (uniform t, epsilon target, 10% label dropout, gradient-norm clip 1, Adam,
EMA of the weights), timed eagerly on one device. The parameter count must equal the tfjs model's
(countParams): it is printed so a run shows both nets are the same size.

Usage: python3 bench/torch/unet_step.py [--device cuda] [--batches 8,64] [--presets tiny,small]
Prints a table, or one JSON object with --json. Median ms/step over timed steps, each synced.
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

# The model is the importable package's (python/diffusion_playground); scripts/gpu-bench.sh copies
# it beside this file.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "python")]
from diffusion_playground.unet import NULL_LABEL, PRESETS, UNet  # noqa: E402


def linear_alphas_cumprod(T, device):
    betas = torch.linspace(1e-4, 0.02, T, dtype=torch.float64)
    return torch.cumprod(1 - betas, dim=0).float().to(device)


def make_step(preset, batch, device, warmup):
    """One training step of `preset` at `batch` as a function (run `warmup` times already), its
    parameters and a device sync."""
    torch.manual_seed(0)
    cfg = PRESETS[preset]
    model = UNet(cfg["channels"], cfg["emb"], cfg["groups"]).to(device)
    ema = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    alphas = linear_alphas_cumprod(1000, device)
    x0 = torch.rand(batch, 1, 28, 28, device=device) * 2 - 1
    labels = torch.arange(batch, device=device) % 10
    params = list(model.parameters())

    def step():
        t = torch.randint(0, 1000, (batch,), device=device)
        dropped = torch.rand(batch, device=device) < 0.1
        label = torch.where(dropped, torch.full_like(labels, NULL_LABEL), labels)
        eps = torch.randn_like(x0)
        ab = alphas[t][:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        loss = F.mse_loss(model(xt, t, label), eps)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        with torch.no_grad():
            # ema <- d*ema + (1-d)*p as two fused multi-tensor kernels (no _foreach_lerp_ before 2.0).
            torch._foreach_mul_(ema, 0.995)
            torch._foreach_add_(ema, params, alpha=1 - 0.995)
        return loss

    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    for _ in range(warmup):
        step()
    sync()
    return step, params, sync


def bench(preset, batch, device, steps, warmup):
    step, params, sync = make_step(preset, batch, device, warmup)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step().item()  # the tfjs step also reads its loss back once
        sync()
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "preset": preset,
        "batch": batch,
        "params": sum(p.numel() for p in params),
        "msPerStep": statistics.median(times),
        "minMs": min(times),
        "steps": steps,
    }


def print_profile(preset, batch, device, warmup, steps=3):
    """Kernel time by op over a few steps, for set beside the bench's GPU time by program."""
    from torch.profiler import ProfilerActivity, profile

    step, _, sync = make_step(preset, batch, device, warmup)
    cuda = device.startswith("cuda")
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    with profile(activities=activities) as prof:
        for _ in range(steps):
            step().item()
        sync()
    key = "self_cuda_time_total" if cuda else "self_cpu_time_total"
    print(f"PyTorch ops by {key} over {steps} steps")
    print(prof.key_averages().table(sort_by=key, row_limit=15))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batches", default="8,64")
    ap.add_argument("--presets", default="tiny,small")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--profile", action="store_true", help="print a torch.profiler table per row (no timing)")
    args = ap.parse_args()
    if args.profile:
        for p in args.presets.split(","):
            for b in args.batches.split(","):
                print(f"== {p}, batch {b}")
                print_profile(p, int(b), args.device, args.warmup)
        return
    rows = [
        bench(p, int(b), args.device, args.steps, args.warmup)
        for p in args.presets.split(",")
        for b in args.batches.split(",")
    ]
    name = torch.cuda.get_device_name() if args.device.startswith("cuda") else "cpu"
    if args.json:
        print(json.dumps({"torch": torch.__version__, "device": name, "rows": rows}))
        return
    print(f"PyTorch {torch.__version__} eager on {name}, median of {args.steps} synced steps")
    print(f"{'preset':<7}{'params':>9}{'batch':>7}{'ms/step':>10}{'steps/s':>9}{'images/s':>10}")
    for r in rows:
        ms = r["msPerStep"]
        print(f"{r['preset']:<7}{r['params']:>9}{r['batch']:>7}{ms:>10.2f}{1000 / ms:>9.1f}{r['batch'] * 1000 / ms:>10.0f}")


if __name__ == "__main__":
    main()
