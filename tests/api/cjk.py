"""Is Chinese drawn as glyphs, not tofu? Pixels, not promises: each character is rendered in the page's own
font stack and screenshot; with no CJK font every character is the same empty box (the .notdef glyph)."""

from __future__ import annotations

import io

from PIL import Image, ImageChops

# two ordinary characters, and a private-use code point that no font has: it is always the .notdef box
SAMPLES = ("面", "膜")
NOTDEF = "\U0010fffd"


def glyph_pixels(page, text: str, selector: str = "body") -> Image.Image:
    """`text` as the page draws it inside `selector` (its font, size and colour), as a greyscale image."""
    handle = page.evaluate_handle(
        "([sel, text]) => { const s = document.createElement('span'); s.textContent = text;"
        " s.className = 'cjk-probe'; s.style.cssText = 'font-size:32px;padding:2px;display:inline-block';"
        " document.querySelector(sel).append(s); return s; }",
        [selector, text],
    )
    try:
        png = handle.as_element().screenshot()
    finally:
        handle.evaluate("s => s.remove()")
    return Image.open(io.BytesIO(png)).convert("L")


def differs(a: Image.Image, b: Image.Image) -> bool:
    if a.size != b.size:
        return True
    return ImageChops.difference(a, b).getbbox() is not None


def assert_cjk_renders(page, selector: str = "body") -> None:
    """Two different characters draw different pixels, and neither is the box a missing glyph draws."""
    box = glyph_pixels(page, NOTDEF, selector)
    a, b = (glyph_pixels(page, ch, selector) for ch in SAMPLES)
    assert differs(a, b), (
        "面 and 膜 render identically: Chinese is drawn as tofu (apt-get install fonts-noto-cjk)"
    )
    assert differs(a, box) and differs(b, box), "Chinese renders as the missing-glyph box"
    # and ink was drawn: the glyph is not an empty span
    assert a.getextrema()[0] < 128 or a.getextrema()[1] > 128
