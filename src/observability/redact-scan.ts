/**
 * Linear scans for what redaction replaces, where the equivalent regular expressions backtrack:
 * `[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}` over `"a"*40000 + "@" + "a"*40000` tries every
 * start and backtracks over the whole domain from each (seconds, quadratic), and so does the JWT
 * pattern over `"eyJ-"*10000`. Each scan below matches exactly what its pattern matches, left to
 * right and without overlap as String.replace with /g does (test/security/redaction.test.ts
 * compares them on random strings), and reads every character a bounded number of times.
 */

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
/** [A-Za-z0-9._%+-] */
const isLocal = (c: number) => isLetter(c) || isDigit(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
/** [A-Za-z0-9.-] */
const isDomain = (c: number) => isLetter(c) || isDigit(c) || c === 46 || c === 45;
/** [A-Za-z0-9_-] */
const isTokenChar = (c: number) => isLetter(c) || isDigit(c) || c === 95 || c === 45;
/** \w */
const isWord = (c: number) => isLetter(c) || isDigit(c) || c === 95;

/** `s` with every email address replaced by `replacement`. */
export function replaceEmails(s: string, replacement: string): string {
  const n = s.length;
  let out = '';
  let copied = 0;
  let at = s.indexOf('@');
  while (at !== -1) {
    // The local part: the run of local characters that ends at the `@` (never into a match).
    let start = at;
    while (start > copied && isLocal(s.charCodeAt(start - 1))) start--;
    // The domain run; a match ends after its last `.` that two letters follow (the pattern's
    // greedy run backs off to exactly there), with at least one character before that dot.
    let run = at + 1;
    while (run < n && isDomain(s.charCodeAt(run))) run++;
    let end = -1;
    if (start < at) {
      for (let dot = run - 3; dot >= at + 2; dot--) {
        if (s.charCodeAt(dot) === 46 && isLetter(s.charCodeAt(dot + 1)) && isLetter(s.charCodeAt(dot + 2))) {
          end = dot + 3;
          while (end < run && isLetter(s.charCodeAt(end))) end++;
          break;
        }
      }
    }
    if (end !== -1) {
      out += s.slice(copied, start) + replacement;
      copied = end;
    }
    at = s.indexOf('@', Math.max(at + 1, end));
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/** `s` with every JWT-looking token (`eyJ` + two more dot-separated segments) replaced. */
export function replaceJwts(s: string, replacement: string): string {
  const n = s.length;
  let out = '';
  let copied = 0;
  let at = s.indexOf('eyJ');
  while (at !== -1) {
    if (at > 0 && isWord(s.charCodeAt(at - 1))) {
      at = s.indexOf('eyJ', at + 1);
      continue;
    }
    let first = at + 3;
    while (first < n && isTokenChar(s.charCodeAt(first))) first++;
    let end = -1;
    if (first - (at + 3) >= 5 && s.charCodeAt(first) === 46) {
      let second = first + 1;
      while (second < n && isTokenChar(s.charCodeAt(second))) second++;
      if (second - (first + 1) >= 5 && s.charCodeAt(second) === 46) {
        end = second + 1;
        while (end < n && isTokenChar(s.charCodeAt(end))) end++;
      }
    }
    if (end !== -1) {
      out += s.slice(copied, at) + replacement;
      copied = end;
      at = s.indexOf('eyJ', end);
    } else {
      // Every later start inside this run ends its first segment at the same place, so fails alike.
      at = s.indexOf('eyJ', Math.max(at + 1, first));
    }
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/** Characters that end a URL's user-info part (or show it has none). */
const endsUserinfo = (c: number) => c === 64 /* @ */ || c === 47 || c === 63 || c === 35 || c <= 32 || c === 34 || c === 39 || c === 60 || c === 62 || c === 92;

/**
 * `scheme://user:password@host` → `scheme://<replacement>@host` in every URL of `s`, whatever the
 * scheme: connection strings and endpoints carry credentials there, and they reach logs and
 * error messages under any variable's name.
 */
export function replaceUrlUserinfo(s: string, replacement: string): string {
  const n = s.length;
  let out = '';
  let copied = 0;
  let at = s.indexOf('://');
  while (at !== -1) {
    const start = at + 3;
    let i = start;
    while (i < n && !endsUserinfo(s.charCodeAt(i))) i++;
    if (i < n && i > start && s.charCodeAt(i) === 64) {
      out += s.slice(copied, start) + replacement;
      copied = i;
    }
    // No `://` can start inside the part just read (it holds no `/`).
    at = s.indexOf('://', Math.max(at + 3, i));
  }
  return copied === 0 ? s : out + s.slice(copied);
}
