"""axe-core, the independent accessibility checker, run inside a page in Chromium.

``make axe`` (a prerequisite of ``make test``) installs the pinned axe-core with npm into
build/node/; the test itself uses no network. Without it the test fails and names the step.
axe-core is MPL-2.0 (build/node/node_modules/axe-core/LICENSE); nothing of it is vendored.
"""

from __future__ import annotations

import json
from pathlib import Path

from negotiation_course.paths import build_dir

#: Keep in step with AXE_VERSION in the Makefile.
AXE_VERSION = "4.10.3"
AXE_DIR = build_dir() / "node" / "node_modules" / "axe-core"
#: Impacts the course does not ship (axe: minor < moderate < serious < critical).
BLOCKING = ("serious", "critical")


class AxeMissing(RuntimeError):
    """axe-core is not installed where ``make axe`` puts it."""


def axe_source() -> str:
    """The pinned axe.min.js, or a clear error naming ``make axe``."""
    package = AXE_DIR / "package.json"
    version = json.loads(package.read_text())["version"] if package.exists() else None
    if version != AXE_VERSION:
        raise AxeMissing(f"axe-core {AXE_VERSION} is not installed in {AXE_DIR} (found "
                         f"{version}): run `make axe` (npm install --prefix build/node).")
    return (AXE_DIR / "axe.min.js").read_text()


def violations(page, html: Path) -> list[dict]:
    """axe-core's WCAG 2 A/AA violations of the page at ``html`` (a local file)."""
    page.goto(html.as_uri(), wait_until="load")
    page.add_script_tag(content=axe_source())
    return page.evaluate("""async () => (await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                        'best-practice']},
        resultTypes: ['violations']})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': '
                                           + (n.failureSummary || '').slice(0, 200))}))""")


def blocking(found: list[dict]) -> list[dict]:
    """Only the serious and critical violations."""
    return [v for v in found if v["impact"] in BLOCKING]


def summary(found: list[dict]) -> str:
    """One line per violation, with its first elements, for a failure message."""
    return "\n".join(f"{v['impact']} {v['id']} x{v['count']}: {v['help']}\n    "
                     + "\n    ".join(v["nodes"]) for v in found)
