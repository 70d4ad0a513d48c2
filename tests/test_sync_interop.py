"""The inbox speaks standard tus, both ways: the official Python client (tuspy) uploads to our
server, and our client uploads to the reference Node server (@tus/server from npm, started here),
each through a link that is cut at random points."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from sync_helpers import CutProxy, District, make_package
from test_package_damage import memory_keyring  # noqa: F401  (fixture)
from test_sync_flow import enrol

pytestmark = pytest.mark.slow  # left out of `bootstrap.py test --fast`

NODE_DIR = Path(__file__).parent / "node"


def test_official_python_tus_client_uploads_to_our_inbox(demo_ws, tmp_path: Path) -> None:
    from tusclient import client as tus_client

    from cff_desktop.services.sync import _client
    from cff_desktop.sync.protocol import RECEIPT_TYPE, open_document

    d = District(tmp_path / "district")
    proxy = CutProxy(d.port, cut_every=120_000, jitter=0.5, seed=11)
    try:
        enrol(demo_ws, d.url, d)
        token = _client(demo_ws).token
        path, uid, sha = make_package(demo_ws, tmp_path / "o", 500_000)
        tc = tus_client.TusClient(f"{proxy.url}/files/", headers={"Authorization": f"Bearer {token}"})
        up = tc.uploader(str(path), chunk_size=64 * 1024, metadata={"uuid": uid, "sha256": sha}, retries=30,
                         retry_delay=0, upload_checksum=True)
        up.upload()
        assert proxy.cuts >= 2
        upload_id = up.url.rstrip("/").rsplit("/", 1)[1]
        r = requests.post(f"{d.url}/api/v1/uploads/{upload_id}/finish",
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert r.status_code == 200, r.text
        body = open_document(r.json()["receipt"], d.inbox.store.public_key, RECEIPT_TYPE)
        assert body["package"]["uuid"] == uid and body["package"]["sha256"] == sha
    finally:
        proxy.close()
        d.stop()


@pytest.fixture
def node_tus(tmp_path: Path):
    """The reference tus server, installed from tests/node/package-lock.json (``npm ci``)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js is not installed (the CI machine has it; .ci/run installs the npm packages)")
    if not (NODE_DIR / "node_modules" / "@tus" / "server").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, capture_output=True)
    store = tmp_path / "tusd"
    store.mkdir()
    p = subprocess.Popen(["node", "server.mjs", str(store)], cwd=NODE_DIR, stdout=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline() if p.stdout else ""
        assert line, "the node tus server did not start"
        yield json.loads(line)["port"], store
    finally:
        p.terminate()
        p.wait(timeout=30)


def test_our_client_uploads_to_the_reference_node_server(demo_ws, node_tus, tmp_path: Path) -> None:
    from cff_desktop.sync.client import new_session
    from cff_desktop.sync.tus import ChunkPolicy, TusUploader

    port, store = node_tus
    proxy = CutProxy(port, cut_every=100_000, jitter=0.6, seed=5)
    try:
        path, uid, sha = make_package(demo_ws, tmp_path / "o", 800_000)
        up = TusUploader(new_session(), f"{proxy.url}/files", chunk=ChunkPolicy(size=128 * 1024),
                         pause=lambda s: None, max_stalls=10)
        url = up.create(path.stat().st_size, {"uuid": uid, "sha256": sha, "filename": path.name})
        assert up.upload(path, url) == path.stat().st_size
        assert proxy.cuts >= 5 and up.stats.resumes >= 5
        name = url.rstrip("/").rsplit("/", 1)[1]
        assert (store / name).read_bytes() == path.read_bytes()
        assert proxy.up_bytes < path.stat().st_size * 1.3  # resumed, never restarted
        meta = json.loads((store / f"{name}.json").read_text())
        assert meta["metadata"]["uuid"] == uid
    finally:
        proxy.close()
