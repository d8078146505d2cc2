"""The draft sound-effect engine end to end: files, provenance, understanding, layering, modifiers,
loops, variations, determinism and bad requests."""

import math

import numpy as np
import pytest
import soundfile

from pipelines import registry
from pipelines.base import Cancelled, CancelToken, RequestError
from pipelines.sfx.request import SoundEffectRequest


@pytest.fixture(scope="module")
def engine():
    return registry.create("sfx")


def make(engine, tmp_path, **fields):
    request = SoundEffectRequest(**{"duration": 2.0, **fields})
    result = engine(request, output_dir=tmp_path)
    audio, rate = soundfile.read(result.primary.path, always_2d=True)
    return result, audio, rate


def band_energy(audio, rate, lo, hi):
    spec = np.abs(np.fft.rfft(audio.mean(axis=1))) ** 2
    freqs = np.fft.rfftfreq(len(audio), 1 / rate)
    return spec[(freqs >= lo) & (freqs < hi)].sum()


def rms_db(audio):
    return 20 * math.log10(float(np.sqrt(np.mean(audio**2))) + 1e-12)


def test_default_engine_writes_a_48k_stereo_wav_labelled_with_what_it_understood(engine, tmp_path):
    result, audio, rate = make(engine, tmp_path, prompt="rain on a tin roof")
    assert registry.spec("sfx").engine == "draft"
    assert rate == 48_000 and audio.shape == (96_000, 2) and np.max(np.abs(audio)) > 0.01
    prov = result.provenance
    assert prov["engine"] == "draft" and prov["understood"].startswith("rain on a tin roof")
    assert prov["matching"] == "embedding" and "warnings" not in prov


def test_same_request_gives_identical_bytes_and_a_new_seed_changes_them(engine, tmp_path):
    a, _, _ = make(engine, tmp_path / "a", prompt="a dog barking", seed=4)
    b, _, _ = make(engine, tmp_path / "b", prompt="a dog barking", seed=4)
    c, _, _ = make(engine, tmp_path / "c", prompt="a dog barking", seed=5)
    assert a.primary.path.read_bytes() == b.primary.path.read_bytes()
    assert a.primary.path.read_bytes() != c.primary.path.read_bytes()


def test_paraphrases_map_to_the_same_sound(engine, tmp_path):
    for i, prompt in enumerate(["a pane of glass breaking", "the window shatters"]):
        result, _, _ = make(engine, tmp_path / str(i), prompt=prompt)
        assert result.provenance["layers"][0]["concept"] == "glass breaking"


def test_layered_prompt_mixes_each_sound_with_its_own_modifiers(engine, tmp_path):
    result, audio, _ = make(engine, tmp_path, prompt="rain with distant thunder and a dog barking", duration=4.0)
    layers = result.provenance["layers"]
    assert [layer["concept"] for layer in layers] == ["rain", "thunder", "dog barking"]
    assert layers[1]["modifiers"] == ["distant"] and layers[0]["modifiers"] == []
    assert result.provenance["understood"] == "rain + thunder (distant) + dog barking"


def test_unknown_prompt_still_sounds_and_says_it_is_a_guess(engine, tmp_path):
    result, audio, _ = make(engine, tmp_path, prompt="zxqv blorptang")
    assert np.max(np.abs(audio)) > 0.01
    assert any("generic guess" in w for w in result.provenance["warnings"])


def test_distance_lowers_level_and_high_frequencies(engine, tmp_path):
    _, close, rate = make(engine, tmp_path / "c", prompt="a close gunshot", seed=2)
    _, far, _ = make(engine, tmp_path / "f", prompt="a distant gunshot", seed=2)
    assert rms_db(far) < rms_db(close) - 4  # close is drier, not louder; distant is 6 dB down
    ratio = lambda a: band_energy(a, rate, 4000, 16000) / band_energy(a, rate, 100, 4000)  # noqa: E731
    assert ratio(far) < ratio(close) / 2


def test_muffled_and_large_move_energy_down_the_spectrum(engine, tmp_path):
    def centroid(audio, rate):
        spec = np.abs(np.fft.rfft(audio.mean(axis=1)))
        freqs = np.fft.rfftfreq(len(audio), 1 / rate)
        return float((spec * freqs).sum() / spec.sum())

    _, plain, rate = make(engine, tmp_path / "p", prompt="a metal clang", seed=1)
    _, muffled, _ = make(engine, tmp_path / "m", prompt="a muffled metal clang", seed=1)
    _, large, _ = make(engine, tmp_path / "l", prompt="a huge metal clang", seed=1)
    assert centroid(muffled, rate) < 0.5 * centroid(plain, rate)
    assert centroid(large, rate) < centroid(plain, rate)


def test_cave_adds_a_reverberant_tail(engine, tmp_path):
    _, dry, rate = make(engine, tmp_path / "d", prompt="a single knock", seed=3)
    _, cave, _ = make(engine, tmp_path / "c", prompt="a single knock in a cave", seed=3)
    tail = slice(int(1.25 * rate), int(2.0 * rate))  # well after the knock (at 0.7 s, counted) has died away
    assert rms_db(cave[tail]) > rms_db(dry[tail]) + 10


def test_counts_and_speed_change_the_number_of_events(engine, tmp_path):
    def onsets(audio, rate):
        env = np.abs(audio.mean(axis=1))
        frame = int(0.01 * rate)
        env = env[: len(env) // frame * frame].reshape(-1, frame).max(axis=1)
        loud = env > 0.3 * env.max()
        return int(np.sum(loud[1:] & ~loud[:-1]) + loud[0])

    _, three, rate = make(engine, tmp_path / "3", prompt="someone knocks three times", duration=3.0)
    _, five, _ = make(engine, tmp_path / "5", prompt="someone knocks five times", duration=3.0)
    assert onsets(three, rate) == 3 and onsets(five, rate) == 5
    _, slow, _ = make(engine, tmp_path / "s", prompt="slow footsteps", duration=4.0)
    _, fast, _ = make(engine, tmp_path / "f", prompt="fast footsteps", duration=4.0)
    assert onsets(fast, rate) > onsets(slow, rate)


def test_loop_has_no_click_and_matching_spectra_at_the_seam(engine, tmp_path):
    _, audio, rate = make(engine, tmp_path, prompt="steady rain", loop=True, duration=3.0)
    wrapped = np.concatenate([audio[-rate // 10 :], audio[: rate // 10]])
    steps = np.abs(np.diff(wrapped, axis=0))
    seam = np.abs(audio[0] - audio[-1]).max()
    assert seam <= np.percentile(steps, 99.9)  # the loop point is no bigger a jump than ordinary samples
    n = rate // 5
    bands = np.geomspace(100, 16000, 9)

    def band_levels(x):
        spec = np.abs(np.fft.rfft(x.mean(axis=1))) ** 2
        freqs = np.fft.rfftfreq(len(x), 1 / rate)
        return np.array(
            [
                10 * np.log10(spec[(freqs >= lo) & (freqs < hi)].sum() + 1e-12)
                for lo, hi in zip(bands[:-1], bands[1:], strict=True)
            ]
        )

    assert np.max(np.abs(band_levels(audio[:n]) - band_levels(audio[-n:]))) < 6.0  # dB, in every band


def test_variations_are_separate_files_that_differ_but_fit_the_prompt(engine, tmp_path):
    result, _, _ = make(engine, tmp_path, prompt="a cat meowing", variations=3, seed=7)
    assert [f.role for f in result.files] == ["audio", "audio:2", "audio:3"]
    datas = [f.path.read_bytes() for f in result.files]
    assert len(set(datas)) == 3
    assert result.provenance["variation_seeds"] == [7, 8, 9]


def test_44k_and_mono_are_honoured(engine, tmp_path):
    _, audio, rate = make(engine, tmp_path, prompt="a beep", sample_rate=44_100, stereo=False, duration=1.0)
    assert rate == 44_100 and audio.shape == (44_100, 1)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"prompt": "  "}, "prompt is empty"),
        ({"prompt": "rain", "duration": 0}, "duration"),
        ({"prompt": "rain", "duration": 10_000}, "duration"),
        ({"prompt": "rain", "prompt_influence": float("nan")}, "prompt influence"),
        ({"prompt": "rain", "variations": 5}, "variations"),
        ({"prompt": "rain", "sample_rate": 22_050}, "sample rate"),
    ],
)
def test_bad_requests_get_a_clear_error(fields, message):
    with pytest.raises(RequestError, match=message):
        SoundEffectRequest(**fields)


def test_cancel_leaves_no_files(engine, tmp_path):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        engine(SoundEffectRequest(prompt="wind", duration=1.0, variations=2), cancel=token, output_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_progress_reports_each_real_step_from_loading_the_text_model_to_writing(engine, tmp_path, monkeypatch):
    """Issue 18 fault 6: progress sat at 0% "reading the prompt" (while the text model loaded) and jumped to done."""
    from pipelines.sfx.understand import concept_index

    monkeypatch.setenv("STUDIO_TEXT_EMBEDDINGS", "off")  # the steps are the same; keywords keep the test fast
    concept_index.cache_clear()  # a fresh worker: its first job loads the text understanding
    seen = []
    request = SoundEffectRequest(prompt="heavy wooden door creaks open", duration=1.0, variations=2)
    engine(request, progress=lambda f, m="", p=None: seen.append((f, m)), output_dir=tmp_path)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len({f for f in fractions if 0 < f < 1}) >= 5, seen
    messages = " | ".join(m for _, m in seen)
    assert "loading the text-understanding model" in messages and "understood: door" in messages
    assert "writing" in messages
    concept_index.cache_clear()
