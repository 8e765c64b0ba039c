"""The app's UNet (src/ml/unet) in PyTorch: the same layers, the same parameter count, the same
numbers for the same weights. Its state-dict keys and tensor layouts are the export format's
(src/ml/torch-export.ts maps the app's names onto them)."""

import math

import torch
import torch.nn.functional as F
from torch import nn

PRESETS = {
    "micro": {"channels": [8, 16, 32], "emb": 32, "groups": 4},
    "tiny": {"channels": [16, 32, 40], "emb": 64, "groups": 8},
    "small": {"channels": [32, 64, 64], "emb": 128, "groups": 8},
}
NULL_LABEL = 10
GN_EPS = 1e-5


class SameConv2d(nn.Conv2d):
    """A 3x3 (or 1x1) conv with TF 'same' padding: stride 2 on an even size pads 0 before and 1
    after, where PyTorch's symmetric padding would shift the grid by one pixel."""

    def __init__(self, cin, cout, k=3, stride=1):
        super().__init__(cin, cout, k, stride=stride, padding=k // 2 if stride == 1 else 0)

    def forward(self, x):
        if self.stride[0] == 2:
            x = F.pad(x, (0, 1, 0, 1))
        return super().forward(x)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=GN_EPS)
        self.conv1 = SameConv2d(cin, cout)
        self.emb = nn.Linear(emb, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps=GN_EPS)
        self.conv2 = SameConv2d(cout, cout)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb_act):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(emb_act)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    def __init__(self, c, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, eps=GN_EPS)
        self.qkv = nn.Linear(c, 3 * c)
        self.out = nn.Linear(c, c)

    def forward(self, x):
        b, c, h, w = x.shape
        tokens = self.norm(x).flatten(2).transpose(1, 2)
        q, k, v = self.qkv(tokens).chunk(3, dim=2)
        scores = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c), dim=-1)
        out = self.out(scores @ v).transpose(1, 2).reshape(b, c, h, w)
        return x + out


class UNet(nn.Module):
    """src/ml/unet/layout.ts: 28 -> 14 -> 7, `blocks_per_level` res blocks per level down, one more
    up, attention in the middle. Input x [B, 1, H, W], t [B] (0..T-1), label [B] (0..9, 10 = none);
    output the model's prediction (epsilon, v or x0, whatever it was trained for)."""

    def __init__(self, channels, emb, groups, blocks_per_level=1, attention=True):
        super().__init__()
        c0 = channels[0]
        self.c0 = c0
        self.fc1 = nn.Linear(c0, emb)
        self.fc2 = nn.Linear(emb, emb)
        self.table = nn.Parameter(torch.randn(NULL_LABEL + 1, emb) * 0.02)
        self.conv_in = SameConv2d(1, c0)
        ch, skips = c0, [c0]
        self.down = nn.ModuleList()
        last = len(channels) - 1
        for level, cout in enumerate(channels):
            blocks = nn.ModuleList()
            for _ in range(blocks_per_level):
                blocks.append(ResBlock(ch, cout, emb, groups))
                ch = cout
                skips.append(ch)
            resample = None
            if level < last:
                resample = SameConv2d(ch, ch, stride=2)
                skips.append(ch)
            self.down.append(nn.ModuleDict({"res": blocks, **({"resample": resample} if resample else {})}))
        self.mid0 = ResBlock(ch, ch, emb, groups)
        self.attn = Attention(ch, groups) if attention else None
        self.mid1 = ResBlock(ch, ch, emb, groups)
        self.up = nn.ModuleList()
        for level in range(last, -1, -1):
            cout = channels[level]
            blocks = nn.ModuleList()
            for _ in range(blocks_per_level + 1):
                blocks.append(ResBlock(ch + skips.pop(), cout, emb, groups))
                ch = cout
            resample = SameConv2d(ch, ch) if level > 0 else None
            self.up.append(nn.ModuleDict({"res": blocks, **({"resample": resample} if resample else {})}))
        assert not skips
        self.out_norm = nn.GroupNorm(groups, c0, eps=GN_EPS)
        self.out_conv = SameConv2d(c0, 1)
        half = c0 // 2
        # Frequencies in float64, then float32, as the app computes them: only t*f is rounded in
        # float32, so embeddings of t up to 999 agree to the last bits.
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float64) / half)
        self.register_buffer("freqs", freqs.float(), persistent=False)

    @classmethod
    def from_config(cls, unet):
        """From the export's `unet` object (config.json)."""
        return cls(
            unet["channels"],
            unet["timeEmbedDim"],
            unet["groups"],
            unet.get("blocksPerLevel", 1),
            unet.get("attention", True),
        )

    def embed(self, t, label):
        args = t.float()[:, None] * self.freqs[None]
        sinusoid = torch.cat([torch.cos(args), torch.sin(args)], dim=1)
        temb = self.fc2(F.silu(self.fc1(sinusoid)))
        return F.silu(temb + self.table[label])

    def forward(self, x, t, label):
        emb_act = self.embed(t, label)
        h = self.conv_in(x)
        skips = [h]
        for level in self.down:
            for block in level["res"]:
                h = block(h, emb_act)
                skips.append(h)
            if "resample" in level:
                h = level["resample"](h)
                skips.append(h)
        h = self.mid0(h, emb_act)
        if self.attn is not None:
            h = self.attn(h)
        h = self.mid1(h, emb_act)
        for level in self.up:
            for block in level["res"]:
                h = block(torch.cat([h, skips.pop()], dim=1), emb_act)
            if "resample" in level:
                h = level["resample"](F.interpolate(h, scale_factor=2, mode="nearest"))
        return self.out_conv(F.silu(self.out_norm(h)))


@torch.no_grad()
def init_like_tfjs(model):
    """src/ml/unet/params.ts: LeCun-normal weights N(0, 1/fan_in), zero biases, GroupNorm 1/0, the
    label table N(0, 1), and zeros in each residual branch's last conv, the attention output and
    the output conv (every block starts as the identity). PyTorch's defaults train the class
    conditioning far more slowly (its label table here starts at N(0, 0.02^2))."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            m.weight.normal_(0, 1 / math.sqrt(fan_in))
            m.bias.zero_()
        elif isinstance(m, nn.GroupNorm):
            m.weight.fill_(1)
            m.bias.zero_()
    model.table.normal_(0, 1)
    for m in model.modules():
        if isinstance(m, ResBlock):
            m.conv2.weight.zero_()
        elif isinstance(m, Attention):
            m.out.weight.zero_()
    model.out_conv.weight.zero_()
