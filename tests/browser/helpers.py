"""What the browser tests share: a fake login provider in a thread, layout overflow, WCAG AA contrast."""
from __future__ import annotations

import asyncio
import threading

from tests.browser.conftest import Tab


class ThreadedFake:
    """One of tests/web/fakes.py's login providers, served from its own event loop in a thread
    (Playwright's sync API owns the test's thread)."""

    def __init__(self, fake) -> None:  # noqa: ANN001
        self.fake = fake
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fake-idp", daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(fake.start(), self.loop).result(10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


# Walks every element with its own text and compares its colour with the first opaque background
# behind it (WCAG 2 relative luminance). Large text (>= 24px, or >= 18.66px bold) needs 3:1, the
# rest 4.5:1. Hidden elements are skipped.
CONTRAST_JS = r"""
() => {
  const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = ({r, g, b}) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const blend = (fg, bg) => ({r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a), a: 1});
  const background = (el) => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (const c of layers.reverse()) bg = blend(c, bg);
    return bg; };
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.offsetParent && getComputedStyle(el).position !== "fixed") continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || Number(s.opacity) === 0 || el.closest("[aria-hidden=true], .visually-hidden, :disabled, [disabled]")) continue;
    const bg = background(el);
    const fg = blend(parse(s.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(s.fontSize), weight = Number(s.fontWeight) || 400;
    const need = size >= 24 || (size >= 18.66 && weight >= 700) ? 3 : 4.5;
    if (ratio < need) bad.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
  }
  return bad;
}
"""


def low_contrast(tab: Tab) -> list[str]:
    return tab.page.evaluate(CONTRAST_JS)


def horizontal_overflow(tab: Tab) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing sticks out)."""
    return tab.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
