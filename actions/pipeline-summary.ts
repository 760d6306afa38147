/**
 * action_pipeline_summary: "what's in my pipeline" for a signed-in sales user: their open
 * opportunities/deals by stage, with amounts and the next close date, read from the CRM at once.
 * Pipeline figures are confidential: anyone else (no token, an invalid one, a customer's) gets the
 * same polite refusal, and the CRM is not asked.
 */
import type { PipelineSummary } from '../src/ports/crm';
import { defineAction } from '../src/sdk';
import { explainFailure, systemName } from './shared/replies';
import { pipelineOwner } from './shared/sales-identity';

export const REFUSAL = "Sorry, pipeline figures are only shared with our sales team. If you're on it, please sign in first and ask me again.";

export const pipelineSummary = defineAction({
  name: 'action_pipeline_summary',
  description: 'Summarises a sales user\'s open pipeline by stage (amounts, next close date) from the CRM. Sales users only (an identity token with the sales role).',
  tools: { identity: 'required' },
  async run(ctx) {
    const { services, dispatcher } = ctx;
    const owner = await pipelineOwner(ctx);
    if (!owner) {
      dispatcher.utterMessage({ text: REFUSAL });
      return [];
    }
    const crm = services.crm;
    if (!crm?.pipeline) {
      dispatcher.utterMessage({ text: "Sorry, I can't read pipelines right now: the CRM connected to this assistant doesn't offer them." });
      return [];
    }
    let summary: PipelineSummary;
    try {
      summary = await crm.pipeline(owner);
    } catch (err) {
      dispatcher.utterMessage({ text: explainFailure(err, systemName(crm.provider, 'our CRM'), 'read your pipeline') });
      return [];
    }
    dispatcher.utterMessage({ text: describePipeline(summary, systemName(crm.provider, 'our CRM')) });
    return [];
  },
});

export function describePipeline(summary: PipelineSummary, system: string): string {
  if (!summary.ownerFound) return `I couldn't find you as a deal owner in ${system}, so there is no pipeline to show. Is your CRM user's email the one you sign in with?`;
  if (summary.stages.length === 0) return 'You have no open deals right now.';
  const money = (n: number) => `${summary.currency ? `${summary.currency} ` : ''}${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const deals = (n: number) => `${n} deal${n === 1 ? '' : 's'}`;
  const count = summary.stages.reduce((n, s) => n + s.count, 0);
  const total = summary.stages.reduce((n, s) => n + s.amount, 0);
  const lines = summary.stages.map((s) => `- ${s.stage}: ${deals(s.count)}, ${money(s.amount)}${s.nextCloseDate ? `, next close ${s.nextCloseDate}` : ''}`);
  const partial = summary.partial ? ` (${system} listed only the first 10,000; there are more)` : '';
  return [`Your open pipeline: ${deals(count)} worth ${money(total)}${partial}.`, ...lines].join('\n');
}
