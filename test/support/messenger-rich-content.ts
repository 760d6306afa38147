/**
 * Dialogflow Messenger's `richContent` payload, checked field by field from Google's Messenger
 * fulfillment reference. The protos see a payload as a Struct (anything goes), so this is what
 * catches a chip or button Messenger would not draw: unknown keys fail here too.
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Shape = Record<string, 'string' | 'strings' | 'anchor' | 'image' | 'icon' | 'event' | 'options'>;

const ITEMS: Record<string, { required: string[]; fields: Shape }> = {
  info: { required: ['title'], fields: { title: 'string', subtitle: 'string', image: 'image', anchor: 'anchor' } },
  description: { required: ['title'], fields: { title: 'string', text: 'strings' } },
  image: { required: ['rawUrl'], fields: { rawUrl: 'string', accessibilityText: 'string' } },
  button: { required: ['text'], fields: { icon: 'icon', text: 'string', anchor: 'anchor', event: 'event' } },
  list: { required: ['title'], fields: { title: 'string', subtitle: 'string', event: 'event' } },
  accordion: { required: ['title'], fields: { title: 'string', subtitle: 'string', image: 'image', text: 'string' } },
  chips: { required: ['options'], fields: { options: 'options' } },
  divider: { required: [], fields: {} },
};

function closed(v: unknown, allowed: Record<string, (x: unknown) => boolean>, at: string, out: string[], required: string[] = []): void {
  if (!isObject(v)) {
    out.push(`${at}: expected an object`);
    return;
  }
  for (const r of required) if (!(r in v)) out.push(`${at}.${r}: required`);
  for (const [k, x] of Object.entries(v)) {
    const ok = allowed[k];
    if (!ok) out.push(`${at}.${k}: not a Messenger field`);
    else if (!ok(x)) out.push(`${at}.${k}: wrong type`);
  }
}

const str = (x: unknown) => typeof x === 'string';
const https = (x: unknown) => typeof x === 'string' && /^https?:\/\//.test(x);

function field(kind: Shape[string], x: unknown, at: string, out: string[]): boolean {
  switch (kind) {
    case 'string':
      return str(x);
    case 'strings':
      return Array.isArray(x) && x.every(str);
    case 'anchor':
      closed(x, { href: https, target: str }, at, out, ['href']);
      return true;
    case 'image':
      closed(x, { rawUrl: https }, at, out, ['rawUrl']);
      return true;
    case 'icon':
      closed(x, { type: str, color: str }, at, out, ['type']);
      return true;
    case 'event':
      closed(x, { name: str, languageCode: str, parameters: isObject }, at, out, ['name']);
      return true;
    case 'options':
      if (!Array.isArray(x) || x.length === 0) return false;
      x.forEach((o, i) => closed(o, { text: str, image: (y) => field('image', y, `${at}[${i}].image`, out), anchor: (y) => field('anchor', y, `${at}[${i}].anchor`, out) }, `${at}[${i}]`, out, ['text']));
      return true;
  }
}

export function richContentProblems(payload: unknown): string[] {
  const out: string[] = [];
  if (!isObject(payload) || !Array.isArray(payload.richContent)) return ['payload: no richContent array'];
  payload.richContent.forEach((card, c) => {
    if (!Array.isArray(card) || card.length === 0) {
      out.push(`richContent[${c}]: expected a non-empty array of items`);
      return;
    }
    card.forEach((item, i) => {
      const at = `richContent[${c}][${i}]`;
      const spec = isObject(item) && typeof item.type === 'string' ? ITEMS[item.type] : undefined;
      if (!spec) {
        out.push(`${at}: unknown item type`);
        return;
      }
      const allowed: Record<string, (x: unknown) => boolean> = { type: str };
      for (const [k, kind] of Object.entries(spec.fields)) allowed[k] = (x) => field(kind, x, `${at}.${k}`, out);
      closed(item, allowed, at, out, spec.required);
    });
  });
  return out;
}
