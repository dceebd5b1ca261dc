"""inboxbot installed the README's production way (a wheel, ``pip install .``), used outside the checkout.

The wheel is built from the project's own files and installed into a fresh virtual environment in a
temporary folder; only inboxbot's dependencies come from the development environment (a ``.pth`` file
adds its site-packages after the new environment's own), so whatever inboxbot reads at run time must
be inside the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.harness.dovecot import ImapAccount, append, list_uids
from tests.support import QUESTION_EN, ROOT, inboxbot, make_mail

pytestmark = pytest.mark.e2e
SAMPLES = ROOT / "samples" / "maildir"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin/`` folder of a fresh virtual environment holding inboxbot's wheel."""
    base = tmp_path_factory.mktemp("installed")
    source = base / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "inboxbot", source / "inboxbot", ignore=shutil.ignore_patterns("__pycache__"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"), str(source)])
    wheel = next((base / "dist").glob("inboxbot-*.whl"))

    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)])
    own_site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]))
    (own_site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env_dir / "bin"


def _run(command: list[str], **kwargs: object) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stderr
    return str(done.stdout).strip()


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INBOXBOT_")}
    env.update(extra)
    return env


def _inboxbot(
    bin_dir: Path, *args: str, cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "inboxbot"), *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_wheel_carries_what_inboxbot_reads_at_run_time(installed: Path, tmp_path: Path) -> None:
    where = _run([str(installed / "python"), "-c", "import inboxbot; print(inboxbot.__file__)"], cwd=tmp_path)
    assert not Path(where).is_relative_to(ROOT), "the test must run the installed copy"

    work = tmp_path / "work"  # an empty working folder: no config/, no templates/ beside it
    work.mkdir()
    shutil.copytree(SAMPLES, tmp_path / "maildir")
    env = _clean_env(
        INBOXBOT_SOURCE=f"maildir:{tmp_path / 'maildir'}",
        INBOXBOT_TRANSPORT=f"files:{tmp_path / 'outbox'}",
        INBOXBOT_DATABASE__URL=f"sqlite:///{tmp_path / 'inboxbot.db'}",
    )

    upgrade = _inboxbot(installed, "db", "upgrade", cwd=work, env=env)
    check = _inboxbot(installed, "check", cwd=work, env=env)
    run = _inboxbot(installed, "run-once", cwd=work, env=env)
    listed = _inboxbot(installed, "tickets", "list", "--json", "--status", "all", cwd=work, env=env)

    assert upgrade.returncode == 0, upgrade.stderr
    assert "upgraded from empty to" in upgrade.stdout
    assert check.returncode == 0, check.stdout + check.stderr
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("inboxbot: 13 mail(s): 10 ticket(s) opened")
    tickets = json.loads(listed.stdout)
    assert len(tickets) == 10
    acknowledgements = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(acknowledgements) == 11
    assert any(b"HB-" in mail.read_bytes() for mail in acknowledgements)
    assert sorted(p.name for p in work.iterdir()) == [], "nothing may be written beside the working folder"


def test_an_imap_host_in_the_environment_makes_imap_the_source(
    imap_account: ImapAccount, tmp_path: Path
) -> None:
    """A deployment configured through the environment that forgot INBOXBOT_SOURCE reads its IMAP inbox,
    not an empty local folder."""
    for n in range(2):
        append(imap_account, make_mail(QUESTION_EN, sender=f"client{n}@example.kz"))
    env = _clean_env(
        INBOXBOT_IMAP__HOST=imap_account.host,
        INBOXBOT_IMAP__PORT=str(imap_account.port),
        INBOXBOT_IMAP__USERNAME=imap_account.username,
        INBOXBOT_IMAP__PASSWORD=imap_account.password,
        INBOXBOT_IMAP__SECURITY="none",
        INBOXBOT_TRANSPORT=f"files:{tmp_path / 'outbox'}",
        INBOXBOT_DATABASE__URL=f"sqlite:///{tmp_path / 'inboxbot.db'}",
    )
    work = tmp_path / "work"
    work.mkdir()

    assert inboxbot("db", "upgrade", env=env, cwd=work).returncode == 0
    check = inboxbot("check", env=env, cwd=work)
    run = inboxbot("run-once", env=env, cwd=work)

    assert "source:    imap\n" in check.stdout
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("inboxbot: 2 mail(s): 2 ticket(s) opened")
    assert list_uids(imap_account) == []
    assert not (work / "var").exists()


def test_with_nothing_configured_the_demo_defaults_apply(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES, tmp_path / "var" / "maildir")
    env = _clean_env()

    assert inboxbot("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    check = inboxbot("check", env=env, cwd=tmp_path)
    run = inboxbot("run-once", env=env, cwd=tmp_path)

    assert "source:    maildir:var/maildir" in check.stdout
    assert "transport: files:var/outbox" in check.stdout
    assert "are the embedded demo default" in check.stdout
    assert run.returncode == 0, run.stderr
    assert len(list((tmp_path / "var" / "outbox").glob("*.eml"))) == 11
