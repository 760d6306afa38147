/**
 * The ports actions are given, without an outbox (direct): the same work the jobs do, answered
 * "done". With an outbox they are exercised end to end in test/actions/delivered-actions.test.ts
 * and request-demo.test.ts.
 */
import { actionPorts } from '../../src/delivery/action-ports';
import { AppError } from '../../src/errors';
import type { CrmSystem, LeadInput } from '../../src/ports/crm';
import type { ArticleInput, KnowledgeBaseSystem } from '../../src/ports/knowledge-base';
import type { TicketInput, TicketingSystem } from '../../src/ports/ticketing';
import type { WorkflowSystem } from '../../src/ports/workflow';

function systems() {
  const tickets: TicketInput[] = [];
  const comments: [string, string][] = [];
  const leads: LeadInput[] = [];
  const notes: string[] = [];
  const articles: ArticleInput[] = [];
  const ticketing: TicketingSystem = {
    provider: 'test',
    async createTicket(input) {
      tickets.push(input);
      return { key: `T-${tickets.length}`, url: `https://t.test/${tickets.length}` };
    },
    async getStatus(key) {
      return { key, status: 'Open' };
    },
    async addComment(key, text) {
      comments.push([key, text]);
      return { id: 'c-1' };
    },
  };
  const crm: CrmSystem = {
    provider: 'test',
    findByEmail: async () => null,
    async upsertLead(lead) {
      leads.push(lead);
      return { id: 'L-1', created: leads.length === 1 };
    },
    async logActivity(_id, activity) {
      if (activity.subject === 'boom') throw new AppError('upstream_unavailable', 'notes are down');
      notes.push(activity.subject);
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
    expect(await ports.ticketing!.requestStatus('REF-0000000000')).toBeNull();
  });

  it('saves a lead even when the activity note fails', async () => {
    const s = systems();
    const saved = await actionPorts(s).crm!.saveLead({ name: 'Ada', email: 'ada@example.com' }, { subject: 'boom', body: '' }, 'k-2');
    expect(saved).toEqual({ state: 'done', value: { id: 'L-1', created: true } });
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
