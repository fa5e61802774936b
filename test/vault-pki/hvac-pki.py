"""Drives a PKI mount with hvac 0.11.2's own PKI and AppRole methods (a
machine's AppRole token then issues a certificate) and prints one JSON
object with what each call returned. Run with /usr/bin/python3; argv: url,
token, a PEM CSR file."""
import json
import sys

import hvac

url, token, csr_file = sys.argv[1], sys.argv[2], sys.argv[3]
client = hvac.Client(url=url, token=token)
pki = client.secrets.pki
results = {}


def errors_of(call):
    try:
        call()
    except hvac.exceptions.InvalidRequest as err:
        return err.errors
    return None


role = {"config": "web", "allowed_domains": ["example.com"], "allow_subdomains": True, "ttl": "720h", "max_ttl": "43800h"}
results["role_write_status"] = pki.create_or_update_role("web", extra_params=role).status_code
results["role_read"] = pki.read_role("web")["data"]
results["roles"] = pki.list_roles()["data"]["keys"]

issued = pki.generate_certificate("web", "hvac.example.com", extra_params={"alt_names": "api.example.com", "ttl": "24h"})
results["issued"] = issued["data"]
results["issued_warnings"] = issued["warnings"]

with open(csr_file) as f:
    csr = f.read()
results["signed"] = pki.sign_certificate("web", csr, "signed.example.com")["data"]

serial = results["issued"]["serial_number"]
results["read"] = pki.read_certificate(serial)["data"]
results["listed"] = pki.list_certificates()["data"]["keys"]
results["ca_pem"] = pki.read_ca_certificate()
results["ca_chain"] = pki.read_ca_certificate_chain()
results["revoked"] = pki.revoke_certificate(serial)["data"]
results["read_after_revoke"] = pki.read_certificate(serial)["data"]

results["outside_domains"] = errors_of(lambda: pki.generate_certificate("web", "evil.org"))
results["too_long"] = errors_of(lambda: pki.generate_certificate("web", "long.example.com", extra_params={"ttl": "20000h"}))
results["verbatim"] = errors_of(lambda: pki.sign_verbatim(csr, name="web"))
results["root"] = errors_of(lambda: pki.generate_root("internal", "My Root"))

client.sys.enable_secrets_engine("pki", path="pki_int", description="second PKI mount")
mounts = client.sys.list_mounted_secrets_engines()["data"]
results["mount_types"] = {path: entry["type"] for path, entry in mounts.items()}
pki.create_or_update_role("edge", extra_params={"config": "web", "allow_any_name": True}, mount_point="pki_int")
results["int_roles"] = pki.list_roles(mount_point="pki_int")["data"]["keys"]
results["int_verbatim"] = pki.sign_verbatim(csr, name="edge", mount_point="pki_int")["data"]["serial_number"]
client.sys.disable_secrets_engine("pki_int")
results["mounts_after_disable"] = sorted(client.sys.list_mounted_secrets_engines()["data"].keys())

# A machine logs in with AppRole and gets a certificate from the PKI mount with that token.
client.sys.enable_auth_method("approle")
client.sys.create_or_update_policy("pki-web", 'path "pki/issue/web" { capabilities = ["update"] }')
client.auth.approle.create_or_update_approle("cert-client", token_policies=["pki-web"], token_ttl="1h")
role_id = client.auth.approle.read_role_id("cert-client")["data"]["role_id"]
secret_id = client.auth.approle.generate_secret_id("cert-client")["data"]["secret_id"]
machine = hvac.Client(url=url)
results["approle_policies"] = machine.auth.approle.login(role_id, secret_id)["auth"]["token_policies"]
results["approle_issued"] = machine.secrets.pki.generate_certificate("web", "approle.example.com")["data"]
try:
    machine.secrets.pki.create_or_update_role("web", extra_params={"config": "web", "allow_any_name": True})
except hvac.exceptions.Forbidden as err:
    results["approle_role_write"] = err.errors

pki.delete_role("web")
try:
    pki.list_roles()
except hvac.exceptions.InvalidPath:
    results["roles_after_delete"] = "none"

print(json.dumps(results))
