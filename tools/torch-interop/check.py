import json, struct, torch, torch.nn as nn
DT = {"F32": torch.float32, "I64": torch.int64}
def load(path):
    b = open(path, "rb").read(); n = struct.unpack("<Q", b[:8])[0]; h = json.loads(b[8:8+n]); base = 8 + n; out = {}
    for k, v in h.items():
        if k == "__metadata__": continue
        s, e = v["data_offsets"]
        out[k] = torch.frombuffer(bytearray(b[base+s:base+e]), dtype=DT[v["dtype"]]).reshape(v["shape"]).clone()
    return out, h
def save(path, sd):  # minimal writer following the format (sorted by dtype alignment then name)
    items = sorted(sd.items(), key=lambda kv: (-kv[1].element_size(), kv[0])); hdr = {}; off = 0; data = b""
    for k, t in items:
        raw = t.contiguous().numpy().tobytes(); hdr[k] = {"dtype": {torch.float32: "F32", torch.int64: "I64"}[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        off += len(raw); data += raw
    hj = json.dumps(hdr, separators=(",", ":")).encode(); hj += b" " * ((8 - len(hj) % 8) % 8)
    open(path, "wb").write(struct.pack("<Q", len(hj)) + hj + data)
nz, ngf = 100, 16
net = nn.Sequential(nn.ConvTranspose2d(nz, ngf*8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf*8), nn.ReLU(True),
    nn.ConvTranspose2d(ngf*8, ngf*4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf*4), nn.ReLU(True),
    nn.ConvTranspose2d(ngf*4, 3, 4, 2, 1, bias=False), nn.Tanh())
sd, hdr = load("netG.safetensors")
print("keys", sorted(sd)[:6], "... dtypes", {v["dtype"] for k, v in hdr.items() if k != "__metadata__"})
print(net.load_state_dict(sd, strict=True))
io, _ = load("io.safetensors")
net.train(); yt = net(io["z"])
net.eval(); ye = net(io["z"])
print("torch vs jgan train-mode output max abs diff", (yt - io["y_train"]).abs().max().item())
print("torch vs jgan eval-mode output max abs diff", (ye - io["y_eval"]).abs().max().item())
save("torch_netG.safetensors", {k: v for k, v in net.state_dict().items()})
