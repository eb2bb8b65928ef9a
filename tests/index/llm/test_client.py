"""The chat model's setup: the spec, each provider's parameters, structured output, faults."""

from __future__ import annotations

import httpx
import openai
import pytest
from pydantic import SecretStr

from index.llm.client import (
    JSON_OBJECT,
    JSON_SCHEMA,
    OLLAMA_FORMAT,
    LLMConfigError,
    call_kwargs,
    check_provider,
    fault_kind,
    json_mode,
    model_kwargs,
    parse_spec,
    rejects_format,
)
from index.llm.refiner import make_refiner
from index.llm.reply import ReplyError, reply_schema
from tests.support.llm_stub import make_settings


@pytest.mark.parametrize("spec", ["gpt-4o-mini", "openai:", ":model", ""])
def test_bad_spec_is_a_clear_error(spec):
    with pytest.raises(LLMConfigError, match="provider:model"):
        parse_spec(spec)


def test_model_part_of_the_spec_may_hold_colons():
    assert parse_spec("ollama:llama3.1:8b") == ("ollama", "llama3.1:8b")


@pytest.mark.parametrize("provider, extra", [("anthropic", "anthropic"), ("ollama", "ollama")])
def test_missing_provider_package_names_the_extra(monkeypatch, provider, extra):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(LLMConfigError, match=rf"pip install 'explainer\[{extra}\]'"):
        check_provider(provider)


def test_openai_model_gets_the_settings_and_no_retries(tmp_path):
    settings = make_settings(
        tmp_path,
        llm="openai:gpt-4o-mini",
        llm_base_url="http://127.0.0.1:9/v1",
        llm_api_key=SecretStr("k"),
        llm_timeout=3.5,
        llm_max_tokens=321,
        llm_temperature=0.2,
    )
    refiner = make_refiner(settings)
    assert refiner.mode == "llm:openai:gpt-4o-mini"
    model = refiner.chat_model(timeout=60)
    assert (
        model.model_name,
        model.openai_api_base,
        model.request_timeout,
        model.max_retries,
        model.max_tokens,
        model.temperature,
    ) == ("gpt-4o-mini", "http://127.0.0.1:9/v1", 3.5, 0, 321, 0.2)
    assert model.openai_api_key.get_secret_value() == "k"
    # llama.cpp's server reads only max_tokens; langchain-openai sends max_completion_tokens.
    assert model.extra_body == {"max_tokens": 321}


def test_openai_itself_gets_no_extra_body(tmp_path):
    kwargs = model_kwargs("openai", make_settings(tmp_path, llm="openai:gpt-4o-mini"))
    assert "extra_body" not in kwargs


def test_ollama_model_kwargs_use_its_own_names(tmp_path):
    settings = make_settings(tmp_path, llm="ollama:llama3.1", llm_timeout=7)
    kwargs = model_kwargs("ollama", settings)
    assert kwargs["num_predict"] == settings.llm_max_tokens
    assert kwargs["client_kwargs"] == {"timeout": 7}
    assert "max_retries" not in kwargs


def test_each_server_is_asked_for_json_its_own_way(tmp_path):
    local = make_settings(tmp_path, llm="openai:x", llm_base_url="http://127.0.0.1:9/v1")
    hosted = make_settings(tmp_path, llm="openai:x")
    assert json_mode("openai", local) == JSON_OBJECT
    assert json_mode("openai", hosted) == JSON_SCHEMA
    assert json_mode("ollama", local) == OLLAMA_FORMAT
    schema = reply_schema(["a-a"])
    body = call_kwargs(JSON_OBJECT, schema, local)["extra_body"]
    assert body["response_format"] == {"type": "json_object", "schema": schema}
    assert body["max_tokens"] == local.llm_max_tokens
    strict = call_kwargs(JSON_SCHEMA, schema, hosted)["extra_body"]["response_format"]
    assert strict["type"] == "json_schema" and strict["json_schema"]["strict"] is True
    assert "maxItems" not in str(strict)
    assert call_kwargs(OLLAMA_FORMAT, schema, local) == {"format": schema}


def _request() -> httpx.Request:
    return httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")


def _status(cls: type, code: int, message: str = "x") -> Exception:
    return cls(message, response=httpx.Response(code, request=_request()), body=None)


@pytest.mark.parametrize(
    "exc, kind",
    [
        (openai.APITimeoutError(_request()), "timeout"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (TimeoutError("the model client was still being set up"), "timeout"),
        (openai.APIConnectionError(request=_request()), "connection"),
        (httpx.ConnectError("refused"), "connection"),
        (_status(openai.RateLimitError, 429), "rate_limited"),
        (_status(openai.InternalServerError, 503), "server_error"),
        (_status(openai.BadRequestError, 400), "http_error"),
        (ValueError("Unexpected response type"), "bad_response"),
        (ReplyError("unparseable", "prose"), "unparseable"),
        (ReplyError("refusal", "no"), "refusal"),
        (LLMConfigError("no key"), "config"),
        (RuntimeError("?"), "error"),
    ],
)
def test_faults_are_classified_across_clients(exc, kind):
    assert fault_kind(exc) == kind


def test_a_server_refusing_response_format_is_recognized():
    refused = _status(openai.UnprocessableEntityError, 422, "response_format -> type")
    assert rejects_format(refused)
    assert not rejects_format(_status(openai.BadRequestError, 400, "context length exceeded"))
    assert not rejects_format(_status(openai.RateLimitError, 429, "response_format"))


def test_model_that_cannot_be_set_up_is_a_config_fault(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    refiner = make_refiner(make_settings(tmp_path, llm="openai:gpt-4o-mini"))
    with pytest.raises(LLMConfigError, match="cannot set up the model") as caught:
        refiner.chat_model(timeout=60)
    assert fault_kind(caught.value) == "config"
