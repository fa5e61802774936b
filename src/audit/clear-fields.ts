/**
 * Which values an audit entry keeps in clear. Everything else that is a
 * string — in request data, response data and the response's auth block — is
 * replaced by its HMAC (hmac.ts), as Vault does.
 *
 * An allow-list rather than a deny-list of secrets: a field added tomorrow
 * (a new credential, a new key format) is hashed until someone decides it is
 * safe, so forgetting to mark it costs an auditor some readability, never a
 * leak. The list holds what an auditor needs to follow a certificate and to
 * join the log with SCM: names, domains, SCM ids, serials, dates, states,
 * policies. Numbers and booleans are never secret here and stay as they are
 * (so `ssl_id` and `order_number`, SCM's order ids, are always readable).
 *
 * A name on this list keeps its whole value clear wherever it appears (in a
 * nested object too), so a name joins only if it is harmless on every path:
 * `id` is not here because lookup-self answers the token as `id`.
 * test/audit/clear-fields.test.ts checks that no field declared `secret` is here.
 */
export const CLEAR_FIELDS: ReadonlySet<string> = new Set([
  // certificate records (lifecycle/record.ts) and LIST certs
  'cert_unique_id',
  'config_name',
  'certificate_type',
  'backend_cert_id',
  'ssl_format',
  'domain',
  'serial_number',
  'not_before',
  'not_after',
  'renewed_from',
  'renewed_to',
  'last_error',
  'last_synced_at',
  'state',
  'status',
  'keys',
  'key_info',
  // PKI mounts (vault-pki/): the names asked for and the role's name rules
  'common_name',
  'alt_names',
  'ip_sans',
  'uri_sans',
  'ttl',
  'allowed_domains',
  // enroll, renew, revoke, replace and config requests: what was asked for, never with what
  'sectigo_config_type',
  'sectigo_cm_base_url',
  'sectigo_cm_uri',
  'sectigo_cm_auth_type',
  'sectigo_cm_org_id',
  'sectigo_csr_domain',
  'sectigo_csr_key_algo',
  'sectigo_csr_key_size',
  'sectigo_csr_country',
  'sectigo_csr_organization',
  'sectigo_csr_organization_unit',
  'sectigo_ssl_cert_type',
  'sectigo_ssl_cert_validity',
  'sectigo_ssl_cert_format_type',
  'sectigo_ssl_cert_subject_alt_names',
  'sectigo_client_cert_type',
  'sectigo_client_cert_validity',
  'sectigo_client_cert_email',
  'sectigo_revoke_reason',
  'sectigo_replace_reason',
  'sectigo_renew_new_key',
  'sectigo_auto_renew',
  // tokens and policies: who may do what
  'policies',
  'token_policies',
  'display_name',
  'policy',
  'name',
  'path',
  'type',
  'token_type',
  'issue_time',
  'expire_time',
  'role_name',
  // sys/audit itself
  'description',
  'file_path',
  'mode',
  'hmac_accessor',
]);
