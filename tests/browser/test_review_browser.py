"""The review page in a real headless Chromium: filter, open an answer, record a verdict."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bot.review.server import create_app
from bot.settings import BotSettings
from index.log.store import AnswerLog
from tests.support.records import MEETING, fill, write_article

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's /usr/bin/chromium is not installed (run scripts/install-browser.sh)",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    write_article(tmp_path / "corpus")
    path = tmp_path / "answers.db"
    with AnswerLog(path) as log:
        fill(log)
    return path


@pytest.fixture
def base_url(tmp_path: Path, log_path: Path) -> Iterator[str]:
    settings = BotSettings(  # type: ignore[call-arg]
        _env_file=None, log_db=log_path, corpus_dir=tmp_path / "corpus"
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the review server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_filter_open_and_review_an_answer(browser, base_url: str, log_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.wait import WebDriverWait

    wait = WebDriverWait(browser, 15)
    browser.get(base_url + "/")
    links = browser.find_elements(By.CSS_SELECTOR, "a.answer-link")
    assert sorted(link.text for link in links) == ["a1", "a2", "a3", "a4", "a5"]

    Select(browser.find_element(By.NAME, "feedback")).select_by_value("down")
    browser.find_element(By.ID, "apply").click()
    wait.until(ec.url_contains("feedback=down"))
    links = browser.find_elements(By.CSS_SELECTOR, "a.answer-link")
    assert [link.text for link in links] == ["a1"]

    links[0].click()
    mark = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#article mark")))
    assert mark.text == MEETING
    assert "label-allegation" in (mark.get_attribute("class") or "")
    tag = browser.find_element(By.CSS_SELECTOR, "#article mark + .tag")
    assert tag.is_displayed() and tag.text == "[1 allegation]"

    browser.find_element(By.CSS_SELECTOR, "input[name=verdict][value=incorrect]").click()
    browser.find_element(By.NAME, "note").send_keys("the meeting is hearsay")
    browser.find_element(By.NAME, "reviewer").send_keys("browser-test")
    browser.find_element(By.CSS_SELECTOR, "#verdict-form button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.ID, "saved")))
    assert "the meeting is hearsay" in browser.find_element(By.ID, "verdicts").text

    with AnswerLog(log_path, create=False) as log:
        verdict = log.get("a1").verdicts[-1]
    assert (verdict.verdict, verdict.note, verdict.reviewer) == (
        "incorrect",
        "the meeting is hearsay",
        "browser-test",
    )
