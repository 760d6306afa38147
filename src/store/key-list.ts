/**
 * The one way keys are written in the settings (DATA_ENCRYPTION_KEY, AUDIT_HMAC_KEY):
 * `id:material[,id:material...]`, first one in use, every one accepted. Each list decodes its own
 * material; the ids and their checks are the same for both.
 */
const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * Parses the list, handing each key's id and material to `decode` (which throws, naming the id,
 * when the material is wrong). Errors never quote a key. `word` names the material in messages.
 */
export function parseKeyList<K extends { id: string }>(spec: string, word: string, decode: (id: string, material: string) => K): K[] {
  const keys: K[] = [];
  for (const [i, part] of spec.split(',').entries()) {
    const colon = part.indexOf(':');
    const id = part.slice(0, colon).trim();
    if (colon <= 0 || !KEY_ID.test(id)) throw new Error(`key ${i + 1} must be written id:${word}, the id 1-32 letters, digits, '_', '.' or '-'`);
    if (keys.some((k) => k.id === id)) throw new Error(`key id '${id}' appears twice`);
    keys.push(decode(id, part.slice(colon + 1).trim()));
  }
  return keys;
}
