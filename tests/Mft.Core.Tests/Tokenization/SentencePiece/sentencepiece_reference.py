#!/usr/bin/python3
"""The reference side of Mft's SentencePiece tests: python3-sentencepiece (Debian's package) itself.

  sentencepiece_reference.py encode MODEL        JSON list of strings on stdin -> JSON list of id lists
  sentencepiece_reference.py decode MODEL        JSON list of id lists on stdin -> JSON list of strings
  sentencepiece_reference.py train OUT_DIR       trains small models covering SentencePiece's options
"""
import json
import random
import sys

import sentencepiece as spm


def encode(model_path):
    sp = spm.SentencePieceProcessor(model_file=model_path)
    texts = json.load(sys.stdin)
    json.dump([sp.encode(t, out_type=int) for t in texts], sys.stdout)


def decode(model_path):
    sp = spm.SentencePieceProcessor(model_file=model_path)
    json.dump([sp.decode(ids) for ids in json.load(sys.stdin)], sys.stdout)


def corpus(path):
    """Seeded text with words, whitespace runs, punctuation runs, digits, accents, CJK and emoji."""
    rng = random.Random(7)
    words = ("the of and to in is was for on that with as by at from his her they this which be or had not are "
             "but were have one all their there been has when who will more no if out so said what up its about "
             "into than them can only other new some time could these two may then first any like over "
             "café naïve straße déjà über señor 日本 語 中文 字符 한국어 русский ελληνικά 🤖 🚀 🙂 ✓ ∑").split()
    punct = ["!", "!!", "!!!", "?", "...", "=====", "''", "--", "**", "#", "(", ")", ",", ".", ":", ";", "\"", "`"]
    lines = []
    for _ in range(4000):
        parts = []
        for _ in range(rng.randint(3, 14)):
            r = rng.random()
            if r < 0.70:
                parts.append(rng.choice(words))
            elif r < 0.82:
                parts.append(rng.choice(punct))
            elif r < 0.92:
                parts.append(str(rng.randint(0, 100000)))
            else:
                parts.append(" " * rng.randint(1, 5))
        lines.append(" ".join(parts))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# name -> trainer options; each covers a different part of SentencePiece's normalizer and segmentation
VARIANTS = {
    "bpe-identity-bytes": dict(model_type="bpe", vocab_size=700, byte_fallback=True, normalization_rule_name="identity",
                               add_dummy_prefix=True, remove_extra_whitespaces=False, allow_whitespace_only_pieces=True,
                               split_digits=True, user_defined_symbols=["<tool>", "@@"], control_symbols=["<ctl>"]),
    "bpe-nfkc-unk": dict(model_type="bpe", vocab_size=500, byte_fallback=False, character_coverage=0.98),
    # remove_extra_whitespaces left at SentencePiece's default (on): runs of spaces collapse, leading/trailing go
    "bpe-identity-collapse": dict(model_type="bpe", vocab_size=600, byte_fallback=True, normalization_rule_name="identity"),
    "bpe-no-prefix": dict(model_type="bpe", vocab_size=600, byte_fallback=True, normalization_rule_name="identity",
                          add_dummy_prefix=False, remove_extra_whitespaces=False),
    "unigram-identity-bytes": dict(model_type="unigram", vocab_size=700, byte_fallback=True,
                                   normalization_rule_name="identity", remove_extra_whitespaces=False,
                                   user_defined_symbols=["<tool>", "@@"]),
    "unigram-nfkc": dict(model_type="unigram", vocab_size=500, character_coverage=0.98),
    "unigram-suffix": dict(model_type="unigram", vocab_size=500, treat_whitespace_as_suffix=True,
                           normalization_rule_name="nfkc_cf"),
}


def train(out_dir):
    import os
    os.makedirs(out_dir, exist_ok=True)
    text = os.path.join(out_dir, "corpus.txt")
    corpus(text)
    for name, options in VARIANTS.items():
        spm.SentencePieceTrainer.train(input=text, model_prefix=os.path.join(out_dir, name), num_threads=1,
                                       minloglevel=2, **options)
    print(json.dumps(sorted(VARIANTS)))



if __name__ == "__main__":
    command = sys.argv[1]
    if command == "encode":
        encode(sys.argv[2])
    elif command == "decode":
        decode(sys.argv[2])
    elif command == "train":
        train(sys.argv[2])
    else:
        sys.exit(f"unknown command {command}")
