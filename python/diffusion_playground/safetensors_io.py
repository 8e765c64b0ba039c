"""The safetensors format (https://github.com/huggingface/safetensors), read and written by hand so
the package needs nothing beside PyTorch and NumPy (Debian's python3-torch has no safetensors
package): an 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape,
data_offsets: [begin, end]}, "__metadata__": {str: str}} padded with spaces to 8 bytes, then the
tensors' little-endian bytes. Files written here load with safetensors.torch.load_file and back."""

import json
import struct

import numpy as np
import torch

_DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "F16": np.dtype("<f2"), "I64": np.dtype("<i8"), "I32": np.dtype("<i4")}
_NAMES = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64", np.dtype("<f2"): "F16", np.dtype("<i8"): "I64", np.dtype("<i4"): "I32"}


def encode(tensors, metadata=None):
    """bytes of a safetensors file holding `tensors` ({name: torch.Tensor}) in the order given."""
    header, chunks, at = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        dtype = a.dtype.newbyteorder("<")
        if dtype not in _NAMES:
            raise ValueError(f"{name}: dtype {a.dtype} is not supported")
        raw = a.astype(dtype, copy=False).tobytes()
        header[name] = {"dtype": _NAMES[dtype], "shape": list(a.shape), "data_offsets": [at, at + len(raw)]}
        chunks.append(raw)
        at += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def decode(data, name="the file"):
    """({name: torch.Tensor}, metadata) from the bytes of a safetensors file."""
    if len(data) < 8:
        raise ValueError(f"{name} is not a safetensors file: too short")
    (n,) = struct.unpack_from("<Q", data, 0)
    if 8 + n > len(data):
        raise ValueError(f"{name} is not a safetensors file: its header runs past the end")
    header = json.loads(bytes(data[8 : 8 + n]).decode())
    metadata = header.pop("__metadata__", None) or {}
    tensors = {}
    for key, info in header.items():
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{name}: {key} has dtype {info['dtype']}, which this reader does not support")
        begin, end = info["data_offsets"]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if end - begin != count * dtype.itemsize or 8 + n + end > len(data):
            raise ValueError(f"{name}: {key} does not fit its shape or the file")
        a = np.frombuffer(data, dtype, count, 8 + n + begin).astype(dtype.newbyteorder("="))
        tensors[key] = torch.from_numpy(a.reshape(info["shape"]))
    return tensors, metadata
