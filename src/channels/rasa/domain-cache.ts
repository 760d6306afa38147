/**
 * The domain handshake of newer Rasa: it sends only a digest of its domain, and the server
 * answers 449 until it has cached a domain for that digest; Rasa then retries with the domain.
 * Like rasa_sdk the cache is per process and shared by all conversations.
 *
 * Why a digest's domain never changes once cached: the digest is only a name the caller gives
 * (Rasa sends its model's file name, not a hash of the domain), so the server cannot check that a
 * domain belongs to it. When a newly sent domain replaced the cached one, anyone able to post to
 * /webhook could send their own domain under Rasa's digest, and every later digest-only call from
 * Rasa handed the actions that domain. Now the first domain seen for a digest is pinned (by the
 * hash of its content) for the life of the process; a call sending other content under a pinned
 * digest runs with the domain it sent, and the cache keeps the pinned one. For the same model Rasa
 * always sends the same domain, so its own calls never differ from what is pinned.
 */
import { createHash } from 'node:crypto';
import type { Domain } from '../../protocol/request';
import type { Logger } from '../../observability/logger';

/** Digests longer than this are never cached (Rasa's model names are far shorter). */
export const MAX_DIGEST_CHARS = 256;
/**
 * Digests pinned per process. When all are taken, new digests are not cached (their calls still
 * work: 449, then the domain) rather than freeing a pin, which would let that digest be re-pinned
 * with other content. Hundreds of model deployments per process lifetime is far more than real use.
 */
export const MAX_PINNED_DIGESTS = 1024;
/** Domains kept in memory: the live model's and, during a rolling deployment, the next one's. */
export const MAX_CACHED_DOMAINS = 4;

const contentHash = (domain: Domain): string => createHash('sha256').update(JSON.stringify(domain)).digest('hex');

export class DomainCache {
  /** Digest → hash of the domain content first cached for it. */
  private readonly pinned = new Map<string, string>();
  /** Digest → domain, the most recently used last. */
  private readonly domains = new Map<string, Domain>();
  private warnedFull = false;

  constructor(private readonly logger?: Logger) {}

  /**
   * The domain to hand the action, or `undefined` when Rasa must resend it (→ 449). A non-empty
   * domain is used for its own call and cached under its digest unless another domain is pinned
   * there; `{}` is accepted but not cached, and stands for the domain cached for its digest.
   */
  resolve(domain: Domain | null | undefined, digest: string | null | undefined): Domain | null | undefined {
    const key = typeof digest === 'string' && digest.length > 0 && digest.length <= MAX_DIGEST_CHARS ? digest : null;
    if (domain !== null && domain !== undefined) {
      if (Object.keys(domain).length === 0) return (key !== null && this.recall(key)) || null;
      if (key !== null) this.offer(key, domain);
      return domain;
    }
    return key === null ? undefined : this.recall(key);
  }

  private recall(digest: string): Domain | undefined {
    const domain = this.domains.get(digest);
    if (domain !== undefined) {
      this.domains.delete(digest);
      this.domains.set(digest, domain);
    }
    return domain;
  }

  private offer(digest: string, domain: Domain): void {
    const hash = contentHash(domain);
    const pinned = this.pinned.get(digest);
    if (pinned === undefined) {
      if (this.pinned.size >= MAX_PINNED_DIGESTS) {
        if (!this.warnedFull) this.logger?.warn('domain cache: every digest slot is taken; domains for new digests are no longer cached', { slots: MAX_PINNED_DIGESTS });
        this.warnedFull = true;
        return;
      }
      this.pinned.set(digest, hash);
    } else if (pinned !== hash) {
      this.logger?.warn('domain cache: a call sent another domain for a cached digest; the cached one was kept', { digest });
      return;
    }
    this.domains.delete(digest);
    this.domains.set(digest, domain);
    if (this.domains.size > MAX_CACHED_DOMAINS) this.domains.delete(this.domains.keys().next().value!);
  }
}
