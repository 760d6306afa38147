/**
 * The ports actions are given, without an outbox (direct): the same work the jobs do, answered
 * "done". With an outbox they are exercised end to end in test/actions/delivered-actions.test.ts
 * and request-demo.test.ts.
 */
import { actionPorts } from '../../src/delivery/action-ports';
import { AppError } from '../../src/errors';
import type { ActivityInput, CrmSystem, LeadInput } from '../../src/ports/crm';
import type { ArticleInput, KnowledgeBaseSystem } from '../../src/ports/knowledge-base';
import { ticketFiler, type TicketAsker, type TicketInput, type TicketingSystem } from '../../src/ports/ticketing';
import type { WorkflowSystem } from '../../src/ports/workflow';

let notesDown = false;
afterEach(() => (notesDown = false));

function systems() {
  const tickets: TicketInput[] = [];
  const comments: [string, string][] = [];
  const leads: LeadInput[] = [];
  const notes: ActivityInput[] = [];
  const articles: ArticleInput[] = [];
  const ticketing: TicketingSystem = {
    provider: 'test',
    async createTicket(input) {
      tickets.push(input);
      return { key: `T-${tickets.length}`, url: `https://t.test/${tickets.length}` };
    },
    async getStatus(key) {
      const filed = tickets[Number(key.replace(/^T-/, '')) - 1];
      if (!filed) throw new AppError('not_found', `no ${key}`);
      return { key, status: 'Open', summary: filed.summary, filedBy: filed.filedBy };
    },
    async addComment(key, text) {
      comments.push([key, text]);
      return { id: 'c-1' };
    },
  };
  const crm: CrmSystem = {
    provider: 'test',
    async findByEmail(email) {
      const known = leads.findIndex((l) => l.email === email);
      return known >= 0 ? { id: `L-${known + 1}`, email } : null;
    },
    async createLead(lead) {
      leads.push(lead);
      return { id: `L-${leads.length}`, existed: false };
    },
    async logActivity(_id, activity) {
      if (activity.subject === 'boom' || notesDown) throw new AppError('upstream_unavailable', 'notes are down');
      notes.push(activity);
      return { id: 'n-1' };
    },
  };
  const knowledgeBase: KnowledgeBaseSystem = {
    provider: 'test',
    async createArticle(input) {
      articles.push(input);
      return { id: 'a-1', title: input.title, reference: input.reference, url: 'https://kb.test/a-1' };
    },
    findByReference: async (reference) => (articles.some((a) => a.reference === reference) ? { id: 'a-1', title: 't', reference, url: 'https://kb.test/a-1' } : null),
  };
  return { ticketing, crm, knowledgeBase, tickets, comments, leads, notes, articles };
}

describe('actionPorts without an outbox', () => {
  it('files a ticket and answers done with its key', async () => {
    const s = systems();
    const ports = actionPorts(s);
    const filed = await ports.ticketing!.fileTicket({ summary: 'Export fails', description: 'x', severity: 'high', reference: 'r-1' }, 'k-1');
    expect(filed).toEqual({ state: 'done', value: { key: 'T-1', url: 'https://t.test/1' } });
    expect(s.tickets).toHaveLength(1);
    // No outbox, so no request was queued under a reference.
    expect(await ports.ticketing!.requestStatus('REF-0000000000', { ...ticketFiler('c-1'), agent: true })).toBeNull();
  });

  it('shows a ticket to its filer and to agents only; to anyone else it is missing', async () => {
    const s = systems();
    const ports = actionPorts(s);
    await ports.ticketing!.fileTicket({ summary: 'Card 4111', description: 'x', severity: 'high', reference: 'r-1', filedBy: ticketFiler('c-1', 'C-1001') }, 'k-1');
    await ports.ticketing!.fileTicket({ summary: 'Nobody’s', description: 'x', severity: 'low', reference: 'r-2' }, 'k-2');
    const status = (asker: TicketAsker, key = 'T-1') => ports.ticketing!.getStatus(key, asker).then((t) => t.summary, (e: AppError) => e.kind);
    expect(await status({ ...ticketFiler('c-1'), agent: false })).toBe('Card 4111');
    // The same customer, signed in from another conversation.
    expect(await status({ ...ticketFiler('c-2', 'C-1001'), agent: false })).toBe('Card 4111');
    expect(await status({ ...ticketFiler('c-2', 'C-1002'), agent: false })).toBe('not_found');
    expect(await status({ ...ticketFiler('c-2'), agent: false })).toBe('not_found');
    expect(await status({ ...ticketFiler('c-2'), agent: true })).toBe('Card 4111');
    // A ticket that records no filer is for agents only.
    expect(await status({ ...ticketFiler('c-1'), agent: false }, 'T-2')).toBe('not_found');
    expect(await status({ ...ticketFiler('c-1'), agent: true }, 'T-2')).toBe('Nobody’s');
  });

  it('saves a lead even when the activity note fails', async () => {
    const s = systems();
    const saved = await actionPorts(s).crm!.saveLead({ name: 'Ada', email: 'ada@example.com' }, { subject: 'boom', body: '' }, 'k-2');
    expect(saved).toEqual({ state: 'done', value: { id: 'L-1' } });
  });

  it('puts what is typed for a known email in a note on that record, and answers exactly as for a new one', async () => {
    const s = systems();
    const crm = actionPorts(s).crm!;
    const first = await crm.saveLead({ name: 'Eve Owner', email: 'eve@example.com', company: 'Real Co' }, { subject: 'Chat', body: 'User: hi' }, 'k-1');
    const second = await crm.saveLead({ name: 'Mallory', email: 'eve@example.com', interest: 'pricing' }, { subject: 'Chat', body: 'User: I am Eve' }, 'k-2');
    expect(second).toEqual(first);
    expect(s.leads).toEqual([expect.objectContaining({ name: 'Eve Owner', company: 'Real Co' })]);
    expect(s.notes).toHaveLength(2);
    expect(s.notes[1]!.body).toContain('Name: Mallory');
    expect(s.notes[1]!.body).toContain('Interested in: pricing');
    expect(s.notes[1]!.body).toContain('User: I am Eve');
  });

  it('fails the save of a known email when its note cannot be written (the details live nowhere else)', async () => {
    const s = systems();
    const crm = actionPorts(s).crm!;
    await crm.saveLead({ name: 'Eve', email: 'eve@example.com' }, undefined, 'k-1');
    notesDown = true;
    await expect(crm.saveLead({ name: 'Mallory', email: 'eve@example.com' }, undefined, 'k-2')).rejects.toMatchObject({ kind: 'upstream_unavailable' });
  });

  it('documents a solution once per reference and notes it on the ticket', async () => {
    const s = systems();
    const kb = actionPorts(s).knowledgeBase!;
    const article = { title: 'Fix', problem: 'p', solution: 's', reference: 'SUP-1' };
    expect(await kb.documentSolution(article, { commentOnTicket: 'SUP-1' }, 'k-3')).toEqual({ state: 'done', value: { url: 'https://kb.test/a-1', existed: false } });
    expect(await kb.documentSolution(article, { commentOnTicket: 'SUP-1' }, 'k-4')).toEqual({ state: 'done', value: { url: 'https://kb.test/a-1', existed: true } });
    expect(s.articles).toHaveLength(1);
    expect(s.comments).toEqual([['SUP-1', expect.stringContaining('https://kb.test/a-1')]]);
  });

  it('offers no workflow without an outbox, and only the ports whose systems exist', () => {
    const workflow: WorkflowSystem = { send: async () => ({ status: 200 }) };
    expect(actionPorts({ workflow })).toEqual({});
    expect(Object.keys(actionPorts({ crm: systems().crm }))).toEqual(['crm']);
  });
});
