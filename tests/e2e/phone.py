"""Measuring a page as a 360 px phone shows it (issue 10, "Nothing off-screen at 360 px").

`problems(page)` returns what is wrong with the page as it is on screen now, in words, or [] when it fits:
- the page is wider than the screen (`document.documentElement.scrollWidth > 360`);
- a box scrolls sideways inside the page (a table in an `overflow-x: auto` wrapper hides its columns the
  same way, while the page's own scrollWidth stays 360);
- a visible button, link, field or summary starts left of 0 or ends right of 360;
- a button, button-like link or field is smaller than a 44 x 44 px touch target;
- an amount (digits with two decimals) is shown without "RM " in front (one money format everywhere).
"""

PHONE_360 = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
             "device_scale_factor": 1, "locale": "en-GB"}

MEASURE = r"""
() => {
  const width = window.innerWidth;
  const found = [];
  const describe = (el) => {
    const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '')
      .trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> "${text}"`;
  };
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && el.checkVisibility({visibilityProperty: true})
      && !el.closest('.visually-hidden');
  };
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > width) found.push(`the page is ${pageWidth}px wide`);
  for (const el of document.body.querySelectorAll('*')) {
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1
        && !el.matches('textarea, select, input') && shown(el)) {
      found.push(`${describe(el)} scrolls sideways: ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  }
  const actions = 'a[href], button, summary, input:not([type=hidden]), select, textarea';
  const targets = 'button, .button, select, input:not([type=checkbox]):not([type=radio]):not([type=file])';
  for (const el of document.body.querySelectorAll(actions)) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.left < -0.5 || box.right > width + 0.5) {
      found.push(`${describe(el)} is off-screen: x ${Math.round(box.left)} to ${Math.round(box.right)}`);
    }
    if (el.matches(targets) && (box.height < 43.5 || box.width < 43.5)) {
      found.push(`${describe(el)} is a small touch target: ${Math.round(box.width)} x ${Math.round(box.height)}`);
    }
  }
  const amount = /(\d{1,3}(?:,\d{3})+|\d+)\.\d\d(?![\d.])/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, textarea, [hidden], .error, .hint')
        || !parent.checkVisibility()) continue;
    for (const match of node.data.matchAll(amount)) {
      const before = node.data.slice(0, match.index);
      const after = node.data.slice(match.index + match[0].length);
      if (/[\d.,]$/.test(before) || /^\s*(am|pm|a\.m|p\.m|pagi|petang|malam)\b/i.test(after)) continue;  // 8.00 am
      if (!before.endsWith('RM ')) found.push(`the amount "${match[0]}" is not written "RM ${match[0]}"`);
    }
  }
  return found;
}
"""


def problems(page) -> list[str]:
    """What does not fit a 360 px phone on the page as it is now ([] when everything fits)."""
    return page.evaluate(MEASURE)


def assert_fits(page, what: str = "", shot=None) -> None:
    """Fail with the list of problems when the page does not fit a 360 px phone (a screenshot in `shot`)."""
    found = problems(page)
    if found and shot:
        page.screenshot(path=str(shot), full_page=True)
    assert not found, f"{what or page.url} on a 360 px phone: " + "; ".join(found)
