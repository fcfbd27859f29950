#!/usr/bin/python3
"""`ha-agent --check-config FILE`: exit 0 for a valid file, 1 with every error
naming file, line and field for an invalid one, and key files that group or
others can read are refused naming the file. Usage: check_config_test.py HA_AGENT"""
import os, subprocess, sys, tempfile

binary = sys.argv[1]
work = tempfile.mkdtemp(prefix="ha-check-")
key = os.path.join(work, "mn.key")
with open(os.open(key, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
    f.write("00" * 20 + "\n" + "11" * 20 + "\n")


def run(text):
    path = os.path.join(work, "ha.conf")
    open(path, "w").write(text)
    r = subprocess.run([binary, "--check-config", path], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr, path


def check(cond, msg):
    if not cond:
        print("FAIL:", msg)
        sys.exit(1)


good = f'''ha_address: "fd00:1::1"
home_interface: "eth0"
home_prefix: "fd00:1::/64"
mobile_node {{
  home_address: "fd00:1::100"
  spi_in: 4097
  spi_out: 8193
  algorithm: "aes-gcm-128"
  key_file: "{key}"
}}
'''
rc, out, err, path = run(good)
check(rc == 0, f"valid config rejected: {err}")
check("valid" in out, f"no 'valid' line: {out}")

# Two semantic errors at once: both reported with file:line and field.
bad = good.replace("spi_in: 4097", "spi_in: 7").replace('algorithm: "aes-gcm-128"', 'algorithm: "rot13"')
rc, out, err, path = run(bad)
check(rc == 1, f"invalid config accepted (rc {rc})")
check(f"{path}:6:" in err and "spi_in" in err, f"SPI error without file:line:field: {err}")
check(f"{path}:8:" in err and "algorithm" in err, f"algorithm error without file:line:field: {err}")

# A syntax error names its line.
rc, out, err, path = run(good.replace('home_prefix: "fd00:1::/64"', 'home_prefix "fd00:1::/64'))
check(rc == 1 and f"{path}:3:" in err, f"syntax error not located: {err}")

# A key file others can read is refused, naming the file; never printing the key.
os.chmod(key, 0o644)
rc, out, err, path = run(good)
check(rc == 1 and key in err and "0644" in err, f"insecure key file not refused: {err}")
check("00000000" not in err + out, "key material printed")
os.chmod(key, 0o600)

# A key of the wrong length is refused.
open(key, "w").write("00" * 19)
rc, out, err, path = run(good)
check(rc == 1 and key in err, f"short key not refused: {err}")

# Missing file.
r = subprocess.run([binary, "--check-config", os.path.join(work, "nope.conf")], capture_output=True, text=True)
check(r.returncode == 1 and "nope.conf" in r.stderr, f"missing file: {r.stderr}")
print("PASS: --check-config exit codes and messages")
