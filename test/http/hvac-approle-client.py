"""Drives hvac's AppRole calls (auth.approle, sys.enable_auth_method) against
a running server and prints one JSON object with what each call returned.
Run with /usr/bin/python3."""
import json
import sys

import hvac

url, token = sys.argv[1], sys.argv[2]
admin = hvac.Client(url=url, token=token)
mount = "sectigo-vault-pki"
results = {}

admin.sys.enable_auth_method("approle")
results["auth_methods"] = sorted(admin.sys.list_auth_methods()["data"].keys())
admin.write("sys/policies/acl/web-configs", policy='path "%s/configs/web" { capabilities = ["read"] }' % mount)
admin.write(
    f"{mount}/configs/web",
    sectigo_cm_base_url="https://cert-manager.example/",
    sectigo_cm_user="api-user",
    sectigo_cm_password="hvac-password",
    sectigo_cm_uri="acme",
    sectigo_cm_org_id=1234,
    sectigo_config_type="ssl_cert",
)

admin.auth.approle.create_or_update_approle(
    "web", token_policies=["web-configs"], token_ttl="1h", token_max_ttl="2h", secret_id_num_uses=2
)
results["role"] = admin.auth.approle.read_role("web")["data"]
results["roles"] = admin.auth.approle.list_roles()["data"]["keys"]
role_id = admin.auth.approle.read_role_id("web")["data"]["role_id"]
generated = admin.auth.approle.generate_secret_id("web", metadata={"host": "web-1"})["data"]
results["generated_keys"] = sorted(generated.keys())
results["accessors"] = admin.auth.approle.list_secret_id_accessors("web")["data"]["keys"]
results["accessor_matches"] = results["accessors"] == [generated["secret_id_accessor"]]
results["secret_id_lookup"] = admin.auth.approle.read_secret_id("web", generated["secret_id"])["data"]

app = hvac.Client(url=url)
logged_in = app.auth.approle.login(role_id, generated["secret_id"])["auth"]
results["login"] = {k: logged_in[k] for k in ("policies", "token_policies", "metadata", "lease_duration", "renewable")}
results["app_token_set"] = app.token == logged_in["client_token"]
results["allowed_read"] = app.read(f"{mount}/configs/web")["data"]["sectigo_cm_uri"]
try:
    app.write(f"{mount}/configs/web", sectigo_cm_uri="other")
except hvac.exceptions.Forbidden as err:
    results["denied_write"] = err.errors

app.auth.approle.login(role_id, generated["secret_id"])
try:
    app.auth.approle.login(role_id, generated["secret_id"])
except hvac.exceptions.InvalidRequest as err:
    results["used_up"] = err.errors

other = admin.auth.approle.generate_secret_id("web")["data"]
admin.auth.approle.destroy_secret_id_accessor("web", other["secret_id_accessor"])
try:
    app.auth.approle.login(role_id, other["secret_id"])
except hvac.exceptions.InvalidRequest as err:
    results["destroyed"] = err.errors

admin.auth.approle.delete_role("web")
results["roles_after_delete"] = admin.list("auth/approle/role")
admin.sys.disable_auth_method("approle")
results["auth_methods_after_disable"] = sorted(admin.sys.list_auth_methods()["data"].keys())
print(json.dumps(results))
