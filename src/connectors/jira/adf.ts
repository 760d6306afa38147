/** Builds Atlassian Document Format bodies: Jira Cloud's v3 API takes rich text only as ADF. */

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

const text = (t: string): AdfNode => ({ type: 'text', text: t });

/** One paragraph per blank-line-separated block; single newlines become hard breaks. */
export function paragraphs(body: string): AdfNode[] {
  return body
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      const content: AdfNode[] = [];
      block.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line !== '') content.push(text(line));
      });
      return { type: 'paragraph', content };
    });
}

export function heading(t: string, level = 3): AdfNode {
  return { type: 'heading', attrs: { level }, content: [text(t)] };
}

export function quote(lines: string[]): AdfNode {
  return { type: 'blockquote', content: lines.filter((l) => l.trim() !== '').map((l) => ({ type: 'paragraph', content: [text(l)] })) };
}

export function doc(content: AdfNode[]): AdfDoc {
  return { type: 'doc', version: 1, content: content.length > 0 ? content : [{ type: 'paragraph', content: [] }] };
}
