/**
 * Issue #16 for Jira: what a user writes reaches Jira in requests Jira accepts — Atlassian's ADF
 * schema and the 32,767-character limit of a text field, both enforced by the fake — and none of
 * it is lost: a description longer than the field holds carries on in comments, in order.
 */
import type { AdfDoc } from '../../../src/connectors/jira/adf';
import { FakeJira } from '../../support/fakes/jira';
import { adfProblem } from '../../support/fakes/adf-schema';
import { startHarness, type Harness } from '../../support/connectors';

const ENV = { TICKETING_PROVIDER: 'jira', JIRA_EMAIL: 'bot@example.com', JIRA_API_TOKEN: 'jira-token', JIRA_PROJECT_KEY: 'SUP' };

/** The text of an ADF document, paragraphs joined by blank lines and hard breaks by newlines. */
function textOf(adf: unknown): string {
  const node = adf as { type: string; text?: string; content?: unknown[] };
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return '\n';
  const inner = (node.content ?? []).map(textOf);
  return node.type === 'doc' || node.type === 'blockquote' ? inner.join('\n\n') : inner.join('');
}

describe('Jira limits, with nothing the user wrote lost (#16)', () => {
  let jira: FakeJira;
  let h: Harness;
  beforeEach(async () => {
    jira = await new FakeJira().start();
    h = await startHarness({ ...ENV, JIRA_HOST: jira.url });
  });
  afterEach(async () => {
    await h.close();
    await jira.stop();
  });

  it('the fake refuses what Jira refuses: invalid ADF, and a description over 32,767 characters', async () => {
    const empty: AdfDoc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] };
    expect(adfProblem(empty)).not.toBeNull();
    const big: AdfDoc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x'.repeat(33_000) }] }] };
    expect(adfProblem(big)).toBeNull();
    const res = await fetch(`${jira.url}/rest/api/3/issue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('bot@example.com:jira-token').toString('base64')}` },
      body: JSON.stringify({ fields: { project: { key: 'SUP' }, summary: 'Too long', description: big } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Record<string, string> }).errors.description).toContain('32,767');
  });

  it('files a 40,000-character description with emoji and Windows line breaks: the start in the issue, the rest in comments, every character kept', async () => {
    const paragraph = (i: number) => `Step ${i}: the export 🚀 fails with "error ${i}" when I click it.\r\nIt shows a red banner 👩‍👩‍👧 and nothing else.`;
    const description = Array.from({ length: 400 }, (_, i) => paragraph(i)).join('\r\n\r\n');
    expect(description.length).toBeGreaterThan(40_000);
    const out = await h.call('action_file_ticket', { slots: { ticket_summary: 'Export fails 🚀', ticket_description: description } });
    expect(out.texts.join(' ')).toMatch(/SUP-1/);
    const issue = jira.issues.get('SUP-1')!;
    // Every request was valid ADF within the limit, or the fake would have refused it.
    expect(JSON.stringify(issue.fields.description).length).toBeLessThanOrEqual(32_767);
    expect(issue.comments.length).toBeGreaterThan(0);
    const parts = [issue.fields.description, ...issue.comments].map(textOf);
    expect(parts.some((p) => p.includes('\r'))).toBe(false);
    expect(parts.slice(1).map((p) => /^Description, continued \((\d+) of \d+\):/.exec(p)?.[1])).toEqual(parts.slice(1).map((_, i) => String(i + 1)));
    // Put back together without our own notes, the text is the user's (the cuts fell on spaces and line breaks).
    const joined = parts
      .map((p, i) => (i === 0 ? p.slice(0, p.indexOf('(The description continues')) : p.replace(/^Description, continued \(\d+ of \d+\):/, '')))
      .join(' ');
    const squeeze = (t: string) => t.replace(/\s+/g, '');
    expect(squeeze(joined) === squeeze(description)).toBe(true);
  });
});
