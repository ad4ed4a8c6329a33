"""Tiny randomly-initialised translation models, built on the spot for tests and benchmarks.

Nothing is downloaded: SentencePiece is trained on a small parallel corpus written here, a
Marian (OPUS-MT layout) and an NLLB-style model (M2M-100 architecture, NLLB tokenizer with
language-code tokens) are initialised with a fixed seed and saved with their tokenizer files, and
each is converted with CTranslate2's converter as ``ct2-transformers-converter`` would. The
weights are random, so the outputs are garbage, but every part that loads, tokenises, batches and
decodes is the real one.
"""

from __future__ import annotations

import io
import itertools
import json
import random
from pathlib import Path

NLLB_LANGUAGES = ["eng_Latn", "spa_Latn", "arb_Arab", "zho_Hant"]

_SUBJECTS = [
    ("The minister", "El ministro"),
    ("The president", "El presidente"),
    ("Officials", "Los funcionarios"),
    ("The central bank", "El banco central"),
    ("Rescue teams", "Los equipos de rescate"),
    ("The opposition leader", "El líder de la oposición"),
    ("Residents", "Los vecinos"),
    ("The company", "La empresa"),
    ("Police", "La policía"),
    ("The mayor", "La alcaldesa"),
    ("Farmers", "Los agricultores"),
    ("The court", "El tribunal"),
]
_VERBS = [
    ("said", "dijo"),
    ("announced", "anunció"),
    ("warned", "advirtió"),
    ("confirmed", "confirmó"),
    ("denied", "negó"),
    ("reported", "informó"),
]
_CLAUSES = [
    ("that talks would resume on Tuesday", "que las conversaciones se reanudarían el martes"),
    ("that prices rose by {n} percent", "que los precios subieron un {n} por ciento"),
    ("that {n} people were evacuated", "que {n} personas fueron evacuadas"),
    ("that the bridge [{n}] was closed", "que el puente [{n}] estaba cerrado"),
    ("that fish & chips cost <{n}> euros", "que el pescado & patatas cuesta <{n}> euros"),
    ("that the plan __{n}__ failed", "que el plan __{n}__ fracasó"),
    ("that the port; the road: both shut", "que el puerto; la carretera: ambos cerrados"),
]


def corpus(lines: int = 400, seed: int = 7) -> tuple[list[str], list[str]]:
    """Parallel English and Spanish news-like sentences (with digits, brackets, <, _, &)."""
    rng = random.Random(seed)
    combos = list(itertools.product(_SUBJECTS, _VERBS, _CLAUSES))
    rng.shuffle(combos)
    en: list[str] = []
    es: list[str] = []
    for k in range(lines):
        (s_en, s_es), (v_en, v_es), (c_en, c_es) = combos[k % len(combos)]
        n = str(rng.randint(1, 999))
        en.append(f"{s_en} {v_en} {c_en.format(n=n)}.")
        es.append(f"{s_es} {v_es} {c_es.format(n=n)}.")
    return en, es


def _train_spm(lines: list[str], vocab_size: int, model_type: str = "unigram") -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [
        sp.id_to_piece(i)
        for i in range(sp.get_piece_size())
        if not (sp.is_control(i) or sp.is_unknown(i))
    ]


def build_marian(root: Path, seed: int = 0, d_model: int = 32) -> Path:
    """A Marian model in OPUS-MT's layout: source.spm, target.spm, one shared vocab.json."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out = root / "marian-en-es"
    out.mkdir(parents=True, exist_ok=True)
    en, es = corpus()
    source, target = _train_spm(en, 200), _train_spm(es, 200)
    (out / "source.spm").write_bytes(source)
    (out / "target.spm").write_bytes(target)
    vocab = ["</s>", "<unk>", *dict.fromkeys(_pieces(source) + _pieces(target)), "<pad>"]
    (out / "vocab.json").write_text(json.dumps({tok: i for i, tok in enumerate(vocab)}))
    tokenizer = MarianTokenizer(
        source_spm=str(out / "source.spm"),
        target_spm=str(out / "target.spm"),
        vocab=str(out / "vocab.json"),
        source_lang="en",
        target_lang="es",
    )
    pad = len(vocab) - 1
    config = MarianConfig(
        vocab_size=len(vocab),
        **_tiny(d_model),
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def _tiny(d_model: int) -> dict[str, int]:
    """The dimensions both tiny transformers share: one layer each way, two heads."""
    return {
        "d_model": d_model,
        "encoder_layers": 1,
        "decoder_layers": 1,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 2 * d_model,
        "decoder_ffn_dim": 2 * d_model,
        "max_position_embeddings": 512,
    }


def build_nllb(root: Path, seed: int = 0, d_model: int = 32) -> Path:
    """An NLLB-style model: M2M-100 architecture, NLLB tokenizer on a shared SentencePiece BPE
    model, with language-code tokens for a few languages."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer
    from transformers.tokenization_utils_base import generate_merges

    out = root / "nllb-tiny"
    out.mkdir(parents=True, exist_ok=True)
    en, es = corpus()
    spm_model = _train_spm(en + es, 300, "bpe")
    (out / "sentencepiece.bpe.model").write_bytes(spm_model)
    # NLLB's layout: fairseq's four specials first, then the SentencePiece pieces in order.
    # (Built here rather than converted by transformers, which would need protobuf.)
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = {tok: i for i, tok in enumerate([*specials, *_pieces(spm_model)])}
    tokenizer = NllbTokenizer(
        vocab=vocab,
        merges=generate_merges(vocab, skip_tokens=set(specials)),
        extra_special_tokens=NLLB_LANGUAGES,
        src_lang="eng_Latn",
    )
    config = M2M100Config(
        vocab_size=len(tokenizer),
        **_tiny(d_model),
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        scale_embedding=True,
        tokenizer_class="NllbTokenizer",
    )
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config).eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def convert(model_dir: Path, output_dir: Path, copy_files: list[str]) -> Path:
    """What ``ct2-transformers-converter --model DIR --output_dir OUT --copy_files ...`` does."""
    from ctranslate2.converters import TransformersConverter

    TransformersConverter(str(model_dir), copy_files=copy_files).convert(str(output_dir))
    return output_dir


def build_all(root: Path) -> dict[str, Path]:
    """Every tiny model, unconverted and converted, under ``root``."""
    marian = build_marian(root)
    nllb = build_nllb(root)
    return {
        "marian": marian,
        "nllb": nllb,
        "marian-ct2": convert(marian, root / "marian-en-es-ct2", ["source.spm", "target.spm"]),
        "nllb-ct2": convert(nllb, root / "nllb-tiny-ct2", ["sentencepiece.bpe.model"]),
    }
