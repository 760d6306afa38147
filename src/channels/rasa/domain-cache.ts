/**
 * The domain handshake of newer Rasa: it sends only a digest of its domain, and the server
 * answers 449 until it has cached a domain for that digest; Rasa then retries with the domain.
 * Like rasa_sdk the cache is per process and shared by all conversations.
 */
import type { Domain } from '../../protocol/request';

export class DomainCache {
  private domain: Domain | null = null;
  private digest: string | null = null;

  /**
   * The domain to hand the action, or `undefined` when Rasa must resend it (→ 449).
   * A non-empty domain is cached with its digest; `{}` is accepted but not cached (rasa_sdk).
   */
  resolve(domain: Domain | null | undefined, digest: string | null | undefined): Domain | null | undefined {
    if (domain !== null && domain !== undefined) {
      if (Object.keys(domain).length > 0) {
        this.domain = domain;
        this.digest = digest ?? null;
        return domain;
      }
      return this.domain;
    }
    if (typeof digest === 'string' && this.digest !== null && digest === this.digest) return this.domain;
    return undefined;
  }
}
