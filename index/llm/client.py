"""The chat model behind LLM mode: the spec, each provider's parameters, structured output, faults.

OpenAI-compatible servers (`openai:` with EXPLAINER_LLM_BASE_URL: llama.cpp, vLLM, Ollama's /v1,
LM Studio …) get `max_tokens` in the body (langchain-openai sends only `max_completion_tokens`,
which llama.cpp's server ignores) and `response_format: {"type": "json_object", "schema": …}`,
which llama.cpp turns into a grammar; a server that rejects it is asked again without it, and not
sent it again. OpenAI itself gets a strict `json_schema`; Ollama's own API its `format` schema.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from index.llm.reply import ReplyError
from index.settings import Settings

# Retries would multiply the timeout a member waits; the extractive answer is the retry.
MAX_RETRIES = 0
# Provider → (integration package, the project's extra that installs it).
PROVIDERS = {
    "openai": ("langchain_openai", "openai"),
    "anthropic": ("langchain_anthropic", "anthropic"),
    "ollama": ("langchain_ollama", "ollama"),
}
# How each kind of server is asked for JSON.
JSON_SCHEMA, JSON_OBJECT, OLLAMA_FORMAT, NO_FORMAT = "json_schema", "json_object", "format", "none"


class LLMConfigError(ValueError):
    """EXPLAINER_LLM names a model this installation cannot use."""


def parse_spec(spec: str) -> tuple[str, str]:
    """'provider:model' → (provider, model); the model part may itself hold colons."""
    provider, sep, model = spec.strip().partition(":")
    if not sep or not provider.strip() or not model.strip():
        raise LLMConfigError(
            f"EXPLAINER_LLM={spec!r}: use 'none' or 'provider:model', "
            "e.g. 'openai:gpt-4o-mini' or 'ollama:llama3.1'"
        )
    return provider.strip().lower(), model.strip()


def check_provider(provider: str) -> None:
    """Fail at start-up, not at the first question, when the provider's package is missing."""
    package, extra = PROVIDERS.get(provider, (f"langchain_{provider}", ""))
    if importlib.util.find_spec(package) is not None:
        return
    how = (
        f"pip install 'explainer[{extra}]'" if extra else f"pip install {package.replace('_', '-')}"
    )
    raise LLMConfigError(
        f"the '{provider}' model provider needs the {package.replace('_', '-')} "
        f"package, which is not installed: {how}"
    )


def model_kwargs(provider: str, settings: Settings) -> dict[str, Any]:
    """The settings in each provider's own parameter names."""
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    kwargs: dict[str, Any] = {"temperature": settings.llm_temperature}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if provider == "ollama":
        # ChatOllama names the cap num_predict and passes the timeout to its HTTP client.
        kwargs.update(
            num_predict=settings.llm_max_tokens, client_kwargs={"timeout": settings.llm_timeout}
        )
        return kwargs
    kwargs.update(
        max_tokens=settings.llm_max_tokens, timeout=settings.llm_timeout, max_retries=MAX_RETRIES
    )
    if provider == "openai" and settings.llm_base_url:
        # llama.cpp's server reads only `max_tokens`; without it the first call ran for minutes.
        kwargs["extra_body"] = {"max_tokens": settings.llm_max_tokens}
    if key:
        kwargs["api_key"] = key
    return kwargs


def json_mode(provider: str, settings: Settings) -> str:
    """How this provider and server are asked for JSON."""
    if provider == "openai":
        return JSON_OBJECT if settings.llm_base_url else JSON_SCHEMA
    if provider == "ollama":
        return OLLAMA_FORMAT
    return NO_FORMAT


def call_kwargs(mode: str, schema: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The per-call arguments that ask for JSON of `schema` (it lists the ids shown)."""
    if mode == JSON_OBJECT:
        body: dict[str, Any] = {
            "max_tokens": settings.llm_max_tokens,
            "response_format": {"type": "json_object", "schema": schema},
        }
        return {"extra_body": body}
    if mode == JSON_SCHEMA:
        strict = _strip(schema, ("maxItems",))  # OpenAI's strict mode refuses some keywords
        return {
            "extra_body": {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "summary", "strict": True, "schema": strict},
                }
            }
        }
    if mode == OLLAMA_FORMAT:
        return {"format": schema}
    return {}


def _strip(value: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_strip(v, keys) for v in value]
    return value


def make_chat_model(settings: Settings) -> Any:
    provider, model = parse_spec(settings.llm)
    check_provider(provider)
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(model, model_provider=provider, **model_kwargs(provider, settings))
    except Exception as exc:  # an unknown provider, a missing key …: the same fix, the settings
        raise LLMConfigError(f"cannot set up the model {settings.llm!r}: {exc}") from exc


def status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


def fault_kind(exc: BaseException) -> str:
    """A short name for what went wrong, the same across providers."""
    if isinstance(exc, ReplyError):
        return exc.kind
    if isinstance(exc, LLMConfigError):
        return "config"
    names = [cls.__name__ for cls in type(exc).__mro__]
    status = status_of(exc)
    if isinstance(exc, TimeoutError) or any("Timeout" in n for n in names):
        return "timeout"
    if status is not None:
        if status == 429:
            return "rate_limited"
        return "server_error" if status >= 500 else "http_error"
    if isinstance(exc, ConnectionError) or any("Connect" in n for n in names):
        return "connection"
    if isinstance(exc, ValueError | TypeError | KeyError):
        return "bad_response"  # the client could not read the server's answer
    return "error"


def rejects_format(exc: BaseException) -> bool:
    """The server refused the request over `response_format` (it does not support it)."""
    status = status_of(exc)
    response = getattr(exc, "response", None)
    body = getattr(response, "text", "") if response is not None else ""
    text = f"{exc} {getattr(exc, 'body', '')} {body}".lower()
    return status in (400, 422, 500) and any(
        w in text for w in ("response_format", "json_schema", "json_object", "schema", "grammar")
    )
