/**
 * A bounded pool of browser contexts over one Chromium: at most `max` flows drive pages at once
 * (a legacy server is small, and each context is a login session on it); the others wait their
 * turn. Each run gets a fresh context, closed after it, so no cookie or half-filled form from one
 * request leaks into the next. The browser is started on first use and again if it died.
 */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export interface PoolOptions {
  executablePath: string;
  max: number;
  headless: boolean;
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export class ContextPool {
  private browser: Promise<Browser> | null = null;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: PoolOptions) {}

  /** Runs `fn` in a fresh context once one of the `max` slots is free; `signal` gives up waiting or closes the context. */
  async use<T>(fn: (context: BrowserContext) => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    let context: BrowserContext | undefined;
    const onAbort = () => void context?.close().catch(() => undefined);
    try {
      signal?.throwIfAborted();
      context = await (await this.launch()).newContext({ viewport: { width: 1280, height: 900 } });
      signal?.addEventListener('abort', onAbort, { once: true });
      return await fn(context);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await context?.close().catch(() => undefined);
      this.release();
    }
  }

  /** Contexts in use now (tests, metrics). */
  get inUse(): number {
    return this.active;
  }

  async close(): Promise<void> {
    this.closed = true;
    const browser = this.browser;
    this.browser = null;
    await (await browser?.catch(() => null))?.close().catch(() => undefined);
  }

  private launch(): Promise<Browser> {
    if (this.closed) return Promise.reject(new Error('the browser robot was closed'));
    if (!this.browser) {
      const started = chromium.launch({ executablePath: this.opts.executablePath, headless: this.opts.headless, args: ARGS });
      this.browser = started;
      started.then(
        (b) => b.on('disconnected', () => void (this.browser === started && (this.browser = null))),
        () => void (this.browser === started && (this.browser = null)),
      );
    }
    return this.browser;
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.opts.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        signal?.removeEventListener('abort', giveUp);
        this.active++;
        resolve();
      };
      const giveUp = () => {
        const i = this.waiting.indexOf(turn);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', giveUp, { once: true });
      this.waiting.push(turn);
    });
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
