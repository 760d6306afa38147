/**
 * OAuth2 client credentials against UiPath's identity server (`POST <identity>/connect/token`,
 * form-encoded), for an external application with application scopes. The token is kept until
 * shortly before it expires and shared by concurrent calls (one request for all of them);
 * a call that Orchestrator answers 401 drops it, and the next call asks for a new one.
 */
import { ConnectorError, fromNetworkError } from '../kit/connector-error';
import { identityError, UIPATH } from './errors';

export interface TokenSettings {
  identityUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
}

/** A token is renewed this long before it expires (clocks and slow requests). */
const EARLY_MS = 60_000;
/** The token request is shared, so no one caller's signal may cut it; it has its own bound. */
const TOKEN_REQUEST_TIMEOUT_MS = 30_000;

export class ClientCredentials {
  private current?: { token: string; renewAtMs: number };
  private pending?: Promise<string>;
  /** Token requests sent, for tests and logs. */
  issued = 0;

  constructor(private readonly settings: TokenSettings) {}

  /** A valid access token, from the cache or the identity server. Rejects with a ConnectorError. */
  async get(signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    if (this.current && Date.now() < this.current.renewAtMs) return this.current.token;
    this.pending ??= this.request().finally(() => (this.pending = undefined));
    return raceAbort(this.pending, signal);
  }

  /** Orchestrator refused this token (401): the next `get` asks for a new one. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async request(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.settings.clientId, client_secret: this.settings.clientSecret, scope: this.settings.scopes });
    let res: Response;
    let text: string;
    try {
      this.issued++;
      res = await fetch(`${this.settings.identityUrl}/connect/token`, {
        method: 'POST',
        body: form,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'User-Agent': 'ActionBridge' },
        signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
      });
      text = await res.text();
    } catch (err) {
      // Orchestrator was not called yet: trying again cannot duplicate anything.
      const net = fromNetworkError(UIPATH, err);
      throw new ConnectorError('upstream_unavailable', `The UiPath identity server could not be reached${net ? ` (${net.vendorCode})` : ''}.`, { connector: UIPATH, vendorCode: net?.vendorCode ?? 'identity_unreachable', retry: 'safe', cause: err });
    }
    if (!res.ok) throw identityError(res.status, text, res.headers.get('retry-after'));
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = {};
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError('upstream_unavailable', 'The UiPath identity server answered without an access token.', { connector: UIPATH, vendorCode: 'malformed_response', retry: 'safe' });
    }
    const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
    // A short-lived token is renewed at half its life rather than never used.
    this.current = { token: body.access_token, renewAtMs: Date.now() + Math.max(lifetimeMs - EARLY_MS, lifetimeMs / 2) };
    return body.access_token;
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
