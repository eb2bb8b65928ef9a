"""`explainer ask` loads only what its mode needs."""

from __future__ import annotations

from tests.support.child import run_python


def test_the_extractive_ask_path_never_imports_the_llm_layer() -> None:
    """The CLI, its error handling (which names `LLMConfigError`) and an engine with no LLM
    leave the refiner and its guards unloaded: they cost a cold ask ~0.1 s for nothing."""
    code = (
        "import sys\n"
        "import bot.cli.app, bot.cli.ask\n"
        "from index import Engine, LLMConfigError\n"
        "import index.answer.engine, index.answer.live\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('index.llm.') and m not in "
        "('index.llm.client', 'index.llm.reply'))\n"
        "print(','.join(loaded))\n"
    )
    loaded = run_python(code)
    assert loaded == "", f"LLM modules imported: {loaded}"
