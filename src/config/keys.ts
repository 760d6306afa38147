/**
 * The two key lists in the settings: AUDIT_HMAC_KEY (the audit chain's links and checkpoints) and
 * DATA_ENCRYPTION_KEY (personal data at rest). Both are `id:secret[,id:secret...]`, first one in
 * use, all accepted, so a key can be rotated without losing what the old one wrote. Each secret is
 * registered for log redaction as it is read; no message ever quotes one.
 */
import { z } from 'zod';
import { parseAuditKeys, type AuditKey } from '../observability/audit/keys';
import { registerSecret } from '../observability/redact';
import { parseDataKeys, type DataKey } from '../store';

function keyList<K>(parse: (spec: string) => K[]) {
  return z.string().transform((value, ctx): K[] => {
    // Registered before parsing: a refused key must not reach a log line either.
    for (const part of value.split(',')) registerSecret(part.slice(part.indexOf(':') + 1).trim());
    try {
      return parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
}

export const auditKeysSetting = keyList<AuditKey>(parseAuditKeys);
export const dataKeysSetting = keyList<DataKey>(parseDataKeys);
