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
print(json.dumps(results))
