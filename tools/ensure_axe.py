"""Make sure the pinned axe-core (the accessibility engine the browser check injects) is cached.

axe-core is fetched once from the npm registry as the published tarball, checked against the
registry's sha512 integrity hash pinned below, and ``package/axe.min.js`` is kept in the
git-ignored ``.cache/axe-core/<version>/``. Later runs use the cache and work offline.

To move to a newer axe-core: read ``dist.integrity`` from https://registry.npmjs.org/axe-core/<version>
and update AXE_VERSION and AXE_INTEGRITY together.

Usage: python tools/ensure_axe.py      (prints the path of axe.min.js)
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
AXE_TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
CACHE = ROOT / ".cache" / "axe-core" / AXE_VERSION


class AxeUnavailable(RuntimeError):
    pass


def integrity_of(data: bytes) -> str:
    """The npm/Subresource-Integrity form of a sha512 digest: ``sha512-<base64>``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def extract_axe(tarball: bytes, expected_integrity: str = AXE_INTEGRITY) -> bytes:
    """``package/axe.min.js`` from a verified npm tarball; refuses a tarball that does not match."""
    got = integrity_of(tarball)
    if got != expected_integrity:
        raise AxeUnavailable(f"axe-core tarball integrity mismatch: expected {expected_integrity}, got {got}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile("package/axe.min.js")
        if member is None:
            raise AxeUnavailable("axe-core tarball has no package/axe.min.js")
        return member.read()


def axe_path(download: bool = True) -> Path:
    """Path of the cached ``axe.min.js``, downloading and verifying it first if needed."""
    target = CACHE / "axe.min.js"
    if target.exists():
        return target
    if not download:
        raise AxeUnavailable(f"axe-core {AXE_VERSION} is not cached at {target}; run: python tools/ensure_axe.py")
    try:
        with urllib.request.urlopen(AXE_TARBALL, timeout=60) as response:
            tarball = response.read()
    except OSError as exc:
        raise AxeUnavailable(f"could not download axe-core {AXE_VERSION} from {AXE_TARBALL}: {exc}") from exc
    script = extract_axe(tarball)
    CACHE.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=CACHE, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(script)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)  # atomic: a half-written file is never taken for the cache
    return target


def main() -> int:
    try:
        path = axe_path()
    except AxeUnavailable as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    print(f"axe-core {AXE_VERSION}: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
