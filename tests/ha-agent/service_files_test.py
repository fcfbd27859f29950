#!/usr/bin/python3
"""Service integration (issue #7), two modes:

  help HA_AGENT HA_AGENTCTL DOCS_DIR
      `ha-agent --help` names every option of the daemon; `ha-agentctl --help`
      names every command documented in docs/operations.md (and documents no
      command the docs lack), each with a one-line summary, and each command
      answers `COMMAND --help`.
  unit HA_AGENT UNIT_FILE
      `systemd-analyze verify` accepts dist/systemd/ha-agent.service (with
      ExecStart pointing at the built binary). Exit 77 when the tool is
      missing."""
import os, re, shutil, subprocess, sys, tempfile


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def run(*argv):
    return subprocess.run(list(argv), capture_output=True, text=True)


def help_mode(ha_agent, ctl, docs):
    r = run(ha_agent, "--help")
    if r.returncode != 0:
        fail(f"ha-agent --help: exit {r.returncode}")
    # The daemon's options (main.cc); each must have its line in --help.
    for opt in ("--config FILE", "--foreground", "--check-config FILE", "--version", "--help"):
        if not re.search(r"^  " + re.escape(opt) + r"\s+\S", r.stdout, re.M):
            fail(f"ha-agent --help has no line for {opt}:\n{r.stdout}")
    # ... and nothing in --help that the parser does not accept.
    for opt in set(re.findall(r"^  (--[a-z-]+)", r.stdout, re.M)):
        probe = run(ha_agent, opt, "/nonexistent") if opt in ("--config", "--check-config") else run(ha_agent, opt)
        if "unrecognised option" in probe.stderr or "unrecognized option" in probe.stderr:
            fail(f"ha-agent --help lists {opt}, which the parser refuses")
    if run(ha_agent, "--no-such-option").returncode != 2:
        fail("ha-agent accepts an unknown option")

    r = run(ctl, "--help")
    if r.returncode != 0:
        fail(f"ha-agentctl --help: exit {r.returncode}")
    listed = dict(re.findall(r"^  ([a-z][a-z-]*) +(\S.*)$", r.stdout, re.M))
    text = open(os.path.join(docs, "operations.md")).read()
    documented = set(re.findall(r"^ha-agentctl ([a-z][a-z-]*)", text, re.M))
    if not documented:
        fail("no ha-agentctl commands found in docs/operations.md")
    if documented - set(listed):
        fail(f"documented but not in ha-agentctl --help: {sorted(documented - set(listed))}")
    if set(listed) - documented:
        fail(f"in ha-agentctl --help but not documented in docs/operations.md: {sorted(set(listed) - documented)}")
    for opt in ("--socket PATH", "--json", "--help"):
        if opt not in r.stdout:
            fail(f"ha-agentctl --help does not explain {opt}")
    for cmd in listed:
        h = run(ctl, cmd, "--help")
        if h.returncode != 0 or "--help" not in h.stdout:
            fail(f"ha-agentctl {cmd} --help: exit {h.returncode}\n{h.stdout}{h.stderr}")
    print(f"PASS: ha-agent --help complete; ha-agentctl --help lists all {len(listed)} documented commands")


def unit_mode(ha_agent, unit):
    tool = shutil.which("systemd-analyze")
    if not tool:
        print("SKIP: systemd-analyze not installed (package systemd)")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="ha-unit-")
    text = open(unit).read().replace("/usr/sbin/ha-agent", ha_agent)
    copy = os.path.join(work, "ha-agent.service")
    open(copy, "w").write(text)
    r = run(tool, "verify", copy)
    # Only complaints about our unit count (the host's other units may warn).
    ours = [line for line in (r.stdout + r.stderr).splitlines() if "ha-agent.service" in line]
    shutil.rmtree(work)
    if r.returncode != 0 or ours:
        fail(f"systemd-analyze verify: exit {r.returncode}\n" + "\n".join(ours or [r.stderr]))
    for key in ("Type=notify", "CapabilityBoundingSet=", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "RuntimeDirectory=ha-agent", "--foreground"):
        if key not in text:
            fail(f"unit lacks {key}")
    print("PASS: systemd-analyze verify accepts the unit")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "help":
        help_mode(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "unit":
        unit_mode(*sys.argv[2:])
    else:
        fail(__doc__)
