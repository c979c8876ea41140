"""Shared pieces of the browser tests: one headless Chromium per module and optional screenshots."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-background-networking"])
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    """A 1440×900 (or the page's) screenshot into CBS_SCREENSHOT_DIR, when that is set."""
    folder = os.environ.get("CBS_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)
