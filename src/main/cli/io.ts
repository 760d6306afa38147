/** Where a CLI command writes: the terminal, or a test's buffers. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
}
