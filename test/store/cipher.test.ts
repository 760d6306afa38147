import crypto from 'node:crypto';
import { FieldCipher, FieldCipherError, PLAINTEXT, fieldKeyId, isEncryptedField, parseDataKeys } from '../../src/store';

const k1 = crypto.randomBytes(32).toString('base64');
const k2 = crypto.randomBytes(32).toString('hex');

describe('parseDataKeys', () => {
  it('reads id:key pairs in base64 or hex, first one first', () => {
    const keys = parseDataKeys(`new:${k1}, old:${k2}`);
    expect(keys.map((k) => [k.id, k.key.length])).toEqual([
      ['new', 32],
      ['old', 32],
    ]);
  });

  it.each([
    ['no id', k1, /id:key/],
    ['a short key', 'a:' + crypto.randomBytes(16).toString('base64'), /32 bytes/],
    ['not base64', 'a:' + 'x'.repeat(40), /32 bytes/],
    ['a repeated id', `a:${k1},a:${k2}`, /twice/],
    ['a bad id', `a b:${k1}`, /id:key/],
  ])('refuses %s without quoting the key', (_name, spec, message) => {
    let error: Error | undefined;
    try {
      parseDataKeys(spec);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(k1);
    expect(error?.message).not.toContain(k2);
  });
});

describe('FieldCipher', () => {
  const cipher = new FieldCipher(parseDataKeys(`k1:${k1}`));

  it('round-trips text, each sealing with a fresh IV, and the envelope hides the text', () => {
    const text = 'Ada Lovelace, ada@example.com, 12 Main St ✓ \u0000';
    const a = cipher.encryptField(text, 'ctx');
    const b = cipher.encryptField(text, 'ctx');
    expect(a).not.toEqual(b);
    expect(a).toMatch(/^enc:v1:k1:/);
    expect(a).not.toContain('Ada');
    expect(isEncryptedField(a)).toBe(true);
    expect(fieldKeyId(a)).toBe('k1');
    expect(cipher.decryptField(a, 'ctx')).toBe(text);
  });

  it('refuses a value moved to another context, or altered', () => {
    const sealed = cipher.encryptField('secret', 'row-1');
    expect(() => cipher.decryptField(sealed, 'row-2')).toThrow(/does not open/);
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(() => cipher.decryptField(flipped, 'row-1')).toThrow(FieldCipherError);
  });

  it('without a key: writes plaintext, reads plaintext, and names the missing key for sealed values', () => {
    expect(PLAINTEXT.encryptField('hello')).toBe('hello');
    expect(PLAINTEXT.decryptField('hello')).toBe('hello');
    expect(() => PLAINTEXT.decryptField(cipher.encryptField('x'))).toThrow(/key 'k1', which DATA_ENCRYPTION_KEY does not hold \(it is not set\)/);
  });

  it('rotation: the first key seals, every key opens, needsRewrite marks the old ones', () => {
    const old = cipher.encryptField('hello');
    const rotated = new FieldCipher(parseDataKeys(`k2:${k2},k1:${k1}`));
    expect(rotated.decryptField(old)).toBe('hello');
    expect(fieldKeyId(rotated.encryptField('hello'))).toBe('k2');
    expect(rotated.needsRewrite(old)).toBe(true);
    expect(rotated.needsRewrite('plain')).toBe(true);
    expect(rotated.needsRewrite(rotated.encryptField('x'))).toBe(false);
    // Same id, other material: a clear refusal, not garbage.
    const wrong = new FieldCipher(parseDataKeys(`k1:${crypto.randomBytes(32).toString('base64')}`));
    expect(() => wrong.decryptField(old)).toThrow(/material is wrong/);
  });

  it('seals JSON for jsonb columns as one string and reads either form back', () => {
    const value = { email: 'ada@example.com', n: [1, 2] };
    const sealed = cipher.encryptJson(value, 'c');
    expect(typeof sealed).toBe('string');
    expect(cipher.decryptJson(sealed, 'c')).toEqual(value);
    expect(cipher.decryptJson(value, 'c')).toEqual(value);
    expect(PLAINTEXT.encryptJson(value)).toBe(value);
  });
});
