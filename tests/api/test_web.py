"""The web page in Debian's headless Chromium (never a downloaded browser): search and play the moment,
a stream's claim timeline, the review queue, and a screenshot that is not blank."""

from __future__ import annotations

import io
import shutil
import socket
import threading
from collections.abc import Iterator

import pytest
import uvicorn

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="apt-get install chromium")


@pytest.fixture(scope="module")
def base_url(deployment) -> Iterator[str]:
    from api.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(deployment.services), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # set by uvicorn once it listens
        if not thread.is_alive():
            raise RuntimeError("the API server did not start")
        thread.join(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def page(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(base_url + "/")
        yield page
        browser.close()


def test_search_and_play_the_moment(page, deployment) -> None:
    page.fill("#api-key", deployment.keys["compliance"])
    page.click("#key-form button")
    page.wait_for_selector("body[data-ready='1']")
    assert "compliance" in page.text_content("#who")
    page.fill("#q", "几小时发货")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("li.result")
    assert page.text_content("li.result .quote") == "四十八小时内发货全国包邮"
    # the first result's player loads the clip and seeks to the moment (t0 minus where the clip starts)
    page.wait_for_function(
        "() => { const v = document.querySelector('li.result video');"
        " return v && v.readyState >= 1 && Math.abs(v.currentTime - parseFloat(v.dataset.moment)) < 0.3; }",
        timeout=15000,
    )
    moment = float(page.get_attribute("li.result video", "data-moment"))
    assert 0 < moment < 5
    duration = page.evaluate("document.querySelector('li.result video').duration")
    assert duration > 3  # the browser decoded the MP4's metadata: it is playable


def test_timeline_and_review_queue(page, deployment) -> None:
    from tests.api.test_comments import put_chat

    put_chat(deployment)  # idempotent: the same events again are repeats
    page.click("nav button[data-tab=streams]")
    page.click("#stream-list a.stream")
    page.wait_for_selector("#timeline .mark")
    assert page.locator("#timeline .mark").count() == 5
    assert page.locator("#timeline .mark.risky").count() == 1
    assert page.locator("#timeline .chat").count() == 2  # the viewers' comments (the gift is not drawn)
    assert "敏感肌能用吗" in (page.get_attribute("#timeline .chat >> nth=1", "title") or "")
    page.click("nav button[data-tab=review]")
    page.wait_for_selector("li.review-item")
    item = page.locator("li.review-item").first
    item.locator("input").fill("needs legal")
    item.locator("button", has_text="Escalate").click()
    page.wait_for_selector("li.review-item .status.escalated")
    assert page.input_value("li.review-item input") == "needs legal"


def test_screenshot_is_not_blank(page, tmp_path) -> None:
    from PIL import Image, ImageStat

    page.click("nav button[data-tab=search]")
    png = page.screenshot(full_page=True)
    (tmp_path / "page.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width >= 1000 and image.height >= 600
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # text, header, cards and the video frame, not one flat colour
    assert max(ImageStat.Stat(image).stddev) > 20


def test_chinese_renders_as_glyphs_not_tofu(page) -> None:
    from tests.api.cjk import assert_cjk_renders

    assert_cjk_renders(page, "header")  # white on the dark header
    assert_cjk_renders(page, "section")
