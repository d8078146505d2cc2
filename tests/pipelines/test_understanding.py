"""The shared prompt-understanding module: clauses, embedding matches, on-disk cache, keyword fallback."""

import subprocess
import sys

import pytest

from pipelines import understanding as u

VOCAB = {
    "glass_break": ["glass breaking", "a window shatters"],
    "rain": ["rain falling", "a rainstorm"],
    "dog": ["a dog barking"],
    "door_knock": ["knocking on a door"],
}


def test_split_clauses_separates_layered_sounds():
    assert u.split_clauses("rain with distant thunder and a dog barking") == [
        "rain",
        "distant thunder",
        "a dog barking",
    ]
    assert u.split_clauses("rock and roll, then a door slams") == ["rock and roll", "a door slams"]
    assert u.split_clauses("  ,, ") == []


def test_importing_the_module_does_not_import_torch():
    code = "import sys, pipelines.understanding; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_embedding_match_understands_paraphrases(tmp_path):
    index = u.ConceptIndex(VOCAB, cache_dir=tmp_path)
    if index.method != "embedding":
        pytest.fail(f"the bundled model did not load: {u.embedder_status()}")
    assert index.match("a pane of glass breaking")[0][0] == "glass_break"
    assert index.match("a heavy downpour")[0][0] == "rain"
    assert index.match("someone raps at the door")[0][0] == "door_knock"
    top = index.match("a pane of glass breaking", top_k=2)
    assert len(top) == 2 and top[0][1] > top[1][1] and -1.0 <= top[1][1] <= 1.0
    assert top.method == "embedding" and top.note == ""


def test_vocabulary_embeddings_are_cached_on_disk_and_reused(tmp_path):
    first = u.ConceptIndex(VOCAB, cache_dir=tmp_path)
    first.match("rain")
    files = list(tmp_path.glob("concepts-*.npy"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    second = u.ConceptIndex(VOCAB, cache_dir=tmp_path)
    assert second.match("a dog barking") == first.match("a dog barking")
    assert files[0].stat().st_mtime_ns == stamp  # read, not rewritten
    u.ConceptIndex({**VOCAB, "cat": ["a cat meowing"]}, cache_dir=tmp_path).match("meow")
    assert len(list(tmp_path.glob("concepts-*.npy"))) == 2  # a changed vocabulary gets its own file


def test_keyword_fallback_is_labelled_and_still_matches(tmp_path):
    index = u.ConceptIndex(VOCAB, cache_dir=tmp_path, use_model=False)
    matches = index.match("the window shatters")
    assert matches[0][0] == "glass_break" and matches.method == "keywords"
    assert "keyword" in matches.note
    assert not list(tmp_path.iterdir())


def test_unloadable_model_falls_back_to_keywords_without_crashing(monkeypatch):
    monkeypatch.setattr(u, "_state", {})
    monkeypatch.setattr(u, "model_path", lambda: u.Path("/nonexistent/model"))
    index = u.ConceptIndex(VOCAB)
    matches = index.match("a dog barking")
    assert matches[0][0] == "dog" and matches.method == "keywords"
    assert "unavailable" in matches.note
