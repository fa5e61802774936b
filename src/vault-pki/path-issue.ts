import { UserError } from '../errors.js';
import type { FieldSchema } from '../field-schema.js';
import { durationField } from '../framework/go-values.js';
import { definePath, type OperationHandler } from '../framework/path.js';
import { issuedCertificateData } from './answer.js';
import type { PkiEngineContext } from './context.js';
import { forgetPrivateKey, issueWithRole, PKI_COLLECT_WAIT_S, type IssueMode } from './issue.js';

const names = (description: string): FieldSchema => ({ type: 'array', items: { type: 'string', maxLength: 1024 }, maxItems: 1000, description });

const commonFields = {
  common_name: { type: 'string', maxLength: 256, description: 'CN of the certificate (issue); for sign the CSR\'s CN is used' },
  alt_names: names('DNS names and e-mail addresses, comma-separated (issue); for sign the CSR\'s names are used'),
  ip_sans: names('IP subject alternative names, comma-separated (issue)'),
  uri_sans: names('URI subject alternative names; checked against the role, but SCM cannot order them'),
  ttl: { type: ['string', 'integer'], description: 'Lifetime: seconds or a Go duration ("2160h"); mapped onto the shortest SCM term at least this long' },
  exclude_cn_from_sans: { type: 'boolean', description: 'Do not add the CN to the subject alternative names' },
  format: { type: 'string', enum: ['pem'], description: 'Only pem: SCM certificates are answered as PEM' },
  private_key_format: { type: 'string', enum: ['', 'der', 'pem', 'pkcs8'], description: 'Accepted for compatibility; generated keys are PKCS#8 PEM' },
  idempotency_key: { type: 'string', maxLength: 256, description: 'issue only: a retry with the same key returns the first order (sign derives one from the CSR)' },
} satisfies Record<string, FieldSchema>;

const csrField = { csr: { type: 'string', maxLength: 32_767, description: 'PEM certificate signing request' } } satisfies Record<string, FieldSchema>;

function issueHandler(mode: IssueMode): OperationHandler<PkiEngineContext> {
  return async (req, ctx) => {
    const { data } = req;
    const role = await ctx.roles.require(ctx.mount, req.params.role);
    const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : []);
    const result = await issueWithRole(ctx.lifecycle, {
      mount: ctx.mount,
      roleName: req.params.role,
      role,
      mode,
      common_name: typeof data.common_name === 'string' ? data.common_name.trim() : '',
      alt_names: list(data.alt_names),
      ip_sans: list(data.ip_sans),
      uri_sans: list(data.uri_sans),
      ttl: durationField('ttl', data.ttl),
      exclude_cn_from_sans: data.exclude_cn_from_sans === true,
      csr: typeof data.csr === 'string' ? data.csr : undefined,
      idempotencyKey: req.headers['idempotency-key'] ?? (data.idempotency_key as string | undefined),
      signal: req.signal,
    });
    const answer = { data: issuedCertificateData(result.record, mode === 'issue'), warnings: result.warnings };
    if (mode === 'issue' && role.no_store) await forgetPrivateKey(ctx.lifecycle, result.record);
    return answer;
  };
}

const waitHelp = `SCM issues asynchronously: the request waits up to ${PKI_COLLECT_WAIT_S} s (or the config entry's
shorter \`sectigo_max_timeout\`), then answers 503 with Retry-After while SCM has not issued.`;

export const issuePath = definePath<PkiEngineContext>({
  pattern: 'issue/:role',
  synopsis: 'Generate a key and order its certificate from SCM under a role',
  help: `scmpki generates the key (the role's \`key_type\`/\`key_bits\`), checks the names against the role,
orders from SCM with the role's config entry and answers as Vault does: \`certificate\`, \`issuing_ca\`,
\`ca_chain\`, \`serial_number\`, \`expiration\`, \`private_key\`, \`private_key_type\`.
${waitHelp} Send \`idempotency_key\` (or an Idempotency-Key header) to make retries return the same order.`,
  fields: commonFields,
  operations: { update: issueHandler('issue') },
});

export const signPath = definePath<PkiEngineContext>({
  pattern: 'sign/:role',
  synopsis: 'Order a certificate for a CSR from SCM under a role',
  help: `The CSR's CN and names are checked against the role, the CSR is ordered from SCM with the role's config
entry, and the answer has \`certificate\`, \`issuing_ca\`, \`ca_chain\`, \`serial_number\`, \`expiration\`.
${waitHelp} A retry with the same CSR for the same role (within 24 h) returns the same order: never a second purchase.`,
  fields: { ...commonFields, ...csrField },
  operations: { update: issueHandler('sign') },
});

export const signVerbatimPath = definePath<PkiEngineContext>({
  pattern: 'sign-verbatim/:role',
  synopsis: 'Order a certificate for a CSR as it is, under a role that allows any name',
  help: `As sign/<role>, without the role's name checks; only a role with \`allow_any_name=true\` permits it.
${waitHelp}`,
  fields: { ...commonFields, ...csrField },
  operations: { update: issueHandler('sign-verbatim') },
});

export const signVerbatimNoRolePath = definePath<PkiEngineContext>({
  pattern: 'sign-verbatim',
  synopsis: 'Not supported without a role',
  help: 'SCM orders need a config entry, which a role names: use sign-verbatim/<role>.',
  fields: {},
  operations: {
    update: async () => {
      throw new UserError('sign-verbatim needs a role: SCM orders are placed with the config entry a role names; use sign-verbatim/<role>');
    },
  },
});
