"""Training as the app trains (src/ml/train/step.ts, from-settings.ts): uniform t, 10 % label
dropout, the prediction target of the model's settings with optional min-SNR-γ weights, gradient
norm clipping, Adam with warmup + cosine learning rate, EMA with diffusers' warmup. Plain PyTorch on
any device; under torchrun (WORLD_SIZE > 1) DistributedDataParallel, each process drawing its
own batches, rank 0 keeping the EMA and writing the file. Random draws are PyTorch's, not the
app's: the same recipe, not the same run."""

import math
import os
import time

import torch
import torch.nn.functional as F

from .schedule import learning_rate, schedule_from_settings
from .unet import NULL_LABEL

LABEL_DROPOUT = 0.1


def target_and_weight(prediction, x0, eps, sa, s1, snr, gamma):
    if prediction == "epsilon":
        target = eps
    elif prediction == "v":
        target = sa * eps - s1 * x0
    elif prediction == "x0":
        target = x0
    elif prediction == "flow":
        # Flow matching (src/ml/flow-matching.ts): the velocity of x_τ = (1−τ)x0 + τε, with
        # sa = 1 − τ and s1 = τ; min-SNR-γ weighs it min((1−τ)², γτ²), min(SNR, γ) in x0 terms.
        target = eps - x0
        tau = s1.flatten()
        return target, (torch.minimum((1 - tau) ** 2, gamma * tau**2) if gamma > 0 else None)
    else:
        raise ValueError(f"unknown prediction {prediction!r}")
    if gamma <= 0:
        return target, None
    clipped = torch.clamp(snr, max=gamma)
    if prediction == "epsilon":
        # 1 below γ, also at SNR 0 (zero terminal SNR) where the quotient would be 0/0.
        w = torch.where(snr < gamma, torch.ones_like(snr), clipped / snr)
    else:
        w = clipped / (snr + 1) if prediction == "v" else clipped
    return target, w


def ema_decay(k, decay):
    """src/ml/train/ema.ts: 0 on the first update, then min(decay, k / (k + 9))."""
    return 0.0 if k <= 1 else min(decay, k / (k + 9))


def update(opt, params, ema, loss, settings, ema_step):
    """One optimiser update from `loss`: backward, clip, Adam, then the EMA (as the app's step)."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if settings.get("clipNorm", 1) > 0:
        torch.nn.utils.clip_grad_norm_(params, settings.get("clipNorm", 1))
    opt.step()
    with torch.no_grad():
        d = ema_decay(ema_step, settings["emaDecay"])
        torch._foreach_mul_(ema, d)
        torch._foreach_add_(ema, params, alpha=1 - d)


def distributed():
    """(rank, world size, device) under torchrun, after init_process_group; (0, 1, None) otherwise."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1, None
    import torch.distributed as dist

    local = int(os.environ.get("LOCAL_RANK", "0"))
    if torch.cuda.is_available():
        torch.cuda.set_device(local)
        device = f"cuda:{local}"
    else:
        device = "cpu"
    dist.init_process_group("nccl" if device.startswith("cuda") else "gloo")
    return dist.get_rank(), world, device


def make_step(model, settings, alphas_cumprod, device):
    """loss(x0, labels) for one batch: noises it and returns the (weighted) mean loss."""
    ab = torch.from_numpy(alphas_cumprod).float().to(device)
    snr_all = torch.from_numpy(alphas_cumprod / (1 - alphas_cumprod)).float().to(device)
    gamma = settings.get("snrGamma", 5) if settings.get("lossWeighting") == "min-snr" else 0
    T = len(alphas_cumprod)

    def loss_of(x0, labels):
        b = x0.shape[0]
        labels = torch.where(
            torch.rand(b, device=device) < LABEL_DROPOUT, torch.full_like(labels, NULL_LABEL), labels
        )
        t = torch.randint(0, T, (b,), device=device)
        eps = torch.randn_like(x0)
        if settings["prediction"] == "flow":
            # Step t of T is flow time τ = (t + 1)/T; the schedule's ᾱ is not used.
            tau = ((t + 1).double() / T).float()
            sa, s1 = (1 - tau)[:, None, None, None], tau[:, None, None, None]
        else:
            sa = ab[t].sqrt()[:, None, None, None]
            s1 = (1 - ab[t]).sqrt()[:, None, None, None]
        target, w = target_and_weight(settings["prediction"], x0, eps, sa, s1, snr_all[t], gamma)
        per_sample = ((model(sa * x0 + s1 * eps, t, labels) - target) ** 2).mean(dim=(1, 2, 3))
        return (per_sample * w).mean() if w is not None else per_sample.mean()

    return loss_of


def train(ckpt, digits, *, steps, device="cpu", batch=None, seed=None, log=print, log_every=50):
    """Trains `ckpt` (a checkpoint.Checkpoint) for `steps` more updates on `digits` (x, labels),
    in place: weights, EMA, Adam moments, step counts and loss history. The learning-rate schedule
    runs to the new last step (settings.totalSteps grows as "Train more" does in the app)."""
    rank, world, ddp_device = distributed()
    device = ddp_device or device
    settings = dict(ckpt.settings)
    meta = ckpt.config["model"]
    start = meta["step"]
    total = max(settings["totalSteps"], start + steps)
    settings["totalSteps"] = total
    batch = batch or settings["batchSize"]
    torch.manual_seed((seed if seed is not None else settings.get("seed", 1)) * 1000 + start + rank)
    ckpt.to(device)
    model = ckpt.model.train()
    params = list(model.parameters())
    keys = [k for k, _ in model.named_parameters()]
    opt = torch.optim.Adam(params, lr=settings["learningRate"])
    if ckpt.adam:
        moment_steps = meta.get("momentSteps", start)
        for key, p in zip(keys, params):
            opt.state[p] = {
                "step": torch.tensor(float(moment_steps)),
                "exp_avg": ckpt.adam["exp_avg"][key].to(device).clone(),
                "exp_avg_sq": ckpt.adam["exp_avg_sq"][key].to(device).clone(),
            }
    net = model
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel

        net = DistributedDataParallel(model, device_ids=[device] if device.startswith("cuda") else None)
    loss_of = make_step(net, settings, schedule_from_settings(settings), device)
    ema = list(ckpt.ema.parameters())
    ema_updates = meta["emaUpdates"]
    x_all, y_all = digits
    x_all, y_all = x_all.to(device), y_all.to(device)
    history = meta["history"]
    warmup = min(settings["warmupSteps"], total)
    t0, recent = time.perf_counter(), []
    for step in range(start + 1, start + steps + 1):
        lr = learning_rate(step, settings["learningRate"], warmup, total)
        for group in opt.param_groups:
            group["lr"] = lr
        ids = torch.randint(0, len(x_all), (batch,), device=device)
        loss = loss_of(x_all[ids], y_all[ids])
        ema_updates += 1
        update(opt, params, ema, loss, settings, ema_updates)
        value = loss.item()
        history["steps"].append(step)
        history["losses"].append(value if math.isfinite(value) else None)
        recent.append(value)
        if rank == 0 and (step % log_every == 0 or step == start + steps):
            rate = (step - start) / (time.perf_counter() - t0)
            log(f"step {step}  loss {sum(recent) / len(recent):.4f}  lr {lr:.2e}  {rate:.1f} steps/s")
            recent = []
    meta.update(step=start + steps, emaUpdates=ema_updates, settings=settings, history=history)
    meta.pop("momentSteps", None)
    ckpt.adam = {
        "exp_avg": {k: opt.state[p]["exp_avg"].detach() for k, p in zip(keys, params)},
        "exp_avg_sq": {k: opt.state[p]["exp_avg_sq"].detach() for k, p in zip(keys, params)},
    }
    moment_steps = int(opt.state[params[0]]["step"])
    if moment_steps != meta["step"]:
        meta["momentSteps"] = moment_steps
    return rank
