"""Drives hvac (the Python Vault client) against a running server and prints
one JSON object with what each call returned. Run with /usr/bin/python3."""
import json
import sys

import hvac

url, token = sys.argv[1], sys.argv[2]
client = hvac.Client(url=url, token=token)
mount = "sectigo-vault-pki"
results = {}

config = {
    "sectigo_cm_base_url": "https://cert-manager.example/",
    "sectigo_cm_user": "api-user",
    "sectigo_cm_password": "hvac-password",
    "sectigo_cm_uri": "acme",
    "sectigo_cm_org_id": "1234",
    "sectigo_config_type": "ssl_cert",
}
results["write_status"] = client.write(f"{mount}/configs/web", **config).status_code
client.write(f"{mount}/configs/mail", **dict(config, sectigo_config_type="client_cert"))
results["read"] = client.read(f"{mount}/configs/web")["data"]
results["list"] = client.list(f"{mount}/configs")["data"]["keys"]
client.delete(f"{mount}/configs/mail")
results["list_after_delete"] = client.list(f"{mount}/configs")["data"]["keys"]
results["read_missing"] = client.read(f"{mount}/configs/mail")
results["authenticated"] = client.is_authenticated()
results["authenticated_bad_token"] = hvac.Client(url=url, token="hvs.bad").is_authenticated()
health = client.sys.read_health_status()
results["health_head_status"] = health.status_code
results["health_get"] = client.sys.read_health_status(method="GET")
mounts = client.sys.list_mounted_secrets_engines()
results["mount_type"] = mounts["data"][f"{mount}/"]["type"]
results["mount_type_top"] = mounts[f"{mount}/"]["type"]
try:
    client.write(f"{mount}/configs/web", sectigo_cm_org_id="many")
except hvac.exceptions.InvalidRequest as err:
    results["bad_request_errors"] = err.errors

# The token calls, as hvac 0.11.2's auth.token sends them (create always sends
# no_parent, no_default_policy, renewable, display_name and num_uses).
created = client.auth.token.create(policies=["root"], ttl="1h")["auth"]
results["token_create"] = {k: created[k] for k in ("orphan", "lease_duration", "renewable", "policies")}
child = hvac.Client(url=url, token=created["client_token"])
results["token_lookup"] = client.auth.token.lookup(created["client_token"])["data"]
results["token_lookup_accessor"] = client.auth.token.lookup_accessor(created["accessor"])["data"]
results["token_renew"] = client.auth.token.renew(created["client_token"], increment="2h")["auth"]["lease_duration"]
results["token_renew_self"] = child.auth.token.renew_self(increment="30m")["auth"]["lease_duration"]
grandchild = child.auth.token.create(policies=["default"])["auth"]
results["grandchild_lease"] = grandchild["lease_duration"]
results["orphan"] = client.auth.token.create(no_parent=True, ttl="1h")["auth"]["orphan"]
client.auth.token.revoke(created["client_token"])
results["child_after_revoke"] = child.is_authenticated()
try:
    client.auth.token.lookup_accessor(grandchild["accessor"])
except hvac.exceptions.InvalidRequest as err:
    results["grandchild_after_revoke"] = err.errors
try:
    client.auth.token.create(ttl="9999999999999h")
except hvac.exceptions.InvalidRequest as err:
    results["bad_ttl_errors"] = err.errors
print(json.dumps(results))
